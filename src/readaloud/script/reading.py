"""Reading rules: how each block of an article sounds, turned into a speech script.

One function per block kind; each returns the utterances for that block (the words as written,
a role and the pause after). `build_script` groups them into chapters, splits prose into
sentences and runs the normalizer/lexicon so every segment holds exactly what is spoken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..document import (
    FAQ,
    Article,
    Block,
    Callout,
    Code,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    handler,
)
from .model import ArticleMeta, Chapter, Segment, SpeechScript
from .phrases import phrases_for
from .sentences import cut_long, split_sentences


@dataclass
class Pauses:
    """Silence in milliseconds after each kind of utterance."""

    sentence: int = 250
    paragraph: int = 600
    heading_before: int = 1000
    heading_after: int = 700
    title_after: int = 800
    intro_after: int = 1200
    list_item: int = 400
    table_row: int = 500
    question: int = 400
    faq_item: int = 900
    label: int = 300
    block_end: int = 700


@dataclass
class ReadingSettings:
    """How blocks are read; every default is what a good narrator does."""

    intro: bool = True
    """Start with the title, then "By <author>" and the date."""
    read_author: bool = True
    read_date: bool = True
    table_row_limit: int = 25
    """Tables with more body rows are summarised after this many rows."""
    images: str = "alt"
    """"alt": read alt text and caption; "skip": say nothing."""
    code: str = "announce"
    """"announce": say that a code sample is skipped; "read": read it; "skip": silence."""
    quotes: str = "announce"
    """"announce": "Quote ... End quote."; "plain": read as body text."""
    callouts: str = "announce"
    """"announce": say the label first; "plain": read as body text."""
    pauses: Pauses = field(default_factory=Pauses)


@dataclass
class Utterance:
    """A written piece before normalization."""

    text: str
    role: str = "body"
    pause_after_ms: int = 0
    split: bool = True
    """Split into sentences (prose); False for short fixed phrases and table rows."""
    part: str = ""
    """Which part of its block this reads (e.g. "intro", "row:2", "answer:0"): see `Segment.origin`."""
    block: int | None = None
    """Index of the article block it reads (None for the intro)."""


# Characters XML 1.0 cannot carry (and no engine should see): controls, surrogates, non-characters.
_UNSPEAKABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _UNSPEAKABLE.sub("", text)).strip()


def _sentence(text: str) -> str:
    """Close a phrase with a period unless it already ends in punctuation."""
    text = _clean(text)
    if text and text[-1] not in ".!?:;…":
        text += "."
    return text


class Reader:
    """Turns blocks into utterances according to `settings`."""

    def __init__(self, settings: ReadingSettings, language: str = "en"):
        self.settings = settings
        self.pauses = settings.pauses
        self.phrases = phrases_for(language)

    def read(self, block: Block) -> Iterator[Utterance]:
        yield from handler(self, block)(block)

    def _say(self, key: str, count: int | None = None, **values: str) -> str:
        return self.phrases.say(key, count, **values)

    def intro(self, article: Article) -> Iterator[Utterance]:
        p = self.pauses
        if article.title:
            yield Utterance(_sentence(article.title), "title", p.title_after, False, "title")
        if self.settings.read_author and article.author:
            byline = _sentence(self._say("by", author=article.author))
            yield Utterance(byline, "byline", p.sentence, False, "author")
        if self.settings.read_date and article.date:
            spoken = self.phrases.date(article.date)
            if spoken:
                text = self._say("published", date=spoken)
                yield Utterance(text, "byline", p.sentence, False, "date")

    def heading(self, block: Heading) -> Iterator[Utterance]:
        if _clean(block.text):
            yield Utterance(_clean(block.text), "heading", self.pauses.heading_after, False, "text")

    def paragraph(self, block: Paragraph) -> Iterator[Utterance]:
        if block.label:
            yield Utterance(_sentence(block.label), "heading", self.pauses.label, False, "label")
        if _clean(block.text):
            yield Utterance(_clean(block.text), "body", self.pauses.paragraph, part="text")

    def list_block(self, block: ListBlock) -> Iterator[Utterance]:
        items = [_clean(i) for i in block.items if _clean(i)]
        if not items:
            return
        p = self.pauses
        if len(items) > 1:
            text = self._say("list", items=self._say("items", len(items)))
            yield Utterance(text, "list", p.label, False, "intro")
        for k, item in enumerate(items):
            if block.ordered:
                item = f"{self.phrases.ordinal(k + block.start)}: {item}"
            yield Utterance(_sentence(item), "list", p.list_item, part=f"item:{k}")
        yield from self._end_block()

    def table(self, block: Table) -> Iterator[Utterance]:
        p = self.pauses
        rows = [[_clean(c) for c in row] for row in block.rows]
        rows = [row for row in rows if any(row)]
        header = [_clean(h) for h in block.header]
        if block.layout or (not header and len(rows) and max(len(r) for r in rows) == 1):
            cells = [cell for row in rows for cell in row if cell]
            for k, cell in enumerate(cells):
                yield Utterance(cell, "body", p.paragraph, part=f"cell:{k}")
            return
        if not rows and not any(header):
            return
        width = max([len(header)] + [len(r) for r in rows])
        if width == 2 and len(header) == 2 and header[0] and not header[1]:
            yield from self._key_value_table(header[0], rows, block)
            return
        if any(header):
            header = header + [""] * (width - len(header))
            names = [h or self._say("column_name", i + 1) for i, h in enumerate(header)]
            columns, joined = self._say("columns", width), self.phrases.join(names)
            intro = self._say("table_columns", columns=columns, names=joined)
        else:
            names = []
            size = {
                "rows": self._say("rows", len(rows) + block.omitted_rows),
                "columns": self._say("columns", width),
            }
            intro = self._say("table_size", **size)
        if block.caption:
            intro = f"{_sentence(block.caption)} {intro}"
        yield Utterance(intro, "table", p.table_row, False, "intro")
        for number, row in enumerate(rows[: self.settings.table_row_limit], 1):
            text = self._row(row, names, number)
            yield Utterance(text, "table", p.table_row, False, f"row:{number - 1}")
        yield from self._table_end(len(rows) + block.omitted_rows)

    def _table_end(self, rows: int) -> Iterator[Utterance]:
        """Say how many rows were left out of a large table, then pause."""
        rest = rows - self.settings.table_row_limit
        if rest > 0:
            text = self._say("table_more", rest)
            yield Utterance(text, "table", self.pauses.table_row, False, "more")
        yield from self._end_block()

    def _key_value_table(self, name: str, rows: list[list[str]], block: Table):
        """A two-column fact box (an infobox): "Founded: 1998." per row."""
        p = self.pauses
        intro = self._say(
            "table_about",
            name=name.rstrip("."),
            rows=self._say("rows", len(rows) + block.omitted_rows),
        )
        if block.caption:
            intro = f"{_sentence(block.caption)} {intro}"
        yield Utterance(intro, "table", p.table_row, False, "intro")
        for number, row in enumerate(rows[: self.settings.table_row_limit]):
            key, value = (row + [""])[:2]
            text = (
                f"{key.rstrip(':.')}: {value.rstrip('.;, ')}."
                if key and value
                else _sentence(key or value)
            )
            yield Utterance(text, "table", p.table_row, False, f"row:{number}")
        yield from self._table_end(len(rows) + block.omitted_rows)

    def _row(self, row: list[str], names: list[str], number: int) -> str:
        if not names:
            cells = "; ".join(c.rstrip(".") for c in row if c)
            return f"{self._say('row_name', number)}: {cells}."
        parts = []
        for index, cell in enumerate(row):
            if not cell:
                continue
            cell = cell.rstrip(".;, ")
            if index == 0:
                parts.append(f"{cell}.")
            else:
                parts.append(f"{names[index]}: {cell}.")
        return " ".join(parts)

    def faq(self, block: FAQ) -> Iterator[Utterance]:
        p = self.pauses
        if block.title:
            yield Utterance(_clean(block.title), "heading", p.heading_after, False, "title")
        for k, item in enumerate(block.items):
            question, answer = _clean(item.question), _clean(item.answer)
            if question:
                text = f"{self._say('question')}: {question}"
                yield Utterance(text, "question", p.question, False, f"question:{k}")
            if answer:
                text = f"{self._say('answer')}: {answer}"
                yield Utterance(text, "answer", p.faq_item, part=f"answer:{k}")

    def quote(self, block: Quote) -> Iterator[Utterance]:
        text = _clean(block.text)
        if not text:
            return
        if self.settings.quotes == "plain":
            yield Utterance(text, "quote", self.pauses.paragraph, part="text")
            return
        yield Utterance(self._say("quote"), "quote", self.pauses.label, False, "open")
        yield Utterance(text, "quote", self.pauses.label, part="text")
        end = self._say("end_quote")
        if block.attribution:
            end = self._say("end_quote_by", who=block.attribution.rstrip("."))
        yield Utterance(end, "quote", self.pauses.paragraph, False, "close")

    def callout(self, block: Callout) -> Iterator[Utterance]:
        text = _clean(block.text)
        label = _clean(block.label).rstrip(":")
        if label and self.settings.callouts == "announce":
            yield Utterance(_sentence(label), "callout", self.pauses.label, False, "label")
        if text:
            yield Utterance(text, "callout", self.pauses.paragraph, part="text")

    def code(self, block: Code) -> Iterator[Utterance]:
        mode = self.settings.code
        if mode == "skip" or not block.text.strip():
            return
        if mode == "read":
            lines = [_clean(line) for line in block.text.splitlines() if line.strip()]
            for k, line in enumerate(lines):
                yield Utterance(line, "code", self.pauses.sentence, False, f"line:{k}")
            yield from self._end_block()
            return
        if block.language:
            text = self._say("code_skipped_in", language=block.language)
        else:
            text = self._say("code_skipped")
        yield Utterance(text, "code", self.pauses.paragraph, False, "intro")

    def figure(self, block: Figure) -> Iterator[Utterance]:
        if self.settings.images == "skip":
            return
        alt, caption = _clean(block.alt), _clean(block.caption or "")
        text = (
            alt
            if not caption or caption in alt
            else (f"{_sentence(alt)} {caption}" if alt else caption)
        )
        if text:
            text = f"{self._say('image')}: {_sentence(text)}"
            yield Utterance(text, "caption", self.pauses.paragraph, False, "image")

    def _end_block(self) -> Iterator[Utterance]:
        # A zero-length marker that lengthens the pause after a list or table.
        yield Utterance("", "body", self.pauses.block_end, split=False)


def chapter_level(article: Article) -> int | None:
    """The heading level whose headings start chapters (the article's top section level)."""
    levels = [
        b.level
        for b in article.blocks
        if isinstance(b, Heading) and _clean(b.text) and not _is_title(b, article)
    ]
    return min(levels) if levels else None


def _is_title(block: Block, article: Article) -> bool:
    return (
        isinstance(block, Heading)
        and block.level == 1
        and _clean(block.text).casefold() == _clean(article.title).casefold()
    )


def build_script(
    article: Article,
    settings: ReadingSettings | None = None,
    *,
    lexicon=None,
    normalize_options=None,
) -> SpeechScript:
    """Read `article` aloud: chapters of normalized utterances with pauses."""
    from .normalize import normalize

    settings = settings or ReadingSettings()
    language = article.language or "en"
    reader = Reader(settings, language)
    level = chapter_level(article)

    title = _clean(article.title)
    chapters: list[tuple[str, list[Utterance]]] = [(title or "Introduction", [])]
    if settings.intro:
        chapters[0][1].extend(reader.intro(article))
        if chapters[0][1]:
            chapters[0][1][-1].pause_after_ms = settings.pauses.intro_after
    for index, block in enumerate(article.blocks):
        if _is_title(block, article):
            continue
        if isinstance(block, Heading):
            previous = next((u for _, us in reversed(chapters) for u in reversed(us)), None)
            if previous is not None:
                previous.pause_after_ms = max(
                    previous.pause_after_ms, settings.pauses.heading_before
                )
            if block.level == level and _clean(block.text):
                chapters.append((_clean(block.text), []))
        chapters[-1][1].extend(_from_block(reader.read(block), index))
    if not chapters[0][1] and len(chapters) > 1:
        chapters.pop(0)

    script = SpeechScript(
        title=title,
        author=_clean(article.author) if article.author else None,
        language=language,
        metadata=ArticleMeta.from_dict(
            {
                "date": article.date,
                "description": article.description,
                "image": article.image,
                "site_name": article.site_name,
                "url": article.url,
                "source": article.source,
            }
        ),
    )
    for title, utterances in chapters:
        chapter = Chapter(title=title)
        for utterance in utterances:
            chapter.segments.extend(
                _segments(utterance, language, settings, lexicon, normalize_options, normalize)
            )
        _merge_markers(chapter)
        # A section with nothing but its heading (e.g. one that held only a video) is no place
        # to send a listener: it is left out rather than made an empty chapter.
        if any(s.role != "heading" for s in chapter.segments) or (
            not script.chapters and chapter.segments
        ):
            script.chapters.append(chapter)
    return script


def _from_block(utterances: Iterator[Utterance], index: int) -> Iterator[Utterance]:
    for utterance in utterances:
        utterance.block = index
        yield utterance


def _segments(utterance, language, settings, lexicon, options, normalize) -> Iterator[Segment]:
    origin = (utterance.block, utterance.part)
    if not utterance.text:
        yield Segment("", utterance.pause_after_ms, utterance.role)
        return
    pieces = (
        split_sentences(utterance.text, language) if utterance.split else cut_long(utterance.text)
    )
    pieces = [_clean(p) for p in pieces if _clean(p)]
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        spans = normalize(piece, language, lexicon, options)
        spoken = _clean("".join(s.spoken for s in spans))
        pause = utterance.pause_after_ms if last else settings.pauses.sentence
        keep = spans if any(s.changed for s in spans) else []
        yield Segment(spoken, pause, utterance.role, keep, origin=origin)


def _merge_markers(chapter: Chapter) -> None:
    """Fold empty marker segments into the previous segment's pause."""
    merged: list[Segment] = []
    for segment in chapter.segments:
        if not segment.text and merged:
            merged[-1].pause_after_ms = max(merged[-1].pause_after_ms, segment.pause_after_ms)
        elif segment.text:
            merged.append(segment)
    chapter.segments = merged
