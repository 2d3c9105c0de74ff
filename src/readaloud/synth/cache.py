"""The clip cache: one WAV per utterance, named by a hash of everything that shapes the audio.

Content addressing makes resume free: a run killed midway leaves every finished clip behind
(each written atomically), and the next run finds them by the same key. Each clip has a small
record beside it (`<key>.json`: sample count, rate, sha256 of the file); a clip that does not
match its record (cut short, zero-filled, overwritten, or written without one) is not used, so
the caller synthesizes it again instead of publishing damaged audio.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import wave
from pathlib import Path

from ..fsutil import atomic_path, sweep_dead_runs, write_text_atomic
from ..pcm import PCM, SAMPLE_WIDTH, Clip, write_wav

logger = logging.getLogger(__name__)

# Bump when the stored format or the key recipe changes, so old entries are never misread.
CACHE_FORMAT = 1


def clip_key(
    *, engine: str, engine_version: str, voice_id: str, settings: dict[str, object], text: str
) -> str:
    """sha256 over the engine, its version, the voice identity, the settings and the text."""
    recipe = {
        "format": CACHE_FORMAT,
        "engine": engine,
        "engine_version": engine_version,
        "voice": voice_id,
        "settings": settings,
        "text": text,
    }
    blob = json.dumps(recipe, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ClipStore:
    """A folder of cached clips: `<root>/<key[:2]>/<key>.wav`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def record_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Clip | None:
        """The cached clip, or None when missing or damaged (a damaged one is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return self._discard(key, f"cannot be read ({exc.strerror or exc})")
        try:
            record = json.loads(self.record_path(key).read_text(encoding="utf-8"))
            expected = (int(record["samples"]), int(record["rate"]), str(record["sha256"]))
        except FileNotFoundError:  # cached by a version that kept no records: not news to users
            return self._discard(key, "it has no checksum record", logging.DEBUG)
        except (OSError, ValueError, KeyError, TypeError):
            return self._discard(key, "it has no valid checksum record")
        samples, rate, digest = expected
        if hashlib.sha256(data).hexdigest() != digest:
            return self._discard(key, "its checksum does not match (damaged or cut short)")
        try:
            with wave.open(io.BytesIO(data), "rb") as wav:
                shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
                frames = len(wav.readframes(wav.getnframes())) // SAMPLE_WIDTH
        except (EOFError, wave.Error) as exc:
            return self._discard(key, f"it is not a WAV file ({exc})")
        if shape != (1, SAMPLE_WIDTH, rate) or frames != samples or samples == 0:
            return self._discard(key, f"it holds {frames} samples, not {samples}")
        return Clip(path, samples, rate)

    def _discard(self, key: str, reason: str, level: int = logging.WARNING) -> None:
        logger.log(level, "Synthesizing a cached clip again (%s: %s)", self.path(key).name, reason)
        for path in (self.path(key), self.record_path(key)):
            with contextlib.suppress(OSError):
                path.unlink()
        return None

    def put(self, key: str, pcm: PCM) -> Clip:
        """Store a clip and its checksum record, each atomically, and return the clip."""
        path = self.path(key)
        with atomic_path(path) as tmp:
            write_wav(tmp, pcm)
            digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
            record = {"samples": pcm.samples, "rate": pcm.sample_rate, "sha256": digest}
            # The record lands first: a run killed in between leaves a record without its clip
            # (a plain miss), never a clip that cannot be checked.
            write_text_atomic(self.record_path(key), json.dumps(record))
        return Clip(path, pcm.samples, pcm.sample_rate)

    def sweep_partials(self) -> int:
        """Remove temp files left by killed runs (`.<key>.wav.*.part`); return how many."""
        try:
            folders = [p for p in self.root.iterdir() if p.is_dir()]
        except OSError:
            return 0
        return sum(sweep_dead_runs(folder) for folder in folders)
