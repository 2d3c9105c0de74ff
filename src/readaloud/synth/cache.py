"""The clip cache: one WAV per utterance, named by a hash of everything that shapes the audio.

Content addressing makes resume free: a run killed midway leaves every finished clip behind
(each written atomically), and the next run finds them by the same key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
import wave
from pathlib import Path

from ..fsutil import atomic_path
from ..pcm import PCM, SAMPLE_WIDTH, Clip, write_wav

logger = logging.getLogger(__name__)

# Bump when the stored format or the key recipe changes, so old entries are never misread.
CACHE_FORMAT = 1
# A temp file this old is the leftover of a killed run, not a write in progress.
STALE_PART_S = 15 * 60


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

    def get(self, key: str) -> Clip | None:
        """The cached clip, or None when missing or unreadable (an unreadable one is removed)."""
        path = self.path(key)
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getnchannels() != 1 or wav.getsampwidth() != SAMPLE_WIDTH:
                    raise wave.Error("not mono 16-bit")
                frames, rate = wav.getnframes(), wav.getframerate()
        except FileNotFoundError:
            return None
        except (OSError, EOFError, wave.Error) as exc:
            logger.warning("Ignoring a damaged cached clip %s: %s", path, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        if frames == 0:
            return None
        return Clip(path, frames, rate)

    def put(self, key: str, pcm: PCM) -> Clip:
        """Store a clip atomically (a temp file renamed into place) and return it."""
        path = self.path(key)
        with atomic_path(path) as tmp:
            write_wav(tmp, pcm)
        return Clip(path, pcm.samples, pcm.sample_rate)

    def sweep_partials(self, older_than_s: float = STALE_PART_S) -> int:
        """Remove temp files left by killed runs (`.<key>.wav.*.part`); return how many."""
        removed = 0
        cutoff = time.time() - older_than_s
        for path in self.root.glob("*/.*.part"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed
