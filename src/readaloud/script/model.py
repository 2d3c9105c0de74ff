"""The speech script: chapters of segments (utterances) with roles and pauses, JSON round-trip.

A segment is one utterance: usually one sentence, synthesized on its own and cached by its
exact spoken text. `spans` records where the normalizer or lexicon changed the written text
(written -> spoken) so the SSML can say `<sub alias=...>` and `--explain` can list the changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "title",
    "byline",
    "heading",
    "body",
    "list",
    "table",
    "question",
    "answer",
    "quote",
    "callout",
    "caption",
    "code",
)


@dataclass
class Span:
    """A piece of a segment: the written form and how it is spoken.

    `rule` names the normalization rule or lexicon entry that made the change ("" when the
    piece is spoken as written); `ipa` is set when a lexicon entry gives a pronunciation.
    """

    written: str
    spoken: str
    rule: str = ""
    ipa: str | None = None

    @property
    def changed(self) -> bool:
        return self.written != self.spoken or self.ipa is not None


@dataclass
class Segment:
    """One utterance: the exact words spoken, the silence after it and its role."""

    text: str
    pause_after_ms: int = 0
    role: str = "body"
    spans: list[Span] = field(default_factory=list)
    """Written/spoken pieces that join to `written` and `text`; empty when nothing changed."""
    origin: tuple[int | None, str] | None = field(default=None, compare=False, repr=False)
    """Where the words come from: (index of the article block, None for the intro; part of the
    block, e.g. "text", "row:2", "answer:0"). Known only for scripts built from an article; not
    part of the script's JSON (see `readaloud.markup.sync`)."""

    @property
    def written(self) -> str:
        """The text as the author wrote it (for transcripts)."""
        return "".join(s.written for s in self.spans) if self.spans else self.text

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "pause_after_ms": self.pause_after_ms,
            "role": self.role,
        }
        if any(s.changed for s in self.spans):
            data["written"] = self.written
            data["spans"] = [
                [s.written, s.spoken, s.rule] + ([s.ipa] if s.ipa else []) for s in self.spans
            ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        spans = [Span(*item) for item in data.get("spans", [])]
        return cls(
            text=data["text"],
            pause_after_ms=int(data.get("pause_after_ms", 0)),
            role=data.get("role", "body"),
            spans=spans,
        )


@dataclass
class Chapter:
    """A navigable part of the episode (one ID3 chapter)."""

    title: str
    segments: list[Segment] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "segments": [s.to_dict() for s in self.segments]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chapter:
        return cls(data.get("title", ""), [Segment.from_dict(s) for s in data.get("segments", [])])


@dataclass(frozen=True)
class ArticleMeta:
    """What a script carries about its article for the later stages (tags, manifest, feed)."""

    date: str | None = None
    """As the article gives it (ISO when known)."""
    description: str | None = None
    image: str | None = None
    """The article's image: a URL, or an absolute path for a local article."""
    site_name: str | None = None
    url: str | None = None
    """The article's canonical URL."""
    source: str | None = None
    """Where the article was read from (a path, a URL or "-")."""

    KEYS = ("date", "description", "image", "site_name", "url", "source")

    def to_dict(self) -> dict[str, str]:
        """The non-empty fields (the script's JSON layout)."""
        return {key: value for key in self.KEYS if (value := getattr(self, key))}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ArticleMeta:
        """Known keys with string values; anything else is ignored."""
        data = data or {}
        return cls(**{k: v for k in cls.KEYS if isinstance(v := data.get(k), str) and v})


@dataclass
class SpeechScript:
    """What will be spoken, chapter by chapter, plus the metadata later stages need."""

    title: str
    author: str | None = None
    language: str = "en"
    chapters: list[Chapter] = field(default_factory=list)
    metadata: ArticleMeta = field(default_factory=ArticleMeta)
    """Article metadata carried to tags and feeds."""

    def segments(self):
        """Every segment in order, with its chapter index."""
        for index, chapter in enumerate(self.chapters):
            for segment in chapter.segments:
                yield index, segment

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "author": self.author,
            "language": self.language,
            "chapters": [c.to_dict() for c in self.chapters],
            "metadata": self.metadata.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpeechScript:
        return cls(
            title=data.get("title", ""),
            author=data.get("author"),
            language=data.get("language") or "en",
            chapters=[Chapter.from_dict(c) for c in data.get("chapters", [])],
            metadata=ArticleMeta.from_dict(data.get("metadata")),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> SpeechScript:
        return cls.from_dict(json.loads(text))

    def to_text(self) -> str:
        """Exactly the words that will be spoken, chapter by chapter."""
        parts = []
        for index, chapter in enumerate(self.chapters, 1):
            lines = [f"## Chapter {index}: {chapter.title}", ""]
            lines += [s.text for s in chapter.segments if s.text.strip()]
            parts.append("\n".join(lines))
        return "\n\n".join(parts) + "\n"
