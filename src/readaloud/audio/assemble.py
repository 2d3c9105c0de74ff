"""Stitch the synthesized utterances and their pauses into one episode WAV, timing every chapter.

The episode is streamed to disk clip by clip (a two-hour episode is hundreds of MB of PCM), and
every time is counted in samples from the real length of what was written, in the same loop that
writes it: joins are exact (no crossfade), so chapter marks cannot drift from the audio.
"""

from __future__ import annotations

import contextlib
import logging
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import AudioError
from ..ffmpeg import decode_to_pcm
from ..pcm import SAMPLE_WIDTH, Clip
from ..script.model import SpeechScript
from .timeline import ChapterMark, Timeline, samples_to_ms

logger = logging.getLogger(__name__)

DEFAULT_SAMPLE_RATE = 22050
_BLOCK_FRAMES = 1 << 16  # read clips in blocks so a long clip never sits in memory whole
_SILENCE_BLOCK = bytes(_BLOCK_FRAMES * SAMPLE_WIDTH)


@dataclass
class _Start:
    title: str
    url: str | None
    sample: int


class _Writer:
    """A mono 16-bit WAV being written (or only a tap fed), with its length in samples."""

    def __init__(self, wav: wave.Wave_write | None, sample_rate: int, tap=None) -> None:
        self.wav = wav
        self.sample_rate = sample_rate
        self.samples = 0
        self.tap = tap

    def write(self, data: bytes) -> None:
        if self.wav is not None:
            self.wav.writeframesraw(data)
        if self.tap is not None:
            self.tap(data)
        self.samples += len(data) // SAMPLE_WIDTH

    def silence(self, ms: int) -> None:
        remaining = (ms * self.sample_rate + 500) // 1000
        while remaining > 0:
            n = min(remaining, _BLOCK_FRAMES)
            self.write(_SILENCE_BLOCK[: n * SAMPLE_WIDTH])
            remaining -= n

    def copy_clip(self, path: Path) -> None:
        """Append a clip; a clip at another rate or in another layout is converted by ffmpeg."""
        try:
            with wave.open(str(path), "rb") as src:
                if (
                    src.getframerate() == self.sample_rate
                    and src.getsampwidth() == SAMPLE_WIDTH
                    and src.getnchannels() == 1
                    and src.getcomptype() == "NONE"
                ):
                    while data := src.readframes(_BLOCK_FRAMES):
                        self.write(data)
                    return
        except FileNotFoundError as exc:
            raise AudioError(f"Audio clip {path} is missing. Run the conversion again.") from exc
        except (wave.Error, EOFError):
            pass  # not a plain PCM WAV: let ffmpeg read it
        self.write(decode_to_pcm(Path(path), self.sample_rate).data)

    def ms(self) -> int:
        return samples_to_ms(self.samples, self.sample_rate)


def _episode_rate(clips: list[Clip | None], sample_rate: int | None) -> int:
    if sample_rate:
        return sample_rate
    for clip in clips:
        if clip is not None:
            return clip.sample_rate
    return DEFAULT_SAMPLE_RATE


def _chapter_title(script: SpeechScript, index: int) -> str:
    title = script.chapters[index].title.strip()
    if title:
        return title
    return script.title.strip() if index == 0 and script.title.strip() else f"Part {index + 1}"


def _chapter_url(script: SpeechScript, index: int) -> str | None:
    """A link to the section: the chapter's own url, else the article url + the chapter's anchor."""
    chapter = script.chapters[index]
    url = getattr(chapter, "url", None)
    if url:
        return url
    anchor = getattr(chapter, "anchor", None)
    base = script.metadata.url
    if anchor and base:
        return f"{base.split('#')[0]}#{anchor}"
    return None


