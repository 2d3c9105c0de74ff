"""What happened to each source of a batch, and the exit-code policy derived from it."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReadaloudError


class Status(enum.Enum):
    """The fate of one source in a `convert` call."""

    CONVERTED = "converted"
    UP_TO_DATE = "up to date"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What happened to one source of a `convert` call."""

    source: str
    status: Status
    manifest: Path | None = None
    """The episode's manifest `<output_dir>/<slug>.json` (not for a failure)."""
    files: Mapping[str, Path] = field(default_factory=dict)
    """The episode's files by kind: audio, chapters, vtt, srt, ssml, transcript."""
    error: ReadaloudError | None = None
    """Why the source failed (its message is one line for the user)."""
    synthesized: int = 0
    """Utterances synthesized now."""
    cached: int = 0
    """Utterances found in the clip cache (or repeated within the article)."""

    @property
    def detail(self) -> str:
        return str(self.error) if self.error else ""

    @property
    def ok(self) -> bool:
        return self.status is not Status.FAILED


def counts(outcomes: Sequence[Outcome]) -> dict[Status, int]:
    """How many sources ended in each status."""
    return {status: sum(o.status is status for o in outcomes) for status in Status}


def exit_code(outcomes: Sequence[Outcome]) -> int:
    """0 when nothing failed. A single source that failed exits with its own error's code (as a
    command on one file does); a batch with any failure exits 1."""
    failed = [o for o in outcomes if o.status is Status.FAILED]
    if not failed:
        return 0
    if len(outcomes) == 1 and failed[0].error is not None:
        return failed[0].error.exit_code
    return 1
