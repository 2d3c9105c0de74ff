"""A one-line progress bar on stderr: utterances done, seconds of audio, ETA.

Silent when disabled or when the stream is not a terminal (logs and CI stay clean).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

BAR_WIDTH = 24
MIN_INTERVAL_S = 0.1


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Thread-safe progress over `total` utterances, `done` of which are already finished."""

    def __init__(
        self, total: int, done: int = 0, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = total
        self.done = done
        self.initial = done
        self.audio_s = 0.0
        self.started = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()
        self._drawn = False

    def advance(self, audio_s: float, count: int = 1) -> None:
        """Record `count` finished utterances holding `audio_s` seconds of audio."""
        with self._lock:
            self.done += count
            self.audio_s += audio_s
            now = time.monotonic()
            if self.enabled and (now - self._last >= MIN_INTERVAL_S or self.done >= self.total):
                self._last = now
                self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the bar (also used by tests)."""
        now = time.monotonic() if now is None else now
        fraction = self.done / self.total if self.total else 1.0
        filled = round(BAR_WIDTH * fraction)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        fresh = self.done - self.initial
        elapsed = now - self.started
        if fresh > 0 and self.done < self.total:
            eta = f"ETA {_clock(elapsed / fresh * (self.total - self.done))}"
        elif self.done >= self.total:
            eta = f"done in {_clock(elapsed)}"
        else:
            eta = "ETA --:--"
        return (
            f"Synthesizing [{bar}] {self.done}/{self.total} utterances, "
            f"{self.audio_s:.1f} s audio, {eta}"
        )

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the line (only if something was drawn)."""
        with self._lock:
            if self.enabled and self._drawn:
                self._draw(time.monotonic())
                self.stream.write("\n")
                self.stream.flush()
                self._drawn = False
