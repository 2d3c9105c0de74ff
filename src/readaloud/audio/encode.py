"""Encode the episode WAV to MP3 (libmp3lame) or M4B (AAC in MP4 with chapters) with ffmpeg."""

from __future__ import annotations

import functools
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import AudioError
from ..ffmpeg import PcmPipe, ffmpeg, ffmpeg_exe, run_ffmpeg
from ..fsutil import temp_dir, write_text_atomic
from . import loudness
from .timeline import ChapterMark

logger = logging.getLogger(__name__)

FORMATS = {
    # format: (ffmpeg codec, ffmpeg muxer, file extension, MIME type)
    "mp3": ("libmp3lame", "mp3", "mp3", "audio/mpeg"),
    "m4b": ("aac", "ipod", "m4b", "audio/x-m4a"),
}

MP3_QUALITY = 7
"""LAME's algorithm quality (0 slowest .. 9 fastest). Measured on Piper speech at 64 kbit/s: 7
encodes 1.6x faster than 5 (0.95 s against 1.51 s of CPU for 6 minutes) with a higher waveform
SNR (33 dB against 26 dB: 5 spends bits on psychoacoustic noise shaping that speech at this rate
gains little from). Encoding is the largest packaging cost, so it counts against synthesis time."""


@dataclass(frozen=True)
class EncodeSettings:
    """How the episode is encoded."""

    format: str = "mp3"
    bitrate: str = "64k"
    sample_rate: int = 44100
    channels: int = 1
    quality: int = MP3_QUALITY
    """LAME's -q for MP3 (0 best and slowest .. 9 fastest); ignored for M4B."""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise AudioError(
                f"Unknown audio format {self.format!r}. Use one of: {', '.join(FORMATS)}."
            )
        if self.channels not in (1, 2):
            raise AudioError(f"Channels must be 1 (mono) or 2 (stereo), not {self.channels}.")
        if not 8000 <= self.sample_rate <= 48000:
            raise AudioError(f"Sample rate {self.sample_rate} Hz is out of range (8000-48000).")

    @property
    def extension(self) -> str:
        return FORMATS[self.format][2]

    @property
    def mime_type(self) -> str:
        return FORMATS[self.format][3]

    def codec_args(self) -> list[str]:
        codec, muxer, _, _ = FORMATS[self.format]
        args = ["-c:a", codec, "-b:a", self.bitrate, "-ac", str(self.channels)]
        args += ["-ar", str(self.sample_rate)]
        if self.format == "mp3":
            # No ID3 from ffmpeg (tags.py writes ours, chapters in order); keep the Xing/LAME
            # header, which tells decoders the encoder delay and padding to trim, so the decoded
            # length equals the episode's length.
            args += ["-compression_level", str(self.quality), "-id3v2_version", "0"]
            args += ["-write_xing", "1"]
        else:
            # ffmpeg's "fast" AAC coder: 1.4 s of CPU for 6 minutes of Piper speech against 4.2 s
            # for the default "twoloop", with a higher waveform SNR (32 dB against 25 dB).
            args += ["-aac_coder", "fast", "-movflags", "+faststart"]
        return [*args, "-f", muxer]


def escape_ffmetadata(value: str) -> str:
    """Escape `= ; # \\` and newlines with a backslash, as the FFMETADATA format requires."""
    out = []
    for char in value:
        if char in "=;#\\\n":
            out.append("\\")
        out.append(char)
    return "".join(out)


def ffmetadata(chapters: list[ChapterMark], tags: dict[str, str] | None = None) -> str:
    """An FFMETADATA1 document: global tags, then one [CHAPTER] per mark (milliseconds)."""
    lines = [";FFMETADATA1"]
    for key, value in (tags or {}).items():
        if value:
            lines.append(f"{key}={escape_ffmetadata(str(value))}")
    for mark in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={mark.start_ms}",
            f"END={mark.end_ms}",
            f"title={escape_ffmetadata(mark.title)}",
        ]
    return "\n".join(lines) + "\n"


def output_filters(settings: EncodeSettings, plan: loudness.LoudnessPlan | None) -> list[str]:
    """The filter chain of the encode pass: resample, gain + limiter, then the channel layout."""
    filters = [f"aresample={settings.sample_rate}"]
    if plan is not None:
        filters += plan.filters()
    if settings.channels == 2:
        # Both channels at full level: ffmpeg's default upmix would put each 3 dB lower.
        filters.append("pan=stereo|c0=c0|c1=c0")
    return filters


