"""Block-level passes shared by every input kind: clean-up, callouts, labels and FAQ blocks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from readaloud.document import (
    FAQ,
    QA,
    Block,
    Callout,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
)
from readaloud.sources import structure_words
from readaloud.sources.boilerplate import BoilerplateRules
from readaloud.sources.casing import CaseModel
from readaloud.sources.clean import REPAIRS, TEXT_REPAIRS, capitalize_first, key, repair_text

_CALLOUT_RE = re.compile(
    r"^(?P<label>"
    + "|".join(
        re.escape(label) for label in sorted(structure_words.CALLOUT_LABELS, key=len, reverse=True)
    )
    + r")\s*(?P<punct>[?:!]|\s[-\u2013\u2014])\s*(?P<text>\S.*)$",
    re.I | re.S,
)
MAX_QUESTION_WORDS = 40


class Cleaner:
    """Applies debris removal and text repair to every text field of the blocks."""

    def __init__(self, rules: BoilerplateRules, kind: str) -> None:
        self.rules = rules
        self.repairs = TEXT_REPAIRS if kind == "text" else REPAIRS
        self.fix_case = kind == "text"

    def text(self, value: str) -> str:
        value = self.rules.remove_holes(self.rules.strip_debris(value))
        return repair_text(value, self.repairs)

    def heading(self, value: str) -> str:
        value = self.text(value)
        return capitalize_first(value) if self.fix_case else value

    def keep(self, value: str) -> bool:
        return bool(value.strip()) and not self.rules.is_boilerplate(value)

    def block(self, block: Block) -> Block | None:
        if isinstance(block, Heading):
            # A heading marked up as one (HTML, Markdown) is no navigation trail: "Les « boîtes
            # noires »" is a section title. Scraped text guesses its headings, so it is tested.
            text = self.heading(block.text)
            crumbs = self.fix_case
            keep = text.strip() and not self.rules.is_boilerplate(text, breadcrumbs=crumbs)
            return dataclasses.replace(block, text=text) if keep else None
        if isinstance(block, Paragraph):
            text = self.text(block.text)
            label = self.text(block.label) if block.label else None
            if not self.keep(text if not label else f"{label}: {text}"):
                return None
            return Paragraph(text=text, label=label or None)
        if isinstance(block, ListBlock):
            items = [self.text(item) for item in block.items]
            items = [item for item in items if self.keep(item)]
            return dataclasses.replace(block, items=items) if items else None
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, FAQ):
            items = [QA(self.heading(i.question), self.text(i.answer)) for i in block.items]
            items = [i for i in items if i.question and i.answer]
            title = self.heading(block.title) if block.title else None
            return FAQ(items=items, title=title) if items else None
        if isinstance(block, Quote):
            text = self.text(block.text)
            attribution = self.text(block.attribution) if block.attribution else None
            return Quote(text=text, attribution=attribution) if self.keep(text) else None
        if isinstance(block, Callout):
            text = self.text(block.text)
            return Callout(label=self.text(block.label), text=text) if text else None
        if isinstance(block, Figure):
            alt = self.cell(block.alt)
            caption = self.cell(block.caption) if block.caption else None
            if not alt and not caption:
                return None  # nothing to say about an image without alt text
            return dataclasses.replace(block, alt=alt, caption=caption or None)
        return block

    def cell(self, value: str) -> str:
        value = self.text(value)
        return "" if self.rules.is_boilerplate(value) else value

    def table(self, table: Table) -> Block | None:
        header = [self.cell(c) for c in table.header]
        rows = [[self.cell(c) for c in row] for row in table.rows]
        rows = [r for r in rows if any(c.strip() for c in r)]
        width = max([len(header), *(len(r) for r in rows)])
        grid = [[*r, *[""] * (width - len(r))] for r in [header, *rows]]
        # Columns empty from top to bottom are layout leftovers (spacer cells).
        keep = [i for i in range(width) if any(row[i].strip() for row in grid)]
        if not keep:
            return None
        grid = [[row[i] for i in keep] for row in grid]
        caption = self.cell(table.caption) if table.caption else None
        if len(keep) == 1 and not table.omitted_rows:
            # A one-column "table" is a list with a heading line.
            items = [row[0] for row in grid[1:] if row[0].strip()]
            if not items:
                return Paragraph(text=grid[0][0])
            return ListBlock(items=[grid[0][0], *items] if grid[0][0] else items)
        # One row, or prose-length cells: the table arranges text on the page, it holds no data.
        layout = not table.omitted_rows and (
            table.layout or len(grid) == 1 or any(len(c.split()) > 60 for r in grid for c in r)
        )
        return dataclasses.replace(
            table, header=grid[0], rows=grid[1:], caption=caption or None, layout=layout
        )


def clean_blocks(blocks: list[Block], rules: BoilerplateRules, kind: str) -> list[Block]:
    """Remove debris, repair text and drop boilerplate or empty blocks."""
    cleaner = Cleaner(rules, kind)
    return [b for b in (cleaner.block(block) for block in blocks) if b is not None]


def block_texts(block: Block) -> list[str]:
    """The running-text fields of a block (headings excluded)."""
    if isinstance(block, Paragraph | Quote | Callout):
        return [block.text]
    if isinstance(block, ListBlock):
        return list(block.items)
    if isinstance(block, Table):
        return [c for row in block.rows for c in row]
    if isinstance(block, FAQ):
        return [t for item in block.items for t in (item.question, item.answer)]
    return []


def map_texts(block: Block, fn: Callable[[str], str]) -> Block:
    """A copy of `block` with `fn` applied to each of its text fields."""
    if isinstance(block, Heading | Paragraph | Quote | Callout):
        return dataclasses.replace(block, text=fn(block.text))
    if isinstance(block, ListBlock):
        return dataclasses.replace(block, items=[fn(i) for i in block.items])
    if isinstance(block, Table):
        return dataclasses.replace(
            block,
            header=[fn(c) for c in block.header],
            rows=[[fn(c) for c in r] for r in block.rows],
        )
    if isinstance(block, FAQ):
        return dataclasses.replace(
            block, items=[QA(fn(i.question), fn(i.answer)) for i in block.items]
        )
    return block


def repair_case(blocks: list[Block], title: str) -> tuple[list[Block], str]:
    """Capitalise proper nouns the scraper lower-cased, learning them from the article."""
    model = CaseModel(t for b in blocks for t in block_texts(b))
    return [map_texts(b, model.fix) for b in blocks], model.fix(title)


def to_callout(paragraph: Paragraph) -> Callout | None:
    """A callout for "Did You Know? ...", "Pro Tip: ..." or a paragraph labelled "Note"."""
    if paragraph.label and paragraph.label.lower().rstrip("?:!") in structure_words.CALLOUT_LABELS:
        return Callout(label=paragraph.label, text=paragraph.text)
    match = _CALLOUT_RE.match(paragraph.text)
    if not match or paragraph.label:
        return None
    label = match.group("label")
    if match.group("punct") == "?":
        label += "?"
    return Callout(label=label, text=match.group("text").strip())


def to_labelled(paragraph: Paragraph) -> Paragraph | None:
    """ "Economic Cooperation: China remains ..." -> Paragraph(label="Economic Cooperation")."""
    if paragraph.label:
        return None
    match = structure_words.LABEL_RE.match(paragraph.text)
    if not match:
        return None
    text = match.group("text").strip()
    if len(text.split()) < 4 or re.fullmatch(r"\d+", match.group("label")):
        return None
    return Paragraph(text=text, label=match.group("label"))


def mark_asides(blocks: list[Block]) -> list[Block]:
    """Turn callout and run-in-label paragraphs into Callout / labelled Paragraph blocks."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            block = to_callout(block) or to_labelled(block) or block
        out.append(block)
    return out


