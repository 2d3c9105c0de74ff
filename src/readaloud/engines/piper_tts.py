"""Piper (piper-tts): the default offline neural engine. Plain text in; rate via length_scale.

Models are loaded once per process and kept in a small pool of ONNX sessions per model.
Measured on 2 cores (benchmarks/synth_vs_bare.py, seed article, 590 s of audio): one session
using both cores took 28.3 s; two sessions with one intra-op thread each, one per worker thread,
23.5 s (3 and 4 workers: 24.1 s and 25.2 s). Sharing one session between threads was slower
still, so the pool hands each worker its own session.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import os
import queue
import threading
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EngineError
from ..paths import engine_threads
from ..pcm import PCM
from .base import Capabilities, Engine
from .piper_models import PiperModel, resolve_model, verify_model

if TYPE_CHECKING:
    from piper import PiperVoice

    from ..voices import VoicePreset

logger = logging.getLogger(__name__)

DEFAULT_SAMPLE_RATE = 22050


RECYCLE_AFTER = 100  # utterances per ONNX session


def _trim_heap() -> None:
    """Hand freed heap memory back to the system (glibc); a no-op elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _VoicePool:
    """Up to `size` PiperVoice instances (ONNX sessions) of one model, lent to one thread each."""

    def __init__(self, model: PiperModel) -> None:
        self.model = model
        self.size = 1
        self._free: queue.LifoQueue[PiperVoice | None] = queue.LifoQueue()
        self._created = 0
        self.loads = 0
        """Sessions loaded so far (the first, more when sessions are added or recycled)."""
        self._uses: dict[int, int] = {}
        self._lock = threading.Lock()
        self._config = json.loads(model.config.read_text(encoding="utf-8"))

    @property
    def sample_rate(self) -> int:
        return int(self._config["audio"]["sample_rate"])

    def _new_voice(self) -> PiperVoice:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        # With several workers, each session gets its share of the cores; one session alone
        # keeps onnxruntime's default (all cores). READALOUD_THREADS (set in a Dask worker to
        # its thread count) caps the cores this process may use.
        cores = engine_threads()
        if self.size > 1 or cores:
            options.intra_op_num_threads = max(1, (cores or os.cpu_count() or 1) // self.size)
        self.loads += 1
        try:
            session = onnxruntime.InferenceSession(
                str(self.model.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EngineError(
                f"Piper cannot load the voice model {self.model.model}: {exc}. "
                "Is it a Piper .onnx voice?"
            ) from exc
        logger.debug("Loaded Piper model %s (session %d)", self.model.model, self._created + 1)
        return PiperVoice(session=session, config=PiperConfig.from_dict(self._config))

    def acquire(self) -> PiperVoice:
        """A session for this thread: a free one, a new one while under `size`, else wait."""
        try:
            voice = self._free.get_nowait()
        except queue.Empty:
            with self._lock:
                grow = self._created < self.size
                self._created += grow
            voice = None if grow else self._free.get()
            if grow:
                return self._fresh(give_back_on_error=False)
        if voice is None:  # a retired session's slot
            return self._fresh(give_back_on_error=True)
        return voice

    def _fresh(self, *, give_back_on_error: bool) -> PiperVoice:
        gc.collect()  # let a retired session's memory go before the next one loads
        _trim_heap()
        try:
            return self._new_voice()
        except BaseException:
            if give_back_on_error:
                self._free.put(None)
            else:
                with self._lock:
                    self._created -= 1
            raise

    def release(self, voice: PiperVoice) -> None:
        """Take a session back; one that has served RECYCLE_AFTER utterances is retired.

        onnxruntime's arena only grows (utterances of varying length fragment it: measured
        550 -> 890 MB over a 20,000-word article), so a fresh session every RECYCLE_AFTER
        utterances keeps memory flat for about 0.4 s of loading. The retired session is freed
        when its last user drops it; its slot (None) is refilled by the next acquire().
        """
        with self._lock:
            uses = self._uses.pop(id(voice), 0) + 1
            if uses < RECYCLE_AFTER:
                self._uses[id(voice)] = uses
        self._free.put(voice if uses < RECYCLE_AFTER else None)


class PiperEngine(Engine):
    """Piper neural TTS, offline, with the joe voice by default."""

    name = "piper"
    capabilities = Capabilities(
        needs_network=False,
        accepts_ssml=False,
        sample_rate=DEFAULT_SAMPLE_RATE,
        languages=["*"],
        binaries=[],
    )
    parallel_safe = True
    worker_memory_mb = 400  # measured: a session's arena at a 300-character utterance

    def __init__(self) -> None:
        self._pools: dict[Path, _VoicePool] = {}
        self._ids: dict[Path, str] = {}
        self._lock = threading.Lock()

    def version(self) -> str:
        try:
            return metadata.version("piper-tts")
        except metadata.PackageNotFoundError:
            return "unknown"

    def check(self) -> tuple[bool, str]:
        try:
            import piper  # noqa: F401
        except ImportError:
            return False, "piper-tts is not installed; run: pip install piper-tts"
        return self.check_voice(None)

    def check_voice(self, preset: VoicePreset | None) -> tuple[bool, str]:
        """Is the preset's voice present and intact? Never touches the network."""
        try:
            model = resolve_model(preset.voice if preset else None)
            self._verified(model)
        except EngineError as exc:
            return False, str(exc)
        return True, f"ready (offline, voice {model.name})"

    def _verified(self, model: PiperModel) -> str:
        key = model.model.resolve()
        with self._lock:
            if key not in self._ids:
                model_md5, config_md5 = verify_model(model)
                self._ids[key] = f"{model_md5}:{config_md5}"
            return self._ids[key]

    def voice_language(self, preset: VoicePreset) -> str | None:
        try:
            config = json.loads(resolve_model(preset.voice).config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        code = (config.get("language") or {}).get("code") or config.get("espeak", {}).get("voice")
        return code.replace("_", "-") if isinstance(code, str) else None

    def voice_id(self, preset: VoicePreset) -> str:
        return self._verified(resolve_model(preset.voice))

    def _pool(self, preset: VoicePreset) -> _VoicePool:
        model = resolve_model(preset.voice)
        self._verified(model)
        key = model.model.resolve()
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = _VoicePool(model)
            return pool

    def prepare(self, preset: VoicePreset, jobs: int) -> None:
        """Size the session pool for `jobs` worker threads (before the first utterance)."""
        pool = self._pool(preset)
        with pool._lock:
            # Grow only: sessions already loaded keep serving (a pool never shrinks mid-run).
            pool.size = max(pool.size, jobs, 1)

    def sessions_loaded(self) -> int:
        return sum(pool.loads for pool in list(self._pools.values()))

    def settings(self, preset: VoicePreset) -> dict[str, object]:
        return {"rate": preset.rate, "sample_rate": self._pool(preset).sample_rate}

    def synthesize(self, text: str, preset: VoicePreset) -> PCM:
        from piper import SynthesisConfig

        if not text.strip():
            raise EngineError("Piper was given an empty utterance.")

        pool = self._pool(preset)
        voice = pool.acquire()
        try:
            config = SynthesisConfig(length_scale=voice.config.length_scale / preset.rate)
            # Piper yields one chunk per sentence it finds; joined back to back they are
            # exactly what synthesize_wav writes.
            data = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, config))
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"Piper failed on {text[:60]!r}: {exc}") from exc
        finally:
            pool.release(voice)
        return PCM(data, voice.config.sample_rate)
