"""Every spoken sentence with its id, its time in the episode and where it was read from.

The sync map is the one hand-over from the audio stage to the text editions (EPUB 3 Media
Overlays, DAISY 2.02, the web player): a sentence's id is stable for a given script, and its
times are those of the VTT transcript (from the same timeline). It is written next to the
episode as `<slug>.sync.json`, together with the cleaned article, so the editions can be made
again from an existing episode without the source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..audio.timeline import Timeline
from ..document import Article
from ..script.model import SpeechScript

SYNC_VERSION = 1
MIME_TYPE = "application/json"


@dataclass
class Sentence:
    """One spoken segment of the script: its id, time and origin."""

    id: str
    """`s<chapter>-<n>`, both 1-based: an XML NCName, unique in the episode."""
    chapter: int
    """0-based index of the script chapter."""
    text: str
    """The words as written (the VTT cue text)."""
    role: str = "body"
    block: int | None = None
    """Index of the article block it reads; None for the intro (title, byline) or no article."""
    part: str = ""
    """Which part of the block: "text", "intro", "row:2", "question:0", ... ("" = unknown)."""
    start_ms: int | None = None
    end_ms: int | None = None
    """Its span in the final episode, as the VTT cue: from its speech to the next sentence's
    start (the last runs to the end of the article audio). None when it has no audio."""

    @property
    def timed(self) -> bool:
        return self.start_ms is not None and self.end_ms is not None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "chapter": self.chapter, "role": self.role}
        data.update(block=self.block, part=self.part, start_ms=self.start_ms, end_ms=self.end_ms)
        data["text"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sentence:
        return cls(
            id=str(data["id"]),
            chapter=int(data["chapter"]),
            text=str(data.get("text", "")),
            role=str(data.get("role", "body")),
            block=None if data.get("block") is None else int(data["block"]),
            part=str(data.get("part", "")),
            start_ms=None if data.get("start_ms") is None else int(data["start_ms"]),
            end_ms=None if data.get("end_ms") is None else int(data["end_ms"]),
        )


@dataclass
class SyncChapter:
    """A script chapter as the editions show it: title and time in the episode."""

    title: str
    start_ms: int
    end_ms: int

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "start_ms": self.start_ms, "end_ms": self.end_ms}


@dataclass
class SyncMap:
    """The sentences of one episode, in reading order, and the article they were read from."""

    title: str
    language: str
    duration_ms: int
    sentences: list[Sentence] = field(default_factory=list)
    chapters: list[SyncChapter] = field(default_factory=list)
    author: str | None = None
    article: Article | None = None
    """The cleaned article (None when the script came from SSML)."""

    def by_id(self) -> dict[str, Sentence]:
        return {s.id: s for s in self.sentences}

    def in_chapter(self, index: int) -> list[Sentence]:
        return [s for s in self.sentences if s.chapter == index]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sync_version": SYNC_VERSION,
            "title": self.title,
            "author": self.author,
            "language": self.language,
            "duration_ms": self.duration_ms,
            "chapters": [c.to_dict() for c in self.chapters],
            "sentences": [s.to_dict() for s in self.sentences],
            "article": self.article.to_dict() if self.article else None,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SyncMap:
        article = data.get("article")
        return cls(
            title=str(data.get("title", "")),
            author=data.get("author"),
            language=str(data.get("language") or "en"),
            duration_ms=int(data.get("duration_ms") or 0),
            chapters=[SyncChapter(**c) for c in data.get("chapters") or []],
            sentences=[Sentence.from_dict(s) for s in data.get("sentences") or []],
            article=Article.from_dict(article) if article else None,
        )

    @classmethod
    def from_json(cls, text: str) -> SyncMap:
        return cls.from_dict(json.loads(text))


def sentence_id(chapter: int, number: int) -> str:
    """The id of the `number`-th (0-based) segment of 0-based `chapter`: `s3-12`."""
    return f"s{chapter + 1}-{number + 1}"


def build_sync(
    script: SpeechScript,
    timeline: Timeline,
    article: Article | None = None,
) -> SyncMap:
    """Join the script's segments, their times (as the transcript cues) and their origin."""
    from ..publish.transcript import flat_text, segment_times

    times = segment_times(script, timeline)
    sentences: list[Sentence] = []
    counters: dict[int, int] = {}
    for (chapter, segment), span in zip(script.segments(), times, strict=True):
        number = counters.get(chapter, 0)
        counters[chapter] = number + 1
        block, part = segment.origin if segment.origin and article is not None else (None, "")
        sentences.append(
            Sentence(
                id=sentence_id(chapter, number),
                chapter=chapter,
                text=flat_text(segment.written),
                role=segment.role,
                block=block,
                part=part,
                start_ms=span[0] if span else None,
                end_ms=span[1] if span else None,
            )
        )
    return SyncMap(
        title=script.title,
        author=script.author,
        language=script.language or "en",
        duration_ms=timeline.duration_ms,
        sentences=sentences,
        chapters=_chapters(script, sentences, timeline),
        article=article,
    )


def _chapters(script: SpeechScript, sentences: list[Sentence], timeline: Timeline):
    """Each script chapter from its first sentence's start to the next chapter's start."""
    starts: list[int | None] = []
    for index in range(len(script.chapters)):
        timed = [s.start_ms for s in sentences if s.chapter == index and s.start_ms is not None]
        starts.append(timed[0] if timed else None)
    chapters = []
    for index, chapter in enumerate(script.chapters):
        start = starts[index]
        if start is None:
            start = chapters[-1].end_ms if chapters else timeline.intro_ms
        later = [s for s in starts[index + 1 :] if s is not None]
        end = later[0] if later else timeline.article_end_ms
        title = chapter.title or (script.title if index == 0 else "") or f"Part {index + 1}"
        chapters.append(SyncChapter(title, start, max(start, end)))
    return chapters
