"""One renderer per block kind: the block's markup, with its spoken sentences marked by id.

The part names used here ("intro", "row:2", "answer:0", ...) are those the reading rules give
each utterance (`script/reading.py`), so a sentence finds the element it reads.
"""

from __future__ import annotations

from .. import document as doc
from ..document import handler
from ..script.reading import _clean as clean  # the very clean-up the reading rules apply
from .sync import Sentence, SyncMap
from .tree import Element

SENTENCE_CLASS = "ra-sentence"

__all__ = ["SENTENCE_CLASS", "BlockRenderer", "clean"]


class BlockRenderer:
    """Renders blocks into a parent element, placing each sentence of the sync map once."""

    def __init__(self, sync: SyncMap) -> None:
        self.pending: dict[tuple[int | None, str], list[Sentence]] = {}
        self.chapters: dict[int, int] = {}
        for sentence in sync.sentences:
            self.pending.setdefault((sentence.block, sentence.part), []).append(sentence)
            if sentence.block is not None:
                self.chapters.setdefault(sentence.block, sentence.chapter)
        self.placed: set[str] = set()
        self.level = 1
        """Rendered level of the heading above the current block (1 = the title)."""

    def chapter_of(self, block: int) -> int | None:
        """The chapter in which block number `block` is read (None: not read)."""
        return self.chapters.get(block)

    def take(self, block: int | None, part: str) -> list[Sentence]:
        """The sentences that read `part` of `block` (each handed out once)."""
        return self.pending.pop((block, part), [])

    def block(self, parent: Element, index: int, block: doc.Block) -> None:
        handler(self, block)(parent, index, block)

    # -- placing sentences ------------------------------------------------------------------

    def _assign(self, node: Element, sentence: Sentence) -> None:
        node.attrs["id"] = sentence.id
        node.add_class(SENTENCE_CLASS)
        self.placed.add(sentence.id)

    def mark(self, node: Element, sentences: list[Sentence], holder: Element | None = None) -> None:
        """Announcements on a structural element: the first on `node` itself, any more (a long
        announcement cut in pieces) on empty spans inside `holder` (which takes phrasing)."""
        for sentence in sentences:
            if "id" not in node.attrs:
                self._assign(node, sentence)
            else:
                self._assign((holder or node).sub("span"), sentence)

    def inline(self, parent: Element, text: str | None, sentences: list[Sentence]) -> None:
        """Show `text` in `parent` with each sentence's share of it wrapped in a `<span>`.

        A sentence's written text may add to the shown text ("Answer: ", "First: ", a closing
        period): the shares are found by matching the non-space characters. Without `text`,
        or when it cannot be matched, the sentences' own written text is shown.
        """
        text = clean(text or "")
        if not sentences:
            parent.add(text)
            return
        squeezed = ["".join(s.text.split()) for s in sentences]
        positions = [i for i, ch in enumerate(text) if not ch.isspace()]
        shown = "".join(text[i] for i in positions)
        joined = "".join(squeezed)
        offset = joined.rfind(shown) if shown else -1
        if offset < 0:
            if text:
                parent.add(text + " ")
            for number, sentence in enumerate(sentences):
                parent.add(" " if number else None)
                self._assign(parent.sub("span", sentence.text), sentence)
            return
        cursor = start = 0
        for sentence, piece in zip(sentences, squeezed, strict=True):
            low, high = max(start, offset), min(start + len(piece), offset + len(shown))
            start += len(piece)
            if low >= high:  # spoken only (e.g. "Answer:" cut off as its own piece)
                self._assign(parent.sub("span"), sentence)
                continue
            begin, end = positions[low - offset], positions[high - offset - 1] + 1
            parent.add(text[cursor:begin])
            self._assign(parent.sub("span", text[begin:end]), sentence)
            cursor = end
        parent.add(text[cursor:])

    # -- blocks -----------------------------------------------------------------------------

    def heading(self, parent: Element, index: int, block: doc.Heading) -> None:
        node = parent.sub(f"h{self.level}", id=f"h-{index}")
        self.inline(node, block.text, self.take(index, "text"))

    def paragraph(self, parent: Element, index: int, block: doc.Paragraph) -> None:
        node = parent.sub("p")
        if block.label:
            label = node.sub("strong", class_="ra-label")
            self.inline(label, block.label, self.take(index, "label"))
            node.add(" ")
        self.inline(node, block.text, self.take(index, "text"))

    def list_block(self, parent: Element, index: int, block: doc.ListBlock) -> None:
        items = [clean(item) for item in block.items if clean(item)]
        if not items:
            return
        node = parent.sub("ol" if block.ordered else "ul")
        if block.ordered and block.start != 1:
            node.attrs["start"] = str(block.start)
        entries = []
        for number, item in enumerate(items):
            entries.append(node.sub("li"))
            self.inline(entries[-1], item, self.take(index, f"item:{number}"))
        self.mark(node, self.take(index, "intro"), holder=entries[0])
        node.attrs.setdefault("id", f"l-{index}")

    def table(self, parent: Element, index: int, block: doc.Table) -> None:
        rows = [[clean(c) for c in row] for row in block.rows]
        rows = [row for row in rows if any(row)]
        header = [clean(h) for h in block.header]
        if block.layout or (not header and rows and max(len(r) for r in rows) == 1):
            # A layout table is read as paragraphs, and shown as such.
            cells = [cell for row in rows for cell in row if cell]
            for number, cell in enumerate(cells):
                self.inline(parent.sub("p"), cell, self.take(index, f"cell:{number}"))
            return
        if not rows and not any(header):
            return
        width = max([len(header)] + [len(r) for r in rows])
        table = parent.sub("table")
        caption = table.sub("caption", clean(block.caption)) if block.caption else None
        head = None
        if any(header):
            head = table.sub("thead").sub("tr")
            for name in header + [""] * (width - len(header)):
                head.sub("th", name, scope="col") if name else head.sub("td")
        body = table.sub("tbody")
        lines = []
        for row in rows:
            line = body.sub("tr")
            for number, cell in enumerate(row + [""] * (width - len(row))):
                if number == 0 and head is not None and cell:
                    line.sub("th", cell, scope="row")
                else:
                    line.sub("td", cell)
            lines.append(line)
        target = head or caption or table
        self.mark(target, self.take(index, "intro"), holder=_last_cell(target) or caption)
        for number, line in enumerate(lines):
            self.mark(line, self.take(index, f"row:{number}"), holder=_last_cell(line))
        more = self.take(index, "more")
        if more:
            unread = [line for line in lines if "id" not in line.attrs] or lines[-1:]
            self.mark(unread[0], more, holder=_last_cell(unread[0]))
        table.attrs.setdefault("id", f"t-{index}")

    def faq(self, parent: Element, index: int, block: doc.FAQ) -> None:
        if block.title:
            node = parent.sub(f"h{min(6, self.level + 1)}", id=f"h-{index}")
            self.inline(node, block.title, self.take(index, "title"))
        listing = parent.sub("dl", class_="ra-faq")
        for number, item in enumerate(block.items):
            question, answer = clean(item.question), clean(item.answer)
            if not question and not answer:
                continue
            # A `dl` needs each group as dt then dd: an empty one stands in for a missing half.
            self.inline(listing.sub("dt"), question, self.take(index, f"question:{number}"))
            self.inline(listing.sub("dd"), answer, self.take(index, f"answer:{number}"))

    def quote(self, parent: Element, index: int, block: doc.Quote) -> None:
        node = parent.sub("blockquote")
        opening = self.take(index, "open")
        text = node.sub("p")
        self.inline(text, block.text, self.take(index, "text"))
        closing = self.take(index, "close")
        if block.attribution:
            self.inline(node.sub("footer"), block.attribution, closing)
        elif closing:
            self.mark(node.sub("span"), closing)
        self.mark(node, opening, holder=text)

    def callout(self, parent: Element, index: int, block: doc.Callout) -> None:
        node = parent.sub("aside", class_="ra-callout", id=f"a-{index}")
        label = clean(block.label).rstrip(":")
        if label:
            self.inline(node.sub("p").sub("strong"), label, self.take(index, "label"))
        self.inline(node.sub("p"), block.text, self.take(index, "text"))

    def code(self, parent: Element, index: int, block: doc.Code) -> None:
        pre = parent.sub("pre")
        code = pre.sub("code")
        if block.language:
            code.attrs["class"] = f"language-{clean(block.language)}"
        spoken = 0
        for number, line in enumerate(block.text.splitlines()):
            code.add("\n" if number else None)
            sentences = self.take(index, f"line:{spoken}") if line.strip() else []
            spoken += 1 if line.strip() else 0
            if not sentences:
                code.add(line)
                continue
            self._assign(code.sub("span", line), sentences[0])
            for extra in sentences[1:]:
                self._assign(code.sub("span"), extra)
        self.mark(pre, self.take(index, "intro"), holder=code)

    def figure(self, parent: Element, index: int, block: doc.Figure) -> None:
        node = parent.sub("figure", class_="ra-figure")
        alt = clean(block.alt)
        if alt:
            node.sub("p", alt, class_="ra-image-description")
        caption = clean(block.caption or "")
        if caption and caption not in alt:
            node.sub("figcaption", caption)
        self.mark(node, self.take(index, "image"))


def _last_cell(node: Element) -> Element | None:
    cells = [c for c in node.children if isinstance(c, Element) and c.tag in ("td", "th")]
    return cells[-1] if cells else None
