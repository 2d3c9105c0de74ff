"""Milliseconds written as the clock strings the formats want, in one place.

| function | example | used by |
| --- | --- | --- |
| `stamp(ms)` | `01:02:03.456` (`sep=","`: SRT) | WebVTT, SRT, `readaloud chapters` |
| `smil_clock(ms)` | `1:02:03.456` | EPUB Media Overlays clipBegin/clipEnd, media:duration |
| `hms(ms)` | `01:02:03` (rounded) | DAISY 2.02 ncc:totalTime |
| `short_clock(ms)` | `2:03`, `1:02:03` | what people read: player, feed show notes |
| `json_seconds(ms)` | `3`, `3.5` | JSON chapters (whole seconds stay integers) |
"""

from __future__ import annotations


def _parts(ms: int) -> tuple[int, int, int, int]:
    hours, rest = divmod(max(0, int(ms)), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return hours, minutes, seconds, millis


def stamp(ms: int, sep: str = ".") -> str:
    """HH:MM:SS.mmm; `sep` "," gives the SRT form."""
    hours, minutes, seconds, millis = _parts(ms)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def smil_clock(ms: int) -> str:
    """A SMIL full clock value, millisecond-exact: 1:02:03.456."""
    hours, minutes, seconds, millis = _parts(ms)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def hms(ms: int) -> str:
    """hh:mm:ss, rounded to the nearest second."""
    hours, minutes, seconds, _ = _parts(max(0, ms) + 500)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def short_clock(ms: int) -> str:
    """M:SS, or H:MM:SS from an hour on (whole seconds, rounded down)."""
    hours, minutes, seconds, _ = _parts(ms)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def json_seconds(ms: int) -> float | int:
    """Milliseconds as seconds; whole seconds stay integers (3 not 3.0)."""
    return ms // 1000 if ms % 1000 == 0 else round(ms / 1000, 3)
