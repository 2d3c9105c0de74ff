"""Piper (piper-tts): the default offline neural engine. Plain text in; rate via length_scale.

A model is loaded once per process, rewritten for onnxruntime (piper_graph: 2-D convolutions, the
decoder split off), into one session that every synthesis thread shares (piper_session: one
intra-op thread per worker, frames decoded in chunks so no run's activations exceed about
60 MB). With one worker the session uses every core.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EngineError
from ..heap import trim_heap
from ..paths import engine_threads
from ..pcm import PCM
from .base import Capabilities, Engine
from .piper_graph import voice_graph
from .piper_models import PiperModel, resolve_model, verify_model
from .piper_session import WORKER_MB, SharedVoice

if TYPE_CHECKING:
    from ..voices import VoicePreset

logger = logging.getLogger(__name__)

DEFAULT_SAMPLE_RATE = 22050


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
    # One more worker on the shared session holds one more sentence's front run and decoder
    # chunk (piper_session: decoded in chunks, so bounded whatever the sentence's length).
    worker_memory_mb = WORKER_MB

    def __init__(self) -> None:
        self._voices: dict[Path, SharedVoice] = {}
        self._configs: dict[Path, dict] = {}
        self._workers = 1
        self._loads = 0  # sessions loaded by this process (a Dask worker: once per voice)
        self._ids: dict[Path, tuple[str, str]] = {}  # model path -> (model md5, config md5)
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
                self._ids[key] = verify_model(model)
            return ":".join(self._ids[key])

    def voice_language(self, preset: VoicePreset) -> str | None:
        try:
            config = json.loads(resolve_model(preset.voice).config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        code = (config.get("language") or {}).get("code") or config.get("espeak", {}).get("voice")
        return code.replace("_", "-") if isinstance(code, str) else None

    def voice_id(self, preset: VoicePreset) -> str:
        return self._verified(resolve_model(preset.voice))

    def _model(self, preset: VoicePreset) -> PiperModel:
        model = resolve_model(preset.voice)
        self._verified(model)
        return model

    def _config(self, model: PiperModel) -> dict:
        key = model.model.resolve()
        with self._lock:
            if key not in self._configs:
                self._configs[key] = json.loads(model.config.read_text(encoding="utf-8"))
            return self._configs[key]

    def _voice(self, preset: VoicePreset) -> SharedVoice:
        """The model's shared session, loaded on first use (one load per process)."""
        model = self._model(preset)
        key = model.model.resolve()
        config = self._config(model)
        with self._lock:
            voice = self._voices.get(key)
            if voice is None:
                # Several workers: one thread each (cheaper in CPU than sharing the cores within
                # one run); one worker alone gets every core (its chunks decoded side by side).
                # READALOUD_THREADS (a Dask worker's thread count) caps the cores.
                cores = engine_threads() or os.cpu_count() or 1
                threads = 1 if self._workers > 1 else cores
                graph = voice_graph(model.model, self._ids[key][0])
                voice = self._voices[key] = SharedVoice(model.model, config, threads, graph)
                self._loads += 1
            return voice

    def prepare(self, preset: VoicePreset, jobs: int) -> None:
        """Note how many threads will call synthesize (before the first utterance)."""
        self._model(preset)
        with self._lock:
            self._workers = max(1, jobs)

    def release(self) -> None:
        """Unload the sessions (their activations included); the next utterance reloads."""
        with self._lock:
            for voice in self._voices.values():
                voice.close()
            self._voices.clear()
        gc.collect()
        trim_heap()

    def sessions_loaded(self) -> int:
        return self._loads

    def settings(self, preset: VoicePreset) -> dict[str, object]:
        config = self._config(self._model(preset))
        return {"rate": preset.rate, "sample_rate": int(config["audio"]["sample_rate"])}

    def synthesize(self, text: str, preset: VoicePreset) -> PCM:
        if not text.strip():
            raise EngineError("Piper was given an empty utterance.")
        voice = self._voice(preset)
        try:
            data = voice.synthesize(text, voice.voice.config.length_scale / preset.rate)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"Piper failed on {text[:60]!r}: {exc}") from exc
        # The worker threads' malloc arenas keep the high-water mark of the numpy buffers of
        # every sentence: measured 509 -> 485 MiB peak over 60 sentences when trimmed each time.
        trim_heap()
        return PCM(data, voice.sample_rate)
