"""The ffmpeg binary: the one on PATH, else the one shipped in imageio-ffmpeg (there is no ffprobe)."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from .errors import AudioError
from .pcm import PCM


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary to use."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise AudioError("ffmpeg not found. Install it or run: pip install imageio-ffmpeg") from exc
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise AudioError(f"ffmpeg not found ({exc}). Install ffmpeg or imageio-ffmpeg.") from exc


def run_ffmpeg(args: list[str], *, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run ffmpeg quietly with `args`; raise AudioError with ffmpeg's last message on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    if input is not None:
        cmd.remove("-nostdin")
    proc = subprocess.run(cmd, input=input, capture_output=True)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit code {proc.returncode}"
        raise AudioError(f"ffmpeg failed: {detail}")
    return proc


def decode_to_pcm(source: bytes | Path, sample_rate: int) -> PCM:
    """Decode any audio ffmpeg reads (MP3, WAV, ...) to mono 16-bit PCM at `sample_rate`."""
    if isinstance(source, (bytes, bytearray)):
        args, data = ["-i", "pipe:0"], bytes(source)
    else:
        args, data = ["-i", str(source)], None
    out = ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]
    proc = run_ffmpeg(["-loglevel", "error", *args, *out], input=data)
    return PCM(proc.stdout, sample_rate)
