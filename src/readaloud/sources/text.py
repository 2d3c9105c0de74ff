"""Structure recovery for scraped plain text: title, byline, headings, lists, tables, paragraphs.

Scraped pages lose their markup but keep its shadow: a title line first, a byline, short
standalone lines as headings, bullet characters, blank lines between paragraphs and none
between table rows. Later passes (structure.py) find FAQ, callouts and labels in the blocks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from readaloud.document import Block, Heading, ListBlock, Paragraph
from readaloud.sources import structure_words
from readaloud.sources.boilerplate import BoilerplateRules
from readaloud.sources.clean import normalize_characters
from readaloud.sources.structure import key
from readaloud.sources.text_tables import (
    DocumentPhrases,
    delimited_table,
    infer_table,
    looks_like_header,
)

_BULLET_RE = re.compile(
    r"^\s*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2219\u00b7\u25cb\u25a0\u25a1\u27a2\u25ba\u25b8\u2013*-]"
    r"|(?P<num>\d{1,3})[.)])\s+(?P<text>\S.*)$"
)
_ATX_RE = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*$")
_TERMINAL = (".", "!", ",", ";", ":", '."', ".'", '!"')
MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 120
MAX_TITLE_WORDS = 30
_DATE_RE = re.compile(
    r"^(?:(?:published|updated|posted|date)\s*:?\s*)?(?:on\s+)?(?:\w+day,?\s+)?"
    r"(?:(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month2>[A-Za-z]{3,9})\.?,?\s+(?P<year2>\d{4})"
    r"|(?P<iso>\d{4}-\d\d-\d\d))\b.{0,40}$",
    re.I,
)


@dataclass
class ParsedText:
    """Blocks and metadata recovered from plain text."""

    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def is_heading_line(line: str) -> bool:
    """A short standalone line without sentence-final punctuation ("A Shift in Alliances?")."""
    text = line.strip()
    if not text or len(text) > MAX_HEADING_CHARS or not re.match(r"[^\W_]", text):
        return False
    if len(text.split()) > MAX_HEADING_WORDS or text.endswith(_TERMINAL):
        return False
    return _BULLET_RE.match(text) is None


def parse_date(line: str) -> str | None:
    """An ISO date from a standalone date line ("September 4, 2025", "Published: 2025-09-04")."""
    match = _DATE_RE.match(line.strip())
    if not match:
        return None
    if match.group("iso"):
        return match.group("iso")
    month = structure_words.MONTHS.get(
        (match.group("month") or match.group("month2") or "").lower()
    )
    day = int(match.group("day") or match.group("day2"))
    year = int(match.group("year") or match.group("year2"))
    if not month or not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_byline(line: str) -> str | None:
    """The author's name from a byline such as "by Omar El Sayed - World Editor"."""
    text = line.strip()
    if len(text.split()) > 14:
        return None
    match = (
        structure_words.BYLINE_RE.match(text)
        or structure_words.POSTED_BY_RE.match(text)
        or structure_words.AUTHOR_LINE_RE.match(text)
    )
    if not match:
        return None
    name = match.group("name").strip(" .,")
    words = name.split()
    if not words or not all(
        w[0].isupper() or w.lower() in ("and", "und", "&", "de", "van", "von", "el", "al")
        for w in words
    ):
        return None
    return name


