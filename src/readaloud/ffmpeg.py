"""The ffmpeg binary: the one shipped in imageio-ffmpeg, another only when asked (there is no ffprobe).

`READALOUD_FFMPEG=/path/to/ffmpeg` (or a command name looked up on PATH) picks another binary;
without it an ffmpeg on PATH is used only when the bundled one is missing. A binary that is not
the bundled one is probed once per run (version, filters, the ebur128 options, encoders) so a
build that lacks something fails with one line naming the binary and what it lacks, instead of
"Conversion failed!" halfway through an episode.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AudioError
from .paths import FFMPEG_ENV, ffmpeg_override
from .pcm import PCM

logger = logging.getLogger(__name__)

ENV_VAR = FFMPEG_ENV
REQUIRED_FILTERS = ("aresample", "volume", "alimiter", "pan", "ebur128", "ametadata", "sine")
"""Filters every convert uses (the encoder calibration generates tones with `sine`)."""
REQUIRED_EBUR128_OPTIONS = ("framelog", "metadata", "peak")
PROBE_TIMEOUT_S = 20


@dataclass(frozen=True)
class FFmpeg:
    """A checked ffmpeg binary and what it supports."""

    path: str
    version: str
    bundled: bool
    encoders: frozenset[str] = field(default_factory=frozenset)
    """Empty for the bundled binary (known to have what readaloud uses): not probed."""

    def describe(self) -> str:
        return f"{self.path} (ffmpeg {self.version})"

    def require_encoder(self, codec: str) -> None:
        """Raise AudioError naming the binary when it cannot encode with `codec`."""
        if self.encoders and codec not in self.encoders:
            raise AudioError(
                f"{self.describe()} has no {codec} encoder. "
                f"Use a build with {codec}, or unset {ENV_VAR} to use the bundled ffmpeg."
            )


@functools.cache
def ffmpeg() -> FFmpeg:
    """The ffmpeg to use, checked once per process."""
    asked = ffmpeg_override()
    if asked:
        return probe(_resolve(asked, f"{ENV_VAR}={asked}"), bundled=False)
    bundled = _bundled()
    if bundled:
        return FFmpeg(bundled, _bundled_version(), bundled=True)
    found = shutil.which("ffmpeg")
    if not found:
        raise AudioError(
            "ffmpeg not found: the imageio-ffmpeg package has no binary for this platform. "
            f"Install ffmpeg, or set {ENV_VAR}=/path/to/ffmpeg."
        )
    logger.info("the bundled ffmpeg is missing; using %s", found)
    return probe(found, bundled=False)


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary to use."""
    return ffmpeg().path


def _resolve(asked: str, origin: str) -> str:
    path = asked if os.sep in asked else shutil.which(asked)
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise AudioError(f"{origin}: no executable file there. Point it at an ffmpeg binary.")
    return path


def _bundled() -> str | None:
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None
    # get_ffmpeg_exe() itself honours IMAGEIO_FFMPEG_EXE and falls back to PATH: only its own
    # binaries folder counts as bundled.
    inside = Path(imageio_ffmpeg.__file__).parent / "binaries"
    return exe if Path(exe).parent == inside else None


def _bundled_version() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_version()
    except Exception:  # noqa: BLE001 - the version is only shown in messages
        return "bundled"


def _ask(path: str, *args: str) -> str:
    """Run `path args` and return stdout; raise AudioError when it is not a working ffmpeg."""
    try:
        proc = subprocess.run(
            [path, "-hide_banner", *args],
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AudioError(f"{path} is not a working ffmpeg ({exc}).") from exc
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1][:200] if lines else f"exit code {proc.returncode}"
        raise AudioError(f"{path} is not a working ffmpeg: `{' '.join(args)}` failed: {detail}")
    return proc.stdout.decode("utf-8", "replace")


_VERSION_RE = re.compile(r"^ffmpeg version (\S+)", re.MULTILINE)


def _listed(listing: str) -> set[str]:
    """Names in an `-encoders`/`-filters` listing: the 2nd field of each row after `------`."""
    rows = listing.split("------", 1)[-1].splitlines()
    return {fields[1] for fields in map(str.split, rows) if len(fields) >= 2}