def split_question(item: str) -> QA | None:
    """ "What is X? X is ..." -> QA; None when there is no question followed by an answer."""
    match = re.match(r"^(?P<q>[^?]{3,400}\?)[\"')]?\s+(?P<a>\S.*)$", item.strip(), re.S)
    if not match:
        return None
    return QA(question=match.group("q").strip(), answer=match.group("a").strip())


def is_question(text: str) -> bool:
    """A single short question ("How do I update?"), not a paragraph that contains one."""
    text = text.strip()
    return (
        text.endswith("?")
        and len(text.split()) <= MAX_QUESTION_WORDS
        and not re.search(r"[.!?]\s+\S", text[:-1])
    )


def _answer_text(block: Block) -> str | None:
    if isinstance(block, Paragraph):
        return f"{block.label}: {block.text}" if block.label else block.text
    if isinstance(block, ListBlock):
        return " ".join(i if i.endswith((".", "!", "?", ":")) else i + "." for i in block.items)
    if isinstance(block, Callout):
        return f"{block.label} {block.text}"
    return None


def _question_sections(blocks: list[Block], start: int) -> tuple[list[Block], list[QA], int] | None:
    """After an FAQ heading at `start`: (intro blocks, QA items, index after the FAQ)."""
    level = blocks[start].level  # type: ignore[union-attr]
    intro: list[Block] = []
    items: list[tuple[str, list[str]]] = []
    j = start + 1
    while j < len(blocks):
        block = blocks[j]
        if isinstance(block, Heading):
            if not (block.text.strip().endswith("?") and block.level >= level):
                break
            items.append((block.text, []))
        elif isinstance(block, Paragraph) and not block.label and is_question(block.text):
            if items and not items[-1][1]:
                return None  # two questions in a row: not a Q/A layout
            items.append((block.text, []))
        else:
            answer = _answer_text(block)
            if answer is None:
                if items:
                    return None  # tables or code inside answers: keep the sections as they are
                break
            if items:
                items[-1][1].append(answer)
            else:
                intro.append(block)
        j += 1
    if not items or any(not answer for _, answer in items):
        return None
    return intro, [QA(q, " ".join(a)) for q, a in items], j


