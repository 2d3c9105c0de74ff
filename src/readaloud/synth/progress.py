"""The progress bar on stderr (tqdm): utterances done, seconds of audio, rate and ETA.

Silent when disabled or when the stream is not a terminal (logs and CI stay clean).
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from tqdm import tqdm

FORMAT = (
    "Synthesizing [{bar:24}] {n_fmt}/{total_fmt} utterances{postfix}, {rate_fmt}, ETA {remaining}"
)


class Progress:
    """Thread-safe progress over `total` utterances, `done` of which are already finished."""

    def __init__(
        self, total: int, done: int = 0, *, enabled: bool = True, stream: TextIO | None = None
    ) -> None:
        stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self.audio_s = 0.0
        self._lock = threading.Lock()
        # smoothing=0: the rate (and so the ETA) is the average over this run, not a jumpy
        # recent rate; cached utterances (`done`) do not count towards it.
        self.bar = tqdm(
            total=total,
            initial=done,
            file=stream,
            disable=not self.enabled,
            bar_format=FORMAT,
            unit="utt",
            smoothing=0,
            mininterval=0.1,
            dynamic_ncols=True,
            postfix="0.0 s audio",
        )

    def advance(self, audio_s: float, count: int = 1) -> None:
        """Record `count` finished utterances holding `audio_s` seconds of audio."""
        with self._lock:
            self.audio_s += audio_s
            self.bar.set_postfix_str(f"{self.audio_s:.1f} s audio", refresh=False)
            self.bar.update(count)

    def line(self) -> str:
        """The text of the bar as it would be drawn now (also used by tests)."""
        return self.bar.format_meter(**self.bar.format_dict)

    def close(self) -> None:
        """End the line (only if something was drawn)."""
        with self._lock:
            self.bar.close()
