"""One onnxruntime session per Piper model, shared by every synthesis thread, in bounded memory.

Where a Piper run's memory goes (joe-medium voice, onnxruntime 1.32, measured): the VITS decoder
upsamples every frame of the sentence to 256 samples through 256..32 channels, so decoding a
sentence whole takes about 1.4 MB per phoneme, and onnxruntime's arena keeps the largest demand
seen: a 300-phoneme sentence alone took a session to ~560 MB. The text encoder, duration
predictor and flow need far less (~0.1 MB per phoneme).

So, with the graph split by piper_graph, a sentence runs through the front part whole (the
model sees the whole sentence, as in Piper) and its frames are decoded CHUNK_FRAMES at a time,
each chunk with the decoder's receptive field of context on both sides: the same samples as a
whole decode, in memory that no longer grows with the sentence. Measured on the seed's first 40
sentences, 2 threads (`benchmarks/piper_levers.py`, table in the README): whole sentences
16.3 s CPU and 614 MiB at the peak; chunks of 128 / 192 / 256 frames 15.9 / 15.6 / 15.8 s and
300 / 319 / 368 MiB.

Only a sentence of more than PIECE_PHONEMES phonemes (about half a minute of speech: the text
encoder's attention grows with its square) is still cut, at its pauses (",", ";", ":"; a word
gap if it has none), into runs joined back into one clip: the caller always gets exactly one
clip per utterance. A cut adds the silence the model puts at a run's start, which `_join`
trims. The peak level is normalized over the whole sentence, as Piper does per sentence.

Threads: one intra-op thread per run is cheaper than two on one run (the 2-D convolutions of
piper_graph scale poorly across threads within a run), so several workers each run their own
sentence on the one shared session.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EngineError
from .piper_graph import VoiceGraph, discard

if TYPE_CHECKING:
    from piper import PiperVoice

logger = logging.getLogger(__name__)

PIECE_PHONEMES = 400
"""The most phonemes one run of the front part gets."""
CHUNK_FRAMES = 192
"""Frames decoded at a time (plus the receptive field on both sides); 192 frames are 2.2 s of
speech at 22,050 Hz, ~60 MB of activations."""
WORKER_MB = 100
"""Measured: what one more synthesis thread adds at the peak (its front run and decoder chunk,
its share of the arena)."""
PAUSES = frozenset(",;:")
_JOIN_LEAD_MS = 10  # silence kept at the start of a piece that continues a sentence
_JOIN_GAP_MS = 10  # silence kept at the end of a piece cut at a word gap (no pause there)
_JOIN_PAUSE_MS = 120  # ... and at a pause mark: the model says a piece's last words more slowly
# than mid-sentence; measured on the seed (99 cuts), keeping the whole ~225 ms run-end silence
# made the episode 1.5 % longer than uncut sentences.
_SILENT = 0.01  # below this fraction of the sentence's peak a sample counts as silence


def split_phonemes(phonemes: list[str], cap: int = PIECE_PHONEMES) -> list[list[str]]:
    """Cut one sentence's phonemes into pieces of at most `cap`, at the pause nearest the
    middle (else the word gap nearest the middle, else the middle). Pieces keep their pause
    mark; the word gap after a cut is dropped."""
    pieces: list[list[str]] = []
    todo = [phonemes]
    while todo:  # each cut makes both halves shorter: at most len(phonemes) rounds
        piece = todo.pop()
        if len(piece) <= cap:
            if piece:
                pieces.append(piece)
            continue
        middle = len(piece) // 2
        cut = None
        for marks in (PAUSES, {" "}):
            cuts = [i + 1 for i, p in enumerate(piece[:-1]) if p in marks]
            if cuts:
                cut = min(cuts, key=lambda i: abs(i - middle))
                break
        cut = cut or middle
        head, tail = piece[:cut], piece[cut:]
        while head and head[-1] == " ":
            head = head[:-1]
        while tail and tail[0] == " ":
            tail = tail[1:]
        todo += [tail, head]  # head first: it is popped next
    return pieces


class SharedVoice:
    """A PiperVoice whose one session serves any number of threads (onnxruntime's run() is
    thread-safe and releases the GIL); espeak-ng phonemization is serialized.

    With a split graph (piper_graph) a sentence runs through the front part whole and its
    frames are decoded CHUNK_FRAMES at a time, so a run's memory no longer grows with the
    sentence."""

    def __init__(self, model: Path, config: dict, threads: int, graph: VoiceGraph | None = None):
        """`threads`: the cores one synthesis call may use: the front part's intra-op threads;
        with a split graph a sentence's chunks are decoded `threads` at a time, one intra-op
        thread each (the decoder's 2-D convolutions scale poorly across intra-op threads: 1.35x
        on 2 cores, against ~1.9x for two chunks side by side)."""
        from piper import PiperVoice
        from piper.config import PiperConfig

        graph = graph or VoiceGraph(front=model)
        try:
            front = _load(graph.front, _session_options(threads, graph.optimized))
            decoder = (
                _load(graph.decoder, _session_options(1, graph.optimized))
                if graph.decoder
                else None
            )
        except Exception as exc:  # a damaged cached graph: the model itself still works
            if graph.front == model:
                raise EngineError(
                    f"Piper cannot load the voice model {model}: {exc}. Is it a Piper .onnx voice?"
                ) from exc
            logger.info("Cannot load %s (%s); using %s as it is", graph.front.parent, exc, model)
            discard(graph)  # made again on the next run
            return self.__init__(model, config, threads)
        logger.debug("Loaded Piper model %s (%d intra-op threads)", graph.front, threads)
        self.threads = threads
        self.graph = graph
        self.decoder = decoder
        self._chunks = (
            ThreadPoolExecutor(threads, thread_name_prefix="readaloud-decode")
            if decoder is not None and threads > 1
            else None
        )
        self.voice: PiperVoice = PiperVoice(session=front, config=PiperConfig.from_dict(config))
        self._front_outputs = [output.name for output in front.get_outputs()]
        self._decoder_inputs = [node.name for node in decoder.get_inputs()] if decoder else []
        self._phonemize = threading.Lock()

    @property
    def sample_rate(self) -> int:
        return self.voice.config.sample_rate

    def synthesize(self, text: str, length_scale: float) -> bytes:
        """16-bit mono PCM of `text`: sentence after sentence, as Piper's synthesize_wav."""
        import numpy as np
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=length_scale)
        with self._phonemize:
            sentences = self.voice.phonemize(text)
        out = []
        for phonemes in sentences:
            if not phonemes:
                continue
            pieces = split_phonemes(phonemes)
            runs = [self._run(piece, config) for piece in pieces]
            audio = _join(runs, pieces, self.sample_rate) if len(runs) > 1 else runs[0]
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            audio = audio / peak if peak >= 1e-8 else np.zeros_like(audio)
            out.append((np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tobytes())
        return b"".join(out)

    def _run(self, piece: list[str], config):
        """One sentence (or piece of one) through the model: float samples."""
        ids = self.voice.phonemes_to_ids(piece)
        if self.decoder is None:
            return self.voice.phoneme_ids_to_audio(ids, config)
        return self._decode(self.voice.session.run(None, self._inputs(ids, config)))

    def _inputs(self, ids: list[int], config) -> dict:
        """The model's inputs for one run, as PiperVoice.phoneme_ids_to_audio builds them."""
        import numpy as np

        settings = self.voice.config
        scales = [
            settings.noise_scale if config.noise_scale is None else config.noise_scale,
            settings.length_scale if config.length_scale is None else config.length_scale,
            settings.noise_w_scale if config.noise_w_scale is None else config.noise_w_scale,
        ]
        inputs = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array(scales, dtype=np.float32),
        }
        if settings.num_speakers > 1:
            speaker = (
                settings.default_speaker_id if config.speaker_id is None else config.speaker_id
            )
            inputs["sid"] = np.array([speaker], dtype=np.int64)
        return inputs

    def _decode(self, front_outputs: list):
        """Decode the frames CHUNK_FRAMES at a time, each with `overlap` frames of context on
        both sides whose samples are dropped: the same samples as decoding them whole."""
        import numpy as np

        given = dict(zip(self._front_outputs, front_outputs, strict=True))
        inputs = {name: given[name] for name in self._decoder_inputs}
        frames = inputs[self.graph.frames_input]
        total, overlap = frames.shape[-1], self.graph.overlap

        def chunk(start: int):
            low, high = max(0, start - overlap), min(total, start + CHUNK_FRAMES + overlap)
            feed = {**inputs, self.graph.frames_input: np.ascontiguousarray(frames[..., low:high])}
            audio = self.decoder.run(None, feed)[0].reshape(-1)
            hop = audio.size // (high - low)
            end = min(total, start + CHUNK_FRAMES)
            return audio[(start - low) * hop : (end - low) * hop]

        starts = range(0, total, CHUNK_FRAMES)
        if self._chunks is not None and len(starts) > 1:
            parts = list(self._chunks.map(chunk, starts))
        else:
            parts = [chunk(start) for start in starts]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        """Stop the chunk threads (the session itself goes with the last reference)."""
        if self._chunks is not None:
            self._chunks.shutdown(wait=False)