def _marked_pairs(blocks: list[Block], start: int) -> tuple[list[QA], int]:
    """Consecutive "Q: ..." / "A: ..." paragraphs from `start`."""
    items: list[QA] = []
    j = start
    while j + 1 < len(blocks):
        q, a = blocks[j], blocks[j + 1]
        if not (isinstance(q, Paragraph) and isinstance(a, Paragraph)):
            break
        qm = structure_words.QUESTION_MARK_RE.match(q.text) if not q.label else None
        am = structure_words.ANSWER_MARK_RE.match(a.text) if not a.label else None
        if not (qm and am):
            break
        answer = [am.group("text")]
        j += 2
        while j < len(blocks) and isinstance(blocks[j], Paragraph):
            nxt = blocks[j]
            if structure_words.QUESTION_MARK_RE.match(nxt.text):  # type: ignore[union-attr]
                break
            answer.append(nxt.text)  # type: ignore[union-attr]
            j += 1
        items.append(QA(qm.group("text").strip(), " ".join(answer)))
    return items, j


def build_faqs(blocks: list[Block]) -> list[Block]:
    """Find FAQ blocks: Q:/A: pairs anywhere, and under an FAQ heading a list of
    "Question? Answer" items, question headings or question paragraphs with answers."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, Paragraph):
            pairs, end = _marked_pairs(blocks, i)
            if pairs:
                out.append(FAQ(items=pairs))
                i = end
                continue
        if isinstance(block, Heading) and structure_words.FAQ_HEADING_RE.match(block.text.strip()):
            out.append(block)
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(nxt, ListBlock):
                qas = [split_question(item) for item in nxt.items]
                if qas and all(qas):
                    out.append(FAQ(items=qas))  # type: ignore[arg-type]
                    i += 2
                    continue
            found = _question_sections(blocks, i)
            if found:
                intro, qas, end = found
                out.extend(intro)
                out.append(FAQ(items=qas))
                i = end
                continue
            i += 1
            continue
        out.append(block)
        i += 1
    return out


def drop_empty_sections(blocks: list[Block], *, last_is_text: bool = False) -> list[Block]:
    """Drop headings with nothing under them before the next heading of the same or higher rank.

    With `last_is_text` (scraped text) a heading-like last line is the article's closing line
    ("Did you know the lens weighs two tons?"), kept as a paragraph.
    """
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            if nxt is None and last_is_text:
                out.append(Paragraph(text=block.text))
                continue
            if nxt is None or (isinstance(nxt, Heading) and nxt.level <= block.level):
                continue
        out.append(block)
    return out


def drop_sections(blocks: list[Block], rules: BoilerplateRules) -> list[Block]:
    """Drop sections whose heading marks page furniture ("References", "See also")."""
    out: list[Block] = []
    skipping: int | None = None
    for block in blocks:
        if isinstance(block, Heading):
            if skipping is not None and block.level > skipping:
                continue
            skipping = block.level if rules.is_dropped_section(block.text) else None
        if skipping is None:
            out.append(block)
    return out


def drop_redundant_figures(blocks: list[Block]) -> list[Block]:
    """Drop an image whose alt text only repeats the heading or text next to it."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Figure) and not block.caption:
            neighbours = blocks[max(0, index - 1) : index] + blocks[index + 1 : index + 2]
            alt = key(block.alt)
            if any(
                isinstance(n, Heading | Paragraph) and alt and alt in key(n.text)
                for n in neighbours
            ):
                continue
        out.append(block)
    return out


