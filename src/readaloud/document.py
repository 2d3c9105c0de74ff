"""The document model: an article's metadata and its blocks, in reading order, with JSON round-trip.

Every source kind (HTML, Markdown, plain text, SSML aside) ends here; the reading rules in
`script/reading.py` turn it into a speech script. Inline markup is already flattened to plain
text (link text only, image alt text, no raw URLs).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass
class Heading:
    """A section heading; level 1 is the top (h1)."""

    text: str
    level: int = 2
    kind: ClassVar[str] = "heading"


@dataclass
class Paragraph:
    """Body text. `label` holds a leading run-in label such as "Economic Cooperation"."""

    text: str
    label: str | None = None
    kind: ClassVar[str] = "paragraph"


@dataclass
class ListBlock:
    """A bulleted or numbered list; nested items are flattened in order."""

    items: list[str]
    ordered: bool = False
    start: int = 1
    kind: ClassVar[str] = "list"


@dataclass
class Table:
    """A data table: one header row and body rows. `layout` marks tables used for page layout."""

    header: list[str]
    rows: list[list[str]]
    caption: str | None = None
    layout: bool = False
    omitted_rows: int = 0
    """Body rows of a big table that were cut before parsing (see sources/table_cut.py)."""
    kind: ClassVar[str] = "table"


@dataclass
class QA:
    """One question with its answer."""

    question: str
    answer: str


@dataclass
class FAQ:
    """A block of questions and answers."""

    items: list[QA]
    title: str | None = None
    kind: ClassVar[str] = "faq"


@dataclass
class Quote:
    """A block quotation."""

    text: str
    attribution: str | None = None
    kind: ClassVar[str] = "quote"


@dataclass
class Callout:
    """A boxed aside such as "Did You Know?" or "Pro Tip:"; `label` is the box's name."""

    label: str
    text: str
    kind: ClassVar[str] = "callout"


@dataclass
class Code:
    """A code block: announced and skipped by default."""

    text: str
    language: str | None = None
    kind: ClassVar[str] = "code"


@dataclass
class Figure:
    """An image with its alt text and caption."""

    alt: str = ""
    caption: str | None = None
    src: str | None = None
    kind: ClassVar[str] = "figure"


Block = Heading | Paragraph | ListBlock | Table | FAQ | Quote | Callout | Code | Figure

BLOCK_TYPES: dict[str, type] = {
    cls.kind: cls
    for cls in (Heading, Paragraph, ListBlock, Table, FAQ, Quote, Callout, Code, Figure)
}


def handler(owner: object, block: Block) -> Callable[..., Any]:
    """`owner`'s method for this block's kind: a method per kind, named after it (`heading`,
    `paragraph`, `list_block`, `table`, `faq`, `quote`, `callout`, `code`, `figure`). The
    readers of the document model (reading rules, markup) dispatch through this one table."""
    return getattr(owner, "list_block" if block.kind == "list" else block.kind)


@dataclass
class Article:
    """An article: metadata plus blocks in reading order."""

    title: str = ""
    author: str | None = None
    date: str | None = None
    """Publication date as ISO 8601 (YYYY-MM-DD) when known."""
    description: str | None = None
    image: str | None = None
    language: str | None = None
    """BCP 47 tag, e.g. "en" or "de-DE"."""
    site_name: str | None = None
    url: str | None = None
    """Canonical URL of the article when known."""
    source: str | None = None
    """Where it was read from: a path, a URL or "-"."""
    source_kind: str | None = None
    """"html", "markdown", "text" or "ssml"."""
    blocks: list[Block] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "blocks"
        }
        data["blocks"] = [block_to_dict(b) for b in self.blocks]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        meta = {k: v for k, v in data.items() if k != "blocks"}
        return cls(**meta, blocks=[block_from_dict(b) for b in data.get("blocks", [])])

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Article:
        return cls.from_dict(json.loads(text))


def block_to_dict(block: Block) -> dict[str, Any]:
    return {"type": block.kind, **dataclasses.asdict(block)}


def block_from_dict(data: dict[str, Any]) -> Block:
    fields = {k: v for k, v in data.items() if k != "type"}
    cls = BLOCK_TYPES[data["type"]]
    if cls is FAQ:
        fields["items"] = [QA(**item) for item in fields["items"]]
    return cls(**fields)
