"""The progress bar on stderr (tqdm): utterances done, seconds of audio, rate and ETA, and for a
batch the articles done and failed. The same bar serves local and cluster runs: it advances as
each packet of utterances comes back, wherever it was synthesized.

Silent when disabled or when the stream is not a terminal (logs and CI stay clean).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from tqdm import tqdm

FORMAT = (
    "Synthesizing [{bar:24}] {n_fmt}/{total_fmt} utterances{postfix}, {rate_fmt}, ETA {remaining}"
)


class Progress:
    """Thread-safe progress over `total` utterances, `done` of which are already finished.

    `articles` > 1 adds the batch's articles to the line: finished (converted or up to date)
    and failed, counted with `article_done`.
    """

    def __init__(
        self,
        total: int,
        done: int = 0,
        *,
        articles: int = 0,
        enabled: bool = True,
        stream: TextIO | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self.audio_s = 0.0
        self.articles = articles
        self.finished = 0
        self.failed = 0
        self._lock = threading.RLock()
        # smoothing=0: the rate (and so the ETA) is the average over this run, not a jumpy
        # recent rate; cached utterances (`done`) do not count towards it.
        self.bar = tqdm(
            total=total,
            initial=done,
            file=self.stream,
            disable=not self.enabled,
            bar_format=FORMAT,
            unit="utt",
            smoothing=0,
            mininterval=0.1,
            dynamic_ncols=True,
            postfix=self._postfix(),
        )

    def _postfix(self) -> str:
        audio = f"{self.audio_s:.1f} s audio"
        if self.articles <= 1:
            return audio
        failed = f" ({self.failed} failed)" if self.failed else ""
        return f"{self.finished + self.failed}/{self.articles} articles{failed}, {audio}"

    def advance(self, audio_s: float, count: int = 1) -> None:
        """Record `count` finished utterances holding `audio_s` seconds of audio."""
        with self._lock:
            self.audio_s += audio_s
            self.bar.set_postfix_str(self._postfix(), refresh=False)
            self.bar.update(count)

    def article_done(self, failed: bool = False) -> None:
        """Record one article of the batch as finished (or failed)."""
        with self._lock:
            if failed:
                self.failed += 1
            else:
                self.finished += 1
            self.bar.set_postfix_str(self._postfix())

    @contextlib.contextmanager
    def message(self) -> Iterator[None]:
        """Lines printed on the stream inside this block go above the bar, not through it."""
        if not self.enabled:
            yield
            return
        with self._lock, tqdm.external_write_mode(file=self.stream):
            yield

    def line(self) -> str:
        """The text of the bar as it would be drawn now (also used by tests)."""
        return self.bar.format_meter(**self.bar.format_dict)

    def close(self) -> None:
        """End the line (only if something was drawn)."""
        with self._lock:
            self.bar.close()