def merge_faq(blocks: list[Block], items: list[QA], language: str | None) -> list[Block]:
    """Add FAQ items found outside the body (JSON-LD, <details>) unless the article has them."""
    present = set()
    for block in blocks:
        if isinstance(block, FAQ):
            present.update(key(i.question) for i in block.items)
        elif isinstance(block, Heading | Paragraph):
            present.add(key(block.text))
    seen: set[str] = set()
    missing = []
    for item in items:
        k = key(item.question)
        if k and k not in present and k not in seen:
            seen.add(k)
            missing.append(item)
    if not missing:
        return blocks
    # Answers the extractor kept without their questions would otherwise be read twice.
    answers = {key(item.answer) for item in missing}
    blocks = [b for b in blocks if not (isinstance(b, Paragraph) and key(b.text) in answers)]
    faq = FAQ(items=missing)
    # An FAQ heading the extractor kept without its content gets the items under it.
    for index, block in enumerate(blocks):
        if isinstance(block, Heading) and structure_words.FAQ_HEADING_RE.match(block.text.strip()):
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            if nxt is None or isinstance(nxt, Heading):
                return [*blocks[: index + 1], faq, *blocks[index + 1 :]]
    lang = (language or "en").split("-")[0].lower()
    title = structure_words.FAQ_TITLES.get(lang, structure_words.FAQ_TITLES["en"])
    return [*blocks, Heading(text=title, level=2), faq]


def take_byline(blocks: list[Block], parse_byline) -> tuple[list[Block], str | None]:
    """Remove a "By <name>" paragraph near the top and return the name."""
    for index, block in enumerate(blocks[:4]):
        if isinstance(block, Paragraph) and not block.label:
            name = parse_byline(block.text)
            if name:
                return [*blocks[:index], *blocks[index + 1 :]], name
    return blocks, None


def drop_title_repeats(blocks: list[Block], title: str) -> list[Block]:
    """Drop headings and paragraphs that only repeat the title (the h1 inside the body)."""
    title_key = key(title)
    if not title_key:
        return blocks
    return [
        b
        for b in blocks
        if not (
            isinstance(b, Heading | Paragraph)
            and not getattr(b, "label", None)
            and key(b.text) == title_key
        )
    ]


def word_count(blocks: list[Block]) -> int:
    """Words in the readable blocks (code, images and headings not counted)."""
    return sum(len(t.split()) for b in blocks for t in block_texts(b))


def has_text(blocks: list[Block], min_words: int = 1) -> bool:
    """True when the blocks hold at least `min_words` words of readable text."""
    return word_count(blocks) >= min_words
