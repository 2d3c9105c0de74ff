"""The cleaned article as Markdown (`readaloud script --format markdown`)."""

from __future__ import annotations

import re

from readaloud.document import (
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
)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(table: Table) -> str:
    width = max([1, len(table.header), *(len(r) for r in table.rows)])
    header = [*table.header, *[""] * (width - len(table.header))]
    lines = []
    if table.caption:
        lines.append(f"*{table.caption}*\n")
    lines.append("| " + " | ".join(_cell(c) for c in header) + " |")
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    for row in table.rows:
        cells = [*row, *[""] * (width - len(row))]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _label(label: str) -> str:
    """A run-in label with its punctuation: "Pro Tip:", "Did You Know?"."""
    return label if label.endswith(("?", ":", "!")) else label + ":"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


_TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?])")


def _escape_tags(text: str) -> str:
    """ "the <img> element" stays text: Markdown would take "<img>" for HTML and drop it."""
    return _TAG_START_RE.sub(r"\\<", text)


def render_block(block: Block, level_offset: int = 0, section_level: int = 1) -> str:
    """One block as Markdown (text that looks like an HTML tag escaped; code as written)."""
    if isinstance(block, Code):
        fence = "````" if "```" in block.text else "```"
        return f"{fence}{block.language or ''}\n{block.text}\n{fence}"
    return _escape_tags(_render_text_block(block, level_offset, section_level))


def _render_text_block(block: Block, level_offset: int, section_level: int) -> str:
    if isinstance(block, Heading):
        return "#" * min(6, block.level + level_offset) + " " + block.text
    if isinstance(block, Paragraph):
        return f"**{_label(block.label)}** {block.text}" if block.label else block.text
    if isinstance(block, ListBlock):
        if block.ordered:
            return "\n".join(f"{block.start + i}. {item}" for i, item in enumerate(block.items))
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, FAQ):
        parts = []
        question_level = min(6, section_level + 1)
        if block.title:
            parts.append("#" * question_level + " " + block.title)
            question_level = min(6, question_level + 1)
        for item in block.items:
            parts.append("#" * question_level + " " + item.question)
            parts.append(item.answer)
        return "\n\n".join(parts)
    if isinstance(block, Quote):
        text = _quote(block.text)
        return f"{text}\n>\n> -- {block.attribution}" if block.attribution else text
    if isinstance(block, Callout):
        return _quote(f"**{_label(block.label)}** {block.text}")
    if isinstance(block, Figure):
        text = " ".join(t for t in (block.alt, block.caption) if t)
        return f"*{text}*" if text else ""
    raise TypeError(f"unknown block {type(block).__name__}")


def article_to_markdown(article: Article) -> str:
    """The cleaned article as Markdown: the title as "#", then its blocks (metadata is not body)."""
    # Article headings start at level 2 under the title; shift them when the body uses h1.
    offset = 1 if any(isinstance(b, Heading) and b.level == 1 for b in article.blocks) else 0
    parts: list[str] = []
    if article.title:
        parts.append(f"# {article.title}")
    section_level = 1
    for block in article.blocks:
        if isinstance(block, Heading):
            section_level = min(6, block.level + offset)
        text = render_block(block, offset, section_level)
        if text:
            parts.append(text)
    return "\n\n".join(parts) + "\n"
