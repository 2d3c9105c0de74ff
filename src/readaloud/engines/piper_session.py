"""One onnxruntime session per Piper model, shared by every synthesis thread, in bounded memory.

Where a Piper session's memory goes (joe-medium voice, onnxruntime 1.32, measured): about
90 MB for the loaded model, then the activations of the runs in flight: about 1.4 MB per
phoneme (the VITS decoder upsamples every phoneme to ~1,500 samples through 512..32
channels), kept by onnxruntime's memory arena at the largest demand seen. A 300-phoneme
sentence alone takes a session to ~560 MB. Graph optimization level, weight prepacking and
memory patterns change neither figure by more than 12 MB. The levers measured on the seed's first
40 sentences (2 cores, `benchmarks/piper_levers.py`) are in the README's performance table; in
short: threads pay (one intra-op thread per run is ~35 % cheaper in CPU than two on one run,
so two threads running two utterances on one shared session beat bare Piper), and capping the
phonemes of a single run bounds the arena.

So a long sentence is cut at its pauses (",", ";", ":"; a word gap if it has none) into runs
of at most PIECE_PHONEMES phonemes, and the pieces are joined back into one clip: the caller
still gets exactly one clip per utterance. The cut adds the silence the model puts at a
run's start, which `_join` trims, so a sentence lasts as long as uncut (within the model's own
run-to-run spread of about 1 %). The peak level is normalized over the whole sentence, as
Piper does per sentence.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EngineError
from ..paths import memory_budget_mb

if TYPE_CHECKING:
    from piper import PiperVoice

logger = logging.getLogger(__name__)

PIECE_PHONEMES = 90
"""The most phonemes one model run gets (~125 MB of activations; the seed's sentences average
104). Smaller pieces cost no CPU, but every cut is a place where the model cannot see the rest
of the sentence."""
MB_PER_PHONEME = 1.4
BASE_MB = 250
"""What a conversion holds besides the runs in flight: interpreter, libraries, the loaded model
(~90 MB), the encoder."""
ARENA_SLACK = 1.4
"""onnxruntime's arena grows in doubling regions and fragments as runs of all sizes come and go:
measured, it holds ~1.4x the largest demand."""
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


def flight_phonemes() -> int:
    """At most this many phonemes in model runs at once (a run alone may always go): what the
    memory budget (READALOUD_MEMORY_MB) leaves after BASE_MB. The default 1024 MB gives 394:
    two sentences run side by side (512 MB gives 133: mostly one after the other, ~25 % slower)."""
    room = (memory_budget_mb() - BASE_MB) / (MB_PER_PHONEME * ARENA_SLACK)
    return max(PIECE_PHONEMES, int(room))


class SharedVoice:
    """A PiperVoice whose one session serves any number of threads (onnxruntime's run() is
    thread-safe and releases the GIL); espeak-ng phonemization is serialized."""

    def __init__(self, model: Path, config: dict, threads: int) -> None:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        try:
            session = onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EngineError(
                f"Piper cannot load the voice model {model}: {exc}. Is it a Piper .onnx voice?"
            ) from exc
        logger.debug("Loaded Piper model %s (%d intra-op threads)", model, threads)
        self.threads = threads
        self.voice: PiperVoice = PiperVoice(session=session, config=PiperConfig.from_dict(config))
        self._phonemize = threading.Lock()
        self._gate = threading.Condition()
        self._in_flight = 0

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
        """One model run, once the phonemes in flight leave room for it (or nothing runs)."""
        size = len(piece)
        with self._gate:
            self._gate.wait_for(
                lambda: not self._in_flight or self._in_flight + size <= flight_phonemes()
            )
            self._in_flight += size
        try:
            return self.voice.phoneme_ids_to_audio(self.voice.phonemes_to_ids(piece), config)
        finally:
            with self._gate:
                self._in_flight -= size
                self._gate.notify_all()


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