def probe(path: str, *, bundled: bool) -> FFmpeg:
    """Check a binary once: it says it is ffmpeg, has the filters and options readaloud uses."""
    found = _VERSION_RE.search(_ask(path, "-version"))
    if not found:
        raise AudioError(f"{path} is not a working ffmpeg: `-version` printed no ffmpeg version.")
    version = found.group(1)
    where = f"{path} (ffmpeg {version})"
    filters = _listed(_ask(path, "-filters"))
    missing = [name for name in REQUIRED_FILTERS if name not in filters]
    if missing:
        raise AudioError(
            f"{where} lacks the filter(s) {', '.join(missing)} that readaloud needs. "
            f"Use a full ffmpeg build, or unset {ENV_VAR} to use the bundled one."
        )
    ebur128 = _ask(path, "-h", "filter=ebur128")
    options = set(re.findall(r"^\s{2,4}(\w+)\s+<", ebur128, re.MULTILINE))
    lacking = [name for name in REQUIRED_EBUR128_OPTIONS if name not in options]
    if lacking:
        raise AudioError(
            f"{where}: its ebur128 filter has no {', '.join(lacking)} option(s) "
            "(needed to measure loudness). Use ffmpeg 4.4 or newer."
        )
    encoders = frozenset(_listed(_ask(path, "-encoders")))
    logger.info("using %s", where)
    return FFmpeg(path, version, bundled, encoders)


def run_ffmpeg(args: list[str], *, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run ffmpeg quietly with `args`; raise AudioError with ffmpeg's last message on failure."""
    binary = ffmpeg()
    cmd = [binary.path, "-hide_banner", "-nostdin", "-y", *args]
    if input is not None:
        cmd.remove("-nostdin")
    proc = subprocess.run(cmd, input=input, capture_output=True)
    if proc.returncode != 0:
        raise _failure(binary, proc.stderr, proc.returncode)
    return proc


def _failure(binary: FFmpeg, stderr: bytes, code: int, doing: str = "") -> AudioError:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    detail = lines[-1] if lines else f"exit code {code}"
    where = "" if binary.bundled else f" ({binary.describe()})"
    return AudioError(f"ffmpeg failed{doing}{where}: {detail}")


class PcmPipe:
    """ffmpeg reading mono 16-bit PCM from its stdin as it is made (an episode being stitched):
    `write` blocks by blocks, then `finish()` for its stdout and stderr. A context manager: an
    ffmpeg still running on exit (an error upstream) is killed."""

    def __init__(self, sample_rate: int, args: list[str], doing: str) -> None:
        self._binary = ffmpeg()
        self._doing = doing
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self._err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        source = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]
        cmd = [self._binary.path, "-hide_banner", "-y", *source, *args]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=self._out, stderr=self._err
        )
        self._broken = False

    def write(self, data: bytes) -> None:
        if self._broken:
            return
        try:
            self._proc.stdin.write(data)
        except OSError:  # ffmpeg gave up: finish() says why
            self._broken = True

    def finish(self) -> tuple[bytes, bytes]:
        """Wait for ffmpeg after the last write: (stdout, stderr); AudioError when it failed."""
        try:
            self._proc.stdin.close()
        except OSError:
            self._broken = True
        code = self._proc.wait()
        self._out.seek(0)
        self._err.seek(0)
        stdout, stderr = self._out.read(), self._err.read()
        if code != 0 or self._broken:
            raise _failure(self._binary, stderr, code, self._doing)
        return stdout, stderr

    def __enter__(self) -> PcmPipe:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._out.close()
        self._err.close()


def decode_to_pcm(source: bytes | Path, sample_rate: int) -> PCM:
    """Decode any audio ffmpeg reads (MP3, WAV, ...) to mono 16-bit PCM at `sample_rate`."""
    if isinstance(source, (bytes, bytearray)):
        args, data = ["-i", "pipe:0"], bytes(source)
    else:
        args, data = ["-i", str(source)], None
    out = ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"]
    proc = run_ffmpeg(["-loglevel", "error", *args, *out], input=data)
    return PCM(proc.stdout, sample_rate)