def _session_options(threads: int, optimized: bool):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    # onnxruntime plans a memory block per input shape; every sentence and chunk has its own
    # length, so the plans only pile up (measured: 41 MB more at the peak, no faster).
    options.enable_mem_pattern = False
    if optimized:  # piper_graph saved onnxruntime's optimizations for this machine
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return options


def _load(path: Path, options):
    import onnxruntime

    return onnxruntime.InferenceSession(
        str(path), sess_options=options, providers=["CPUExecutionProvider"]
    )


def _join(runs: list, pieces: list[list[str]], sample_rate: int):
    """The pieces of one sentence back to back. The model ends every run with a sentence-end
    silence and starts it with a breath of silence: at a cut, the silence before is trimmed to
    _JOIN_PAUSE_MS after a pause mark and to _JOIN_GAP_MS at a word gap; the silence after is
    trimmed to _JOIN_LEAD_MS."""
    import numpy as np

    peak = max((float(np.max(np.abs(run))) for run in runs if run.size), default=0.0)
    lead = sample_rate * _JOIN_LEAD_MS // 1000
    parts = []
    for number, (run, piece) in enumerate(zip(runs, pieces, strict=True)):
        loud = np.flatnonzero(np.abs(run) > _SILENT * peak)
        start, end = 0, run.size
        if loud.size and number > 0:
            start = max(0, int(loud[0]) - lead)
        if loud.size and number < len(runs) - 1:
            keep = _JOIN_PAUSE_MS if piece[-1] in PAUSES else _JOIN_GAP_MS
            end = min(run.size, int(loud[-1]) + 1 + sample_rate * keep // 1000)
        parts.append(run[start:end])
    return np.concatenate(parts)
