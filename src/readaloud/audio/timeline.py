"""Where things are in the stitched episode: chapter marks and per-segment times (milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ChapterMark:
    """One navigable chapter of the finished audio, in milliseconds from the start."""

    title: str
    start_ms: int
    end_ms: int
    url: str | None = None
    """A link to the section (ID3 `WXXX`, JSON chapters `url`) when known."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
        }
        if self.url:
            data["url"] = self.url
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChapterMark:
        return cls(
            title=data.get("title", ""),
            start_ms=int(data["start_ms"]),
            end_ms=int(data["end_ms"]),
            url=data.get("url"),
        )


@dataclass
class Timeline:
    """The result of assembly: what lies where in the episode WAV."""

    sample_rate: int
    duration_ms: int
    segments: list[tuple[int, int] | None] = field(default_factory=list)
    """Start/end ms of each script segment's speech (aligned with the clips; None = no speech)."""
    chapters: list[ChapterMark] = field(default_factory=list)
    """Contiguous chapters: the first starts at 0, the last ends at `duration_ms`."""
    samples: int = 0
    """Exact length of the episode in samples at `sample_rate`."""
    intro_ms: int = 0
    """Length of the intro audio before the article (0 = none)."""
    outro_ms: int = 0
    """Length of the outro audio after the article (0 = none)."""

    @property
    def article_end_ms(self) -> int:
        """Where the article's audio (speech and its last pause) ends: the outro's start."""
        return self.duration_ms - self.outro_ms

    def to_dict(self) -> dict[str, Any]:
        return {
            "sample_rate": self.sample_rate,
            "duration_ms": self.duration_ms,
            "samples": self.samples,
            "intro_ms": self.intro_ms,
            "outro_ms": self.outro_ms,
            "segments": [list(s) if s else None for s in self.segments],
            "chapters": [c.to_dict() for c in self.chapters],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timeline:
        return cls(
            sample_rate=int(data["sample_rate"]),
            duration_ms=int(data["duration_ms"]),
            samples=int(data.get("samples", 0)),
            intro_ms=int(data.get("intro_ms", 0)),
            outro_ms=int(data.get("outro_ms", 0)),
            segments=[tuple(s) if s else None for s in data.get("segments", [])],
            chapters=[ChapterMark.from_dict(c) for c in data.get("chapters", [])],
        )


def samples_to_ms(samples: int, sample_rate: int) -> int:
    """Round a sample position to the nearest millisecond (exact integer arithmetic)."""
    return (samples * 1000 + sample_rate // 2) // sample_rate