def assemble(
    script: SpeechScript,
    clips: list[Clip | None],
    out_wav: Path | None,
    *,
    pause_scale: float = 1.0,
    intro: Path | None = None,
    outro: Path | None = None,
    intro_title: str | None = None,
    outro_title: str | None = None,
    sample_rate: int | None = None,
    tap: Callable[[bytes], None] | None = None,
) -> Timeline:
    """Write the episode to `out_wav` (mono 16-bit) and return where every segment and chapter is.

    `clips` is aligned with the script's segments (`[seg for _, seg in script.segments()]`); a None
    clip means the segment has no speech, only its pause. Each clip is followed by
    `round(pause_after_ms * pause_scale)` ms of silence. Intro/outro audio (any format ffmpeg
    reads) becomes its own chapter before/after the article's chapters. `tap` is also given
    every block of PCM written (e.g. a loudness meter, or the encoder itself when `out_wav` is
    None: then no WAV is written).
    """
    indexed = list(script.segments())
    if len(clips) != len(indexed):
        raise AudioError(
            f"Got {len(clips)} audio clips for {len(indexed)} script segments. "
            "Synthesize the script again."
        )
    if pause_scale < 0:
        raise AudioError(f"Pause scale must be 0 or more, not {pause_scale}.")
    rate = _episode_rate(clips, sample_rate)
    starts: list[_Start] = []
    times: list[tuple[int, int] | None] = []

    with contextlib.ExitStack() as stack:
        wav = None
        if out_wav is not None:
            wav = stack.enter_context(wave.open(str(out_wav), "wb"))
            wav.setnchannels(1)
            wav.setsampwidth(SAMPLE_WIDTH)
            wav.setframerate(rate)
        out = _Writer(wav, rate, tap)

        if intro is not None:
            starts.append(_Start(intro_title or Path(intro).stem, None, out.samples))
            out.write(decode_to_pcm(Path(intro), rate).data)
        intro_samples = out.samples

        current = -1
        for (chapter_index, segment), clip in zip(indexed, clips, strict=True):
            if chapter_index != current:
                current = chapter_index
                title = _chapter_title(script, chapter_index)
                starts.append(_Start(title, _chapter_url(script, chapter_index), out.samples))
            if clip is None:
                times.append(None)
            else:
                begin = out.ms()
                out.copy_clip(clip.path)
                times.append((begin, out.ms()))
            out.silence(round(segment.pause_after_ms * pause_scale))

        article_end = out.samples
        if outro is not None:
            starts.append(_Start(outro_title or Path(outro).stem, None, out.samples))
            out.write(decode_to_pcm(Path(outro), rate).data)
        total = out.samples

    chapters = _chapter_marks(starts, total, rate)
    timeline = Timeline(
        sample_rate=rate,
        duration_ms=samples_to_ms(total, rate),
        segments=times,
        chapters=chapters,
        samples=total,
        intro_ms=samples_to_ms(intro_samples, rate),
        outro_ms=samples_to_ms(total, rate) - samples_to_ms(article_end, rate),
    )
    logger.debug(
        "assembled %d segments, %d chapters, %d ms", len(times), len(chapters), timeline.duration_ms
    )
    return timeline


def _chapter_marks(starts: list[_Start], total: int, rate: int) -> list[ChapterMark]:
    """Contiguous marks: each chapter ends where the next begins; empty chapters are dropped.

    Emptiness is judged in whole milliseconds, the unit the marks are written in.
    """
    if not starts:
        return []
    ms = [samples_to_ms(start.sample, rate) for start in starts]
    end = samples_to_ms(total, rate)
    kept = [
        (start, at) for start, at, nxt in zip(starts, ms, [*ms[1:], end], strict=True) if nxt > at
    ]
    ends = [at for _, at in kept[1:]] + [end]
    marks = [
        ChapterMark(start.title, at, nxt, start.url)
        for (start, at), nxt in zip(kept, ends[: len(kept)], strict=True)
    ]
    if marks:
        marks[0].start_ms = 0  # the first chapter covers anything before it (never negative)
    return marks
