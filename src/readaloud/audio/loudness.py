"""Whole-episode loudness: measure (ITU-R BS.1770 via ffmpeg's ebur128), then plan gain + limiter.

Why not ffmpeg's `loudnorm`: it resamples to 192 kHz and, with speech whose peaks sit near
0 dBFS (Piper's), falls back to its dynamic mode; it took 9.4 s on an 11-minute episode here,
against about 1 s for this measure-then-gain approach (see benchmarks/audio_package.py).

The plan is applied in the encode pass as `volume` + `alimiter` (a look-ahead peak limiter run at
the output rate, where the upsampled speech is already 2x oversampled, so sample peaks are within
about 0.1 dB of true peaks). Limiting lowers the integrated loudness a little, so when the limiter
will engage, a second measurement of the limited signal corrects the gain once.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import AudioError, ReadaloudError
from ..ffmpeg import PcmPipe, run_ffmpeg
from ..fsutil import write_text_atomic

logger = logging.getLogger(__name__)

MONO_TARGET_LUFS = -19.0
STEREO_TARGET_LUFS = -16.0
DEFAULT_TRUE_PEAK = -1.0
LIMITER_HEADROOM_DB = 1.5
"""The limiter's ceiling sits this far below the true-peak target: 64 kbit/s MP3 coding of Piper
speech was measured to add up to about 1.1 dB of overshoot above the limited level."""
SILENCE_LUFS = -69.0
"""ebur128 reports -70 LUFS (its absolute gate) for silence: nothing to normalize."""
REUSE_SHARE = 0.03
"""A re-render keeps the previous render's loudness plan when the speech it adds and the speech
it drops are each at most this share of the episode's speech (one edited sentence of the seed is
about 1 %). Replacing 3 % of the speech with speech 6 dB louder than the rest would move the
integrated loudness by 0.37 LU (10 log10(1 + 0.03 (10^0.6 - 1))); Piper's sentences, each
normalized to the same peak, differ far less, so a one-word edit moves it by hundredths of a LU."""

# The summary on stderr rounds to 0.1 dB; the frame metadata carries 3 decimals.
_I_RE = re.compile(r"^lavfi\.r128\.I=(-?(?:\d+(?:\.\d+)?|inf))", re.MULTILINE)
_PEAK_RE = re.compile(r"^\s*Peak:\s+(-?(?:\d+(?:\.\d+)?|inf))\s+dBFS", re.MULTILINE)


@dataclass
class Measurement:
    """Integrated loudness (LUFS) and sample peak (dBFS) of a whole file."""

    integrated: float
    peak: float


@dataclass
class LoudnessPlan:
    """What the encode pass applies: a gain, then a peak limiter at `ceiling_db` dBFS."""

    gain_db: float
    ceiling_db: float
    measured_lufs: float
    target_lufs: float
    limited: bool

    def filters(self) -> list[str]:
        """ffmpeg audio filters (run them at the output sample rate)."""
        limit = 10 ** (self.ceiling_db / 20)
        chain = [f"volume={self.gain_db:.3f}dB"]
        if self.limited:
            chain.append(f"alimiter=limit={limit:.5f}:attack=5:release=50:level=false")
        return chain


@dataclass
class Memo:
    """The loudness plan of an episode's last render, kept in the clip cache with what it was
    planned for (`signature`: the settings; `clips`: every clip key -> its samples), so a
    re-render that barely changes the speech reuses it instead of measuring the episode."""

    signature: str
    plan: LoudnessPlan
    clips: dict[str, int]

    @classmethod
    def read(cls, path: Path) -> Memo | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            saved = data["plan"]
            numbers = [
                float(saved[key])
                for key in ("gain_db", "ceiling_db", "measured_lufs", "target_lufs")
            ]
            if not all(map(math.isfinite, numbers)):
                raise ValueError("a level is not a number")
            plan = LoudnessPlan(*numbers, limited=bool(saved["limited"]))
            clips = {str(key): int(samples) for key, samples in dict(data["clips"]).items()}
            return cls(str(data["signature"]), plan, clips)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            logger.debug("ignoring the loudness memo %s: %s", path, exc)
            return None

    def write(self, path: Path) -> None:
        data = {"signature": self.signature, "plan": asdict(self.plan), "clips": self.clips}
        try:
            write_text_atomic(path, json.dumps(data))
        except (OSError, ReadaloudError) as exc:  # an unwritable cache only costs a measurement
            logger.debug("cannot keep the loudness memo %s: %s", path, exc)

    def covers(self, signature: str, clips: dict[str, int]) -> bool:
        """True when this plan serves an episode of `clips` made with `signature`."""
        total = sum(clips.values())
        if signature != self.signature or not total:
            return False
        added = sum(n for key, n in clips.items() if key not in self.clips)
        dropped = sum(n for key, n in self.clips.items() if key not in clips)
        return max(added, dropped) <= REUSE_SHARE * total


def target_for(channels: int, loudness: float | None) -> float:
    """The integrated-loudness target: the given one, else -19 LUFS mono / -16 LUFS stereo."""
    if loudness is not None:
        return loudness
    return STEREO_TARGET_LUFS if channels >= 2 else MONO_TARGET_LUFS


def _chain(filters: list[str] | None) -> str:
    # framelog=verbose keeps the per-frame lines below the default log level in every ffmpeg
    # since 2.x; `framelog=quiet` exists only from 6.1 (Debian 12's 5.1 rejects it).
    meter = "ebur128=framelog=verbose:peak=sample:metadata=1"
    printer = "ametadata=mode=print:key=lavfi.r128.I:file=-"
    return ",".join([*(filters or []), meter, printer])


def _parse(stdout: bytes, stderr: bytes, what: object) -> Measurement:
    found_i = _I_RE.findall(stdout.decode("ascii", "replace")[-400:])
    found_peak = _PEAK_RE.findall(stderr.decode("utf-8", "replace"))
    if not found_i or not found_peak:
        raise AudioError(f"Could not measure the loudness of {what}: ffmpeg printed no summary.")
    return Measurement(float(found_i[-1]), float(found_peak[-1]))


def measure(path: Path, filters: list[str] | None = None) -> Measurement:
    """Measure BS.1770 integrated loudness and sample peak of `path` (after optional `filters`)."""
    proc = run_ffmpeg(["-i", str(path), "-af", _chain(filters), "-f", "null", "-"])
    return _parse(proc.stdout, proc.stderr, path)


class StreamMeter(PcmPipe):
    """Measures mono 16-bit PCM as it is written (the episode being stitched), so the loudness
    plan needs no pass of its own over the finished file: ffmpeg meters on the other core while
    the episode is assembled. Use as a context manager; `result()` after the last `write`."""

    def __init__(self, sample_rate: int) -> None:
        super().__init__(
            sample_rate, ["-af", _chain(None), "-f", "null", "-"], " measuring the loudness"
        )

    def result(self) -> Measurement:
        """The measurement of everything written (AudioError when ffmpeg failed)."""
        stdout, stderr = self.finish()
        return _parse(stdout, stderr, "the episode")


def plan(
    wav: Path,
    *,
    target_lufs: float,
    true_peak: float = DEFAULT_TRUE_PEAK,
    channels: int = 1,
    encoder_gain_db: float = 0.0,
    measured: Measurement | None = None,
) -> LoudnessPlan:
    """Plan the gain that brings the mono episode `wav` to `target_lufs` once encoded.

    `channels` = 2 means the mono signal will be duplicated into two channels, which BS.1770
    measures 3 dB louder; `encoder_gain_db` is the level change the codec itself makes (see
    encode.encoder_gain_db), compensated here so the *decoded* file meets the target.
    `measured` is the WAV's own measurement when already made (a StreamMeter).
    The check of the limiter's effect runs at the WAV's own rate, although the encode pass
    limits after resampling: half the cost, and on Piper speech (22.05 kHz) the loss measured
    there was 0.055 LU smaller than at 44.1 kHz, whatever the gain.
    """
    if true_peak > 0:
        raise AudioError(f"True-peak ceiling must be 0 dBTP or lower, not {true_peak}.")
    first = measured or measure(wav)
    ceiling = true_peak - LIMITER_HEADROOM_DB
    if first.integrated <= SILENCE_LUFS:
        logger.info("episode is silent; loudness left as is")
        return LoudnessPlan(0.0, ceiling, first.integrated, target_lufs, limited=False)
    # Level the mono signal must reach before the codec, so the decoded file reads `target_lufs`.
    mono_target = target_lufs - 10 * math.log10(max(channels, 1)) - encoder_gain_db
    gain = mono_target - first.integrated
    limited = first.peak + gain > ceiling
    result = LoudnessPlan(gain, ceiling, first.integrated, target_lufs, limited)
    if limited:
        # The limiter trims peaks and so a little loudness. Measure what it leaves at this gain,
        # then assume the loss grows linearly with the dB the limiter has to take off the top
        # (zero where it starts to engage) and solve for the gain that lands on the target.
        # On Piper speech this leaves about 0.2 LU (a single plain correction left 0.35 LU).
        after = measure(wav, result.filters())
        loss = first.integrated + gain - after.integrated
        engage = ceiling - first.peak  # the gain at which the limiter starts to act
        slope = loss / (gain - engage) if loss > 0 else 0.0
        if 0 < slope < 0.8:
            result.gain_db = (mono_target - first.integrated - slope * engage) / (1 - slope)
        else:
            result.gain_db = gain + (mono_target - after.integrated)
    logger.debug(
        "loudness: measured %.2f LUFS, peak %.2f dBFS, gain %.2f dB, limiter %s",
        first.integrated,
        first.peak,
        result.gain_db,
        "on" if limited else "off",
    )
    return result