def encode(
    wav: Path,
    out: Path,
    settings: EncodeSettings,
    *,
    plan: loudness.LoudnessPlan | None = None,
    chapters: list[ChapterMark] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """Encode `wav` into `out` (written in place: the caller makes it atomic).

    `plan` applies loudness normalization; for M4B, `chapters` and `tags` go into the MP4 through
    an FFMETADATA file (MP3 tags and chapters are written afterwards by tags.py).
    """
    ffmpeg().require_encoder(FORMATS[settings.format][0])
    args = ["-i", str(wav)]
    with temp_dir("enc") as tmp:
        if settings.format == "m4b":
            meta = Path(tmp) / "chapters.ffmeta"
            meta.write_text(ffmetadata(chapters or [], tags), encoding="utf-8")
            args += ["-i", str(meta), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        else:
            args += ["-map", "0:a", "-map_metadata", "-1"]
        logger.debug("encoding %s -> %s (%s)", wav, out, settings)
        run_ffmpeg(["-loglevel", "error", *args, *_output_args(out, settings, plan)])


def _output_args(out: Path, settings: EncodeSettings, plan: loudness.LoudnessPlan | None):
    return ["-af", ",".join(output_filters(settings, plan)), *settings.codec_args(), str(out)]


def encode_stream(
    out: Path, settings: EncodeSettings, sample_rate: int, plan: loudness.LoudnessPlan | None
) -> PcmPipe:
    """An MP3 encoder of mono 16-bit PCM at `sample_rate`, fed as the episode is stitched (no
    episode WAV at all): `write` the PCM, then `finish()`. Use as a context manager. M4B needs
    its chapters before the audio, so it is encoded from a finished WAV (`encode`)."""
    if settings.format != "mp3":
        raise AudioError(f"Only MP3 is encoded as it is stitched, not {settings.format}.")
    ffmpeg().require_encoder(FORMATS[settings.format][0])
    logger.debug("encoding the stitched episode -> %s (%s)", out, settings)
    args = ["-loglevel", "error", "-map", "0:a", "-map_metadata", "-1"]
    return PcmPipe(sample_rate, [*args, *_output_args(out, settings, plan)], " encoding")


@functools.cache
def encoder_gain_db(settings: EncodeSettings) -> float:
    """How much the codec changes the level (dB): measured once, then cached on disk per ffmpeg."""
    ffmpeg().require_encoder(FORMATS[settings.format][0])
    key = f"{ffmpeg_exe()}|{_mtime(ffmpeg_exe())}|{' '.join(settings.codec_args())}"
    cache = _calibration_file()
    known = _read_json(cache)
    if isinstance(known.get(key), float):
        return known[key]
    gain = _measure_encoder_gain(settings)
    known[key] = gain
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cache, json.dumps(known, indent=1, sort_keys=True))
    except OSError as exc:  # a read-only cache only costs the calibration next time
        logger.debug("cannot cache the encoder calibration: %s", exc)
    return gain


def _calibration_file() -> Path:
    from ..paths import cache_dir

    return cache_dir() / "encoder-gain.json"


def _mtime(path: str) -> int:
    try:
        return int(Path(path).stat().st_mtime)
    except OSError:
        return 0


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _measure_encoder_gain(settings: EncodeSettings) -> float:
    """How much the codec itself changes the level (dB), measured once per settings.

    LAME in CBR/ABR mode lowers the level by about 0.45 dB at every bitrate (VBR and AAC do not);
    measuring it on 3 s of tones lets the loudness plan compensate whatever encoder is used.
    """
    with temp_dir("cal") as tmp:
        src = Path(tmp) / "noise.wav"
        enc = Path(tmp) / f"noise.{settings.extension}"
        # Steady tones in the speech band: noise would measure the codec's coding loss on an
        # incompressible signal, not its level change on speech.
        rate = settings.sample_rate
        noise = ";".join(
            [
                f"sine=f=220:d=3:r={rate},volume=0.5[a]",
                f"sine=f=1000:d=3:r={rate}[b]",
                f"sine=f=3100:d=3:r={rate}[c]",
                "[a][b][c]amix=inputs=3",
            ]
        )
        run_ffmpeg(["-loglevel", "error", "-f", "lavfi", "-i", noise, "-ac", "1", str(src)])
        filters = ",".join(output_filters(settings, None))
        run_ffmpeg(
            ["-loglevel", "error", "-i", str(src), "-af", filters, *settings.codec_args(), str(enc)]
        )
        before = loudness.measure(src).integrated
        after = loudness.measure(enc).integrated - 10 * math.log10(settings.channels)
    gain = after - before
    if abs(gain) > 3:  # a codec that changes the level this much is broken, not to be trusted
        logger.warning("encoder changes the level by %.2f dB; not compensating", gain)
        return 0.0
    logger.debug("encoder level change for %s: %.2f dB", settings, gain)
    return gain