def _group(lines: list[str]) -> list[list[str]]:
    """Lines grouped into blocks separated by blank lines."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _join(lines: list[str]) -> str:
    """Join hard-wrapped lines, mending words hyphenated across a line break."""
    # A list of parts, not `text += line`: 100,000 lines must not copy the text 100,000 times.
    parts: list[str] = []
    for line in (ln.strip() for ln in lines):
        last = parts[-1] if parts else ""
        if last.endswith("-") and line[:1].islower() and last[-2:-1].isalpha():
            parts[-1] = last[:-1]
            parts.append(line)
        elif parts:
            parts += [" ", line]
        else:
            parts.append(line)
    return "".join(parts)


def _list_block(lines: list[str]) -> ListBlock | None:
    items: list[str] = []
    numbers: list[int] = []
    for line in lines:
        match = _BULLET_RE.match(line)
        if match:
            items.append(match.group("text").strip())
            if match.group("num"):
                numbers.append(int(match.group("num")))
        elif items:
            items[-1] = _join([items[-1], line])
        else:
            return None
    if not items:
        return None
    ordered = len(numbers) == len(items)
    return ListBlock(items=items, ordered=ordered, start=numbers[0] if ordered else 1)


def _qa_paragraphs(lines: list[str]) -> list[Block] | None:
    """Split "Q: ... / A: ..." lines into one paragraph per marker."""
    if not any(structure_words.QUESTION_MARK_RE.match(ln.strip()) for ln in lines):
        return None
    paragraphs: list[list[str]] = []
    for line in lines:
        stripped = line.strip()
        if (
            structure_words.QUESTION_MARK_RE.match(stripped)
            or structure_words.ANSWER_MARK_RE.match(stripped)
            or not paragraphs
        ):
            paragraphs.append([stripped])
        else:
            paragraphs[-1].append(stripped)
    return [Paragraph(text=_join(p)) for p in paragraphs]


def _classify(lines: list[str], context: Callable[[], DocumentPhrases]) -> list[Block]:
    """Blocks for one group of consecutive non-blank lines."""
    if len(lines) >= 2:
        table = delimited_table(lines) or (
            infer_table(lines, context())
            if len(lines) >= 3 and looks_like_header(lines[0])
            else None
        )
        if table is not None:
            return [table]
    if all(_BULLET_RE.match(ln) for ln in lines[:1]):
        lst = _list_block(lines)
        if lst is not None:
            return [lst]
    qa = _qa_paragraphs(lines)
    if qa is not None:
        return qa
    if len(lines) == 1:
        line = lines[0].strip()
        atx = _ATX_RE.match(line)
        if atx:
            return [Heading(text=atx.group(2), level=max(2, len(atx.group(1))))]
        return [Heading(text=line, level=2) if is_heading_line(line) else Paragraph(text=line)]
    first, rest = lines[0].strip(), lines[1:]
    if is_heading_line(first) and rest and rest[0].strip()[:1].isupper():
        longest = max(len(ln.strip()) for ln in rest)
        if len(first) < 0.7 * longest or len(rest) == 1:
            return [Heading(text=first, level=2), *_classify(rest, context)]
    # A list that starts after an introductory line ("Key points:").
    bullet_at = next((i for i, ln in enumerate(lines) if _BULLET_RE.match(ln)), None)
    if bullet_at:
        lst = _list_block(lines[bullet_at:])
        if lst is not None:
            return [*_classify(lines[:bullet_at], context), lst]
    return [Paragraph(text=_join(lines))]


def parse_text(text: str, rules: BoilerplateRules) -> ParsedText:
    """Recover an article's structure and metadata from scraped plain text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Boilerplate first: breadcrumbs are recognised by separators ("»") that normalising changes.
    lines = [
        "" if rules.is_boilerplate(ln.strip()) else normalize_characters(ln).rstrip()
        for ln in text.split("\n")
    ]
    groups = _group(lines)
    meta: dict[str, str] = {}
    if groups:
        first = groups[0][0].strip()
        if (
            len(first.split()) <= MAX_TITLE_WORDS
            and not first.endswith((".", ",", ";"))
            and not is_bulleted(first)
            and parse_byline(first) is None
        ):
            meta["title"] = first
            groups[0] = groups[0][1:]
    title_key = key(meta.get("title", ""))
    kept: list[list[str]] = []
    for index, group in enumerate(groups):
        remaining: list[str] = []
        for line in group:
            if title_key and key(line) == title_key:
                continue  # the title repeated (scrapers often catch it twice)
            if index < 5:
                # One line may give both: "Posted on 12 January 2023 by Tom Harris".
                name = None if "author" in meta else parse_byline(line)
                date = None if "date" in meta else parse_date(line)
                if name:
                    meta["author"] = name
                if date:
                    meta["date"] = date
                if name or date:
                    continue
            remaining.append(line)
        if remaining:
            kept.append(remaining)
    blocks: list[Block] = []
    # The whole article, normalised once and only if a table needs it, tells which word pairs
    # belong together when a table's cell boundaries are lost.
    context = functools.cache(lambda: DocumentPhrases("\n".join("\n".join(g) for g in kept)))
    for group in kept:
        blocks.extend(_classify(group, context))
    return ParsedText(blocks=blocks, meta=meta)


def is_bulleted(line: str) -> bool:
    return _BULLET_RE.match(line) is not None
