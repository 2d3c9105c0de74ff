"""The audio stage's one entry point: clips of a speech script -> a finished, tagged audio file.

`render` stitches the clips and pauses (with the intro and outro), plans the loudness, encodes
MP3 or M4B and writes the tags and chapters, and returns the file with its timeline. A re-render
that barely changes the speech reuses the last loudness plan (loudness.Memo) and streams the
MP3 encode: no episode WAV, no measurement.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..fsutil import temp_dir
from ..pcm import Clip
from ..script.model import SpeechScript
from . import encode as encoding
from . import loudness as level  # `loudness` is also a setting's name below
from .assemble import DEFAULT_SAMPLE_RATE, assemble
from .tags import EpisodeTags, write_mp3_tags, write_mp4_tags
from .timeline import Timeline


@dataclass(frozen=True)
class AudioSettings:
    """How the episode sounds and is encoded (the `convert` options that concern audio)."""

    format: str = "mp3"
    """"mp3" or "m4b"."""
    bitrate: str = "64k"
    sample_rate: int = 44100
    stereo: bool = False
    normalize: bool = True
    loudness: float | None = None
    """Integrated loudness target in LUFS; None = -19 mono / -16 stereo."""
    true_peak: float = level.DEFAULT_TRUE_PEAK
    intro: Path | None = None
    intro_title: str | None = None
    outro: Path | None = None
    outro_title: str | None = None

    def encoding(self) -> encoding.EncodeSettings:
        return encoding.EncodeSettings(
            format=self.format,
            bitrate=self.bitrate,
            sample_rate=self.sample_rate,
            channels=2 if self.stereo else 1,
        )


@dataclass(frozen=True)
class RenderedAudio:
    """The audio file written by `render` and where everything lies in it."""

    path: Path
    timeline: Timeline
    mime_type: str


def render(
    script: SpeechScript,
    clips: list[Clip | None],
    out: Path,
    settings: AudioSettings,
    tags: EpisodeTags,
    *,
    pause_scale: float = 1.0,
    memo: Path | None = None,
) -> RenderedAudio:
    """Stitch, plan the loudness, encode into `out`, tag it.

    `clips` is aligned with the script's segments (None = the segment's pause only). `memo` is
    where this episode's loudness plan is kept between renders (loudness.Memo): a re-render
    whose speech barely changed reuses it, and an MP3 is then encoded as it is stitched, with
    no episode WAV and no measurement at all.
    """
    encode_settings = settings.encoding()
    rate = next((clip.sample_rate for clip in clips if clip is not None), None)
    keep = memo if settings.normalize and rate else None  # a plan worth keeping
    keyed = {clip.path.stem: clip.samples for clip in clips if clip is not None}
    signature = _signature(settings, encode_settings, rate, pause_scale) if keep else ""
    kept = level.Memo.read(keep) if keep else None
    plan = kept.plan if kept is not None and kept.covers(signature, keyed) else None
    if (plan is not None or not settings.normalize) and encode_settings.format == "mp3":
        timeline = _stitch_into_encoder(
            script, clips, out, settings, encode_settings, plan, rate, pause_scale
        )
    else:
        timeline, plan = _stitch_measure_encode(
            script, clips, out, settings, encode_settings, rate, pause_scale
        )
        if plan is not None and keep is not None:
            level.Memo(signature, plan, keyed).write(keep)
    if encode_settings.format == "mp3":
        write_mp3_tags(out, tags, timeline.chapters)
    else:
        write_mp4_tags(out, tags)
    return RenderedAudio(out, timeline, encode_settings.mime_type)


def _assemble(script, clips, wav, settings, rate, pause_scale, tap) -> Timeline:
    return assemble(
        script,
        clips,
        wav,
        pause_scale=pause_scale,
        intro=settings.intro,
        outro=settings.outro,
        intro_title=settings.intro_title,
        outro_title=settings.outro_title,
        sample_rate=rate,
        tap=tap,
    )


def _stitch_into_encoder(
    script, clips, out, settings, encode_settings, plan, rate, pause_scale
) -> Timeline:
    """The loudness plan is known (or not wanted): the encoder takes the episode as it is
    stitched, on the other core."""
    rate = rate or DEFAULT_SAMPLE_RATE
    with encoding.encode_stream(out, encode_settings, rate, plan) as encoder:
        timeline = _assemble(script, clips, None, settings, rate, pause_scale, encoder.write)
        encoder.finish()
    return timeline


def _stitch_measure_encode(script, clips, out, settings, encode_settings, rate, pause_scale):
    """Stitch into a temp WAV while metering it, plan the loudness, encode the WAV."""
    with temp_dir("episode") as tmp, contextlib.ExitStack() as stack:
        wav = Path(tmp) / "episode.wav"
        # The loudness is measured as the episode is stitched (no pass of its own).
        meter = (
            stack.enter_context(level.StreamMeter(rate)) if settings.normalize and rate else None
        )
        timeline = _assemble(
            script, clips, wav, settings, rate, pause_scale, meter.write if meter else None
        )
        plan = None
        if settings.normalize:
            plan = level.plan(
                wav,
                target_lufs=level.target_for(encode_settings.channels, settings.loudness),
                true_peak=settings.true_peak,
                channels=encode_settings.channels,
                encoder_gain_db=encoding.encoder_gain_db(encode_settings),
                measured=meter.result() if meter else None,
            )
        encoding.encode(wav, out, encode_settings, plan=plan, chapters=timeline.chapters)
    return timeline, plan


def _signature(settings: AudioSettings, encode_settings, rate, pause_scale: float) -> str:
    """Everything besides the clips that a loudness plan depends on."""
    parts: list[object] = [
        asdict(encode_settings),
        settings.loudness,
        settings.true_peak,
        rate,
        pause_scale,
        encoding.encoder_gain_db(encode_settings),
    ]
    for extra in (settings.intro, settings.outro):
        try:
            stat = Path(extra).stat() if extra else None
        except OSError:
            stat = None
        parts.append([str(extra), stat.st_size, stat.st_mtime_ns] if stat else str(extra))
    return json.dumps(parts, default=str)
