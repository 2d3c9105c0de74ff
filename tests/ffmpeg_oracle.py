"""An independent chapter reader for tests: chapters as `ffmpeg -i` lists them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from readaloud.audio.timeline import ChapterMark
from readaloud.ffmpeg import ffmpeg_exe

_FF_CHAPTER = re.compile(r"^\s*Chapter #\d+:\d+: start (-?[\d.]+), end (-?[\d.]+)")
_FF_TITLE = re.compile(r"^\s*title\s*:\s?(.*)$")


def ffmpeg_chapters(path: Path) -> list[ChapterMark]:
    """Chapters as `ffmpeg -i` lists them: in file order, which players that ignore CTOC use."""
    # `ffmpeg -i FILE` with no output prints the input's description, then exits with 1.
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True
    )
    log = proc.stderr.decode("utf-8", "replace")
    if "Input #0" not in log:
        lines = log.strip().splitlines()
        raise AssertionError(f"ffmpeg cannot read {path}: {lines[-1] if lines else 'no output'}")
    marks: list[ChapterMark] = []
    in_chapters = False
    for line in log.splitlines():
        if line.strip() == "Chapters:":
            in_chapters = True
            continue
        if not in_chapters:
            continue
        if match := _FF_CHAPTER.match(line):
            start, end = (round(float(value) * 1000) for value in match.groups())
            marks.append(ChapterMark("", start, end))
        elif marks and not marks[-1].title and (match := _FF_TITLE.match(line)):
            marks[-1].title = match.group(1)
        elif not line.startswith("    "):
            in_chapters = False
    return marks
