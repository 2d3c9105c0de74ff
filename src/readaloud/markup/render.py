"""Render the cleaned article as real markup, one part per chapter, every spoken sentence marked.

Each sentence of the sync map is wrapped in (or, for announcements such as "A table with three
columns ...", placed on) an element carrying its id: prose sentences become `<span>`s inside
their paragraph, heading, list item, question or answer; a table's announcement marks its header
row and each read row its `<tr>`; "A list of three items" marks the list; a figure's description
the `<figure>`. The same tree serializes as XHTML (EPUB, DAISY) and HTML5 (the web player).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Article, Heading
from .blocks import SENTENCE_CLASS, BlockRenderer, clean
from .sync import Sentence, SyncMap
from .tree import Element, el


@dataclass
class NavHeading:
    """A heading of the rendered text, for navigation documents (EPUB nav, DAISY NCC)."""

    level: int
    """1 for the title, 2-6 below it, never skipping a level."""
    text: str
    id: str
    """The heading element's id."""
    sentence: str | None = None
    """Id of the spoken sentence inside it (None when the heading is not read aloud)."""


# Elements a reading system may escape from (EPUB Media Overlays): tag -> the overlay's epub:type.
STRUCTURES = {"table": "table", "aside": "aside", "ul": "list", "ol": "list"}


@dataclass
class Structure:
    """A table, aside or list: reading systems may escape from it (or skip it)."""

    id: str
    """The element's id (the overlay's `epub:textref` fragment)."""
    kind: str
    """Its `epub:type` in an overlay: "table", "aside" or "list"."""
    sentences: list[str] = field(default_factory=list)


@dataclass
class Part:
    """One chapter's text: a `<section>` element and what the editions need to know about it."""

    chapter: int
    title: str
    body: Element
    sentences: list[str] = field(default_factory=list)
    """Ids of the spoken sentences in this part, in reading order."""
    headings: list[NavHeading] = field(default_factory=list)
    structures: list[Structure] = field(default_factory=list)


@dataclass
class RenderOptions:
    timing: bool = False
    """Add `data-start` / `data-end` (seconds) to every sentence element (the web player)."""


def render(sync: SyncMap, options: RenderOptions | None = None) -> list[Part]:
    """The article (or, without one, the script's chapters) as one `Part` per chapter."""
    options = options or RenderOptions()
    chapter_count = max(len(sync.chapters), max((s.chapter + 1 for s in sync.sentences), default=0))
    titles = [c.title for c in sync.chapters] + [""] * chapter_count
    parts = [
        Part(index, titles[index] or f"Part {index + 1}", el("section", id=f"part{index + 1}"))
        for index in range(max(chapter_count, 1))
    ]
    for part in parts:
        part.body.attrs["epub:type"] = "chapter"
    renderer = BlockRenderer(sync)
    _render_intro(sync, parts[0], renderer)
    if sync.article is not None:
        _render_blocks(sync.article, parts, renderer)
    placed = renderer.placed
    for sentence in sync.sentences:  # anything the blocks did not show (e.g. an SSML script)
        if sentence.id not in placed:
            _append_loose(parts[sentence.chapter], sentence, renderer)
    _finish(parts, sync, options)
    return parts


def _render_intro(sync: SyncMap, part: Part, renderer: BlockRenderer) -> None:
    header = part.body.sub("header")
    title = header.sub("h1", id="title")
    renderer.inline(title, sync.title or part.title, renderer.take(None, "title"))
    for name in ("author", "date"):
        sentences = renderer.take(None, name)
        if sentences:
            renderer.inline(header.sub("p", class_=f"ra-{name}"), None, sentences)
    if not header.children[1:] and sync.author:
        header.sub("p", sync.author, class_="ra-author")


def _render_blocks(article: Article, parts: list[Part], renderer: BlockRenderer) -> None:
    """Each block goes into the part of the chapter it is read in (unread blocks follow the
    block before them); headings nest without skipping a level."""
    chapter = 0
    levels: list[tuple[int, int]] = []  # (source level, rendered level) of the open headings
    for index, block in enumerate(article.blocks):
        own = renderer.chapter_of(index)
        if own is not None and own > chapter:
            chapter = min(own, len(parts) - 1)
        if isinstance(block, Heading):
            if clean(block.text).casefold() == clean(article.title).casefold() and block.level == 1:
                continue  # the title, shown in the header
            while levels and levels[-1][0] >= block.level:
                levels.pop()
            rendered = min(6, levels[-1][1] + 1 if levels else 2)
            levels.append((block.level, rendered))
            renderer.level = rendered
        renderer.block(parts[chapter].body, index, block)


def _append_loose(part: Part, sentence: Sentence, renderer: BlockRenderer) -> None:
    if sentence.role == "heading":
        level = 2 if not any(p.tag == "h2" for p in part.body.iter()) else 3
        target = part.body.sub(f"h{level}", id=f"h-{sentence.id}")
    else:
        target = part.body.sub("p")
    renderer.inline(target, None, [sentence])


def _finish(parts: list[Part], sync: SyncMap, options: RenderOptions) -> None:
    """Collect headings, sentence ids and structures per part; add timing when asked."""
    by_id = sync.by_id()
    for part in parts:
        for node in part.body.iter():
            if SENTENCE_CLASS not in node.attrs.get("class", "").split():
                continue
            sentence = by_id[node.attrs["id"]]
            part.sentences.append(sentence.id)
            if options.timing and sentence.timed:
                node.attrs["data-start"] = f"{sentence.start_ms / 1000:.3f}"
                node.attrs["data-end"] = f"{sentence.end_ms / 1000:.3f}"
        for node in part.body.iter():
            if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                inner = _sentences_in(node)
                part.headings.append(
                    NavHeading(
                        int(node.tag[1]),
                        clean(node.text()),
                        node.attrs["id"],
                        inner[0] if inner else None,
                    )
                )
            kind = STRUCTURES.get(node.tag)
            if kind and "id" in node.attrs:
                inner = _sentences_in(node)
                if inner:
                    part.structures.append(Structure(node.attrs["id"], kind, inner))
        first = next((h for h in part.headings if h.level > 1), None)
        if first is not None:
            part.body.attrs["aria-labelledby"] = first.id


def _sentences_in(node: Element) -> list[str]:
    return [
        n.attrs["id"] for n in node.iter() if SENTENCE_CLASS in n.attrs.get("class", "").split()
    ]
