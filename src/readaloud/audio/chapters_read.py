"""Read the chapters back from an MP3 (ID3 CHAP frames) or an M4B/M4A (MP4 chapter track)."""

from __future__ import annotations

from pathlib import Path

from mutagen import File as MutagenFile
from mutagen import MutagenError

from ..errors import InputError
from ..timefmt import stamp
from .timeline import ChapterMark


def read_chapters(path: Path) -> list[ChapterMark]:
    """The chapters of an MP3 or M4B/M4A file, in time order.

    Raises InputError when the file is missing, is not MP3/MP4 audio, or has no chapters.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file.")
    try:
        audio = MutagenFile(path)
    except MutagenError as exc:
        raise InputError(f"{path} is not a readable audio file ({exc}).") from exc
    if audio is None:
        raise InputError(f"{path} is not an MP3 or M4B/M4A audio file.")
    is_mp4 = hasattr(audio, "chapters")  # mutagen.mp4.MP4
    chapters = _mp4_chapters(audio) if is_mp4 else _id3_chapters(audio)
    if not chapters:
        raise InputError(f"{path} has no chapters.")
    return chapters


def _id3_chapters(audio) -> list[ChapterMark]:
    tags = getattr(audio, "tags", None)
    if tags is None or not hasattr(tags, "getall"):
        return []
    marks = []
    for frame in sorted(tags.getall("CHAP"), key=lambda f: (f.start_time, f.end_time)):
        title = frame.sub_frames.get("TIT2")
        links = frame.sub_frames.getall("WXXX")
        marks.append(
            ChapterMark(
                title=str(title.text[0]) if title and title.text else frame.element_id,
                start_ms=int(frame.start_time),
                end_ms=int(frame.end_time),
                url=links[0].url if links else None,
            )
        )
    return marks


def _mp4_chapters(audio) -> list[ChapterMark]:
    chapters = list(audio.chapters or [])
    length_ms = round(audio.info.length * 1000)
    starts = [round(c.start * 1000) for c in chapters]
    return [
        ChapterMark(chapter.title or f"Chapter {n + 1}", start, end)
        for n, (chapter, start, end) in enumerate(
            zip(chapters, starts, [*starts[1:], length_ms], strict=True)
        )
    ]


def format_chapters(chapters: list[ChapterMark]) -> str:
    """A table: number, start, end, title (and link), a line per chapter, no final newline."""
    width = len(str(len(chapters)))
    lines = []
    for number, mark in enumerate(chapters, 1):
        line = f"{number:>{width}}  {stamp(mark.start_ms)}  {stamp(mark.end_ms)}  {mark.title}"
        if mark.url:
            line += f"  <{mark.url}>"
        lines.append(line)
    return "\n".join(lines)
