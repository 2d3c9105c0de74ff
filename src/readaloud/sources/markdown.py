"""Markdown (and the Markdown made from HTML) into document blocks, plus front matter metadata."""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from readaloud.document import (
    FAQ,
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
from readaloud.sources.faq_html import details_faq, html_to_text
from readaloud.sources.table_cut import cut_markdown_tables, take_omitted

logger = logging.getLogger(__name__)

_FRONT_MATTER_RE = re.compile(
    r"\A\ufeff?(?:(?P<yaml>---)[ \t]*\n(?P<ybody>.*?)\n---"
    r"|(?P<toml>\+\+\+)[ \t]*\n(?P<tbody>.*?)\n\+\+\+)"
    r"[ \t]*(?:\n|\Z)",
    re.S,
)
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]", re.I)
_GITHUB_ALERT_RE = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)
_DATE_IN_PATH_RE = re.compile(r"\b((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)\b")

# Front matter keys that carry each metadata field, in order of preference.
META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "author": ("author", "authors", "byline", "creator", "by"),
    "date": ("date", "published", "pubdate", "publish_date", "published_at", "created"),
    "description": ("description", "summary", "excerpt", "subtitle", "abstract"),
    "image": ("image", "cover", "cover_image", "thumbnail", "featured_image"),
    "language": ("lang", "language", "locale"),
    "site_name": ("site_name", "site", "publication", "publisher"),
    "url": ("canonical_url", "canonical", "url", "permalink", "link"),
}


@dataclass
class ParsedMarkdown:
    """Blocks and metadata found in a Markdown document."""

    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .enable("strikethrough")
        .use(footnote_plugin)
    )


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader without aliases: `*name` could expand into a "billion laughs" that takes
    minutes and gigabytes to walk. Front matter has no need for them."""

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


MAX_NESTING = 50
"""Deeper emphasis, links or blocks are flattened: the tree and its readers recurse per level."""


def _flatten(tokens: list[Token]) -> list[Token]:
    """Drop open/close tokens nested deeper than MAX_NESTING, keeping their content."""
    depth, kept = 0, []
    for token in tokens:
        depth += token.nesting == 1
        deep = depth > MAX_NESTING
        depth -= token.nesting == -1
        if deep and token.nesting:
            continue
        if token.children:
            token.children = _flatten(token.children)
        kept.append(token)
    return kept


def parse_tree(text: str) -> SyntaxTreeNode:
    """Markdown into markdown-it's syntax tree, nesting bounded (10,000 nested `*` flattened)."""
    return SyntaxTreeNode(_flatten(_parser().parse(text)))


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Separate YAML (---) or TOML (+++) front matter from the body; bad front matter is kept."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        if match.group("yaml"):
            data = yaml.load(match.group("ybody"), Loader=_FrontMatterLoader) or {}
        else:
            data = tomllib.loads(match.group("tbody"))
    except RecursionError:
        logger.warning("ignoring front matter nested too deeply to read")
        return {}, text[match.end() :]
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        logger.warning("ignoring unreadable front matter: %s", first_line)
        return {}, text[match.end() :]
    if not isinstance(data, dict):
        return {}, text[match.end() :]
    return data, text[match.end() :]


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        parts = [p for p in (_scalar(v) for v in value) if p]
        return ", ".join(parts) or None
    if isinstance(value, dict):
        return _scalar(value.get("name") or value.get("title") or value.get("url"))
    text = str(value).strip()
    return text or None


def front_matter_meta(data: dict[str, Any]) -> dict[str, str]:
    """Map front matter keys to Article metadata fields."""
    lowered = {str(k).lower(): v for k, v in data.items()}
    meta: dict[str, str] = {}
    for name, keys in META_KEYS.items():
        for key in keys:
            value = _scalar(lowered.get(key))
            if value:
                meta[name] = value
                break
    if "date" in meta:
        found = re.match(r"\d{4}-\d\d-\d\d", meta["date"])
        meta["date"] = found.group(0) if found else meta["date"]
    else:
        # Blog front matter often has the date only in the path: "2024/05/06/check-cfg".
        for key in ("path", "slug", "aliases", "permalink", "url"):
            found = _DATE_IN_PATH_RE.search(str(lowered.get(key, "")))
            if found:
                meta["date"] = "-".join(found.groups())
                break
    return meta


def domain_of(url: str) -> str:
    """The host of `url` without "www.", how a bare link is best read."""
    host = urlsplit(url if "://" in url else "http://" + url).hostname or url
    return host.removeprefix("www.")


def replace_bare_urls(text: str) -> str:
    """Replace raw URLs in running text by their domain."""
    return _URL_RE.sub(lambda m: domain_of(m.group(0)), text)


def inline_text(node: SyntaxTreeNode) -> str:
    """Flatten inline Markdown: link text only, code as text, no images or footnote marks."""
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "link":
            label = inline_text(child)
            href = str(child.attrs.get("href", ""))
            if not label.strip() or _URL_RE.fullmatch(label.strip()):
                label = domain_of(href or label.strip()) if (href or label.strip()) else ""
            parts.append(label)
        elif kind == "html_inline":
            if re.match(r"<br\b", child.content, re.I):
                parts.append(" ")
        elif kind in ("image", "footnote_ref"):
            continue
        elif child.children:
            parts.append(inline_text(child))
    return replace_bare_urls("".join(parts))


def _strong_label(inline: SyntaxTreeNode) -> tuple[str, int] | None:
    """A leading bold run-in label ("**Label:** text" or "**Label**: text"): (label, skip)."""
    kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
    if len(kids) < 2 or kids[0].type != "strong":
        return None
    label = inline_text(kids[0]).strip()
    if label.endswith(":"):
        return label[:-1].strip(), 1
    nxt = kids[1]
    if nxt.type == "text" and nxt.content.lstrip().startswith(":"):
        return label, 1
    return None


def _paragraph(node: SyntaxTreeNode) -> Block | None:
    inline = node.children[0] if node.children else None
    if inline is None:
        return None
    meaningful = [
        c for c in inline.children if c.type not in ("softbreak", "hardbreak") and c.content.strip()
    ]
    images = [c for c in inline.children if c.type == "image"]
    if images and all(c.type == "image" for c in meaningful):
        first = images[0]
        return Figure(alt=inline_text(first).strip(), src=str(first.attrs.get("src") or "") or None)
    if (
        len(meaningful) == 1
        and meaningful[0].type == "link"
        and any(c.type == "image" for c in meaningful[0].children)
    ):
        first = next(c for c in meaningful[0].children if c.type == "image")
        return Figure(alt=inline_text(first).strip(), src=str(first.attrs.get("src") or "") or None)
    text = inline_text(inline).strip()
    labelled = _strong_label(inline)
    if labelled:
        label, _ = labelled
        rest = (
            text[len(label) :].lstrip().removeprefix(":").strip() if text.startswith(label) else ""
        )
        if label and rest and len(label.split()) <= 8:
            return Paragraph(text=rest, label=label)
    return Paragraph(text=text) if text else None


def _list(node: SyntaxTreeNode) -> ListBlock:
    items: list[str] = []

    def walk(lst: SyntaxTreeNode) -> None:
        for item in lst.children:
            texts: list[str] = []
            nested: list[SyntaxTreeNode] = []
            for part in item.children:
                if part.type in ("bullet_list", "ordered_list"):
                    nested.append(part)
                elif part.type == "paragraph" and part.children:
                    texts.append(inline_text(part.children[0]))
                elif part.type in ("fence", "code_block"):
                    texts.append(part.content.strip())
                else:
                    texts.append(_all_text(part))
            text = " ".join(t.strip() for t in texts if t.strip())
            if text:
                items.append(text)
            for sub in nested:
                walk(sub)

    walk(node)
    ordered = node.type == "ordered_list"
    start = int(str(node.attrs.get("start", 1)) or 1) if ordered else 1
    return ListBlock(items=items, ordered=ordered, start=start)


def _all_text(node: SyntaxTreeNode) -> str:
    if node.type == "inline":
        return inline_text(node)
    if node.type in ("fence", "code_block"):
        return node.content.strip()
    if node.type == "html_block":
        return html_to_text(node.content)
    return " ".join(t for t in (_all_text(c) for c in node.children) if t.strip())


def _quote(node: SyntaxTreeNode) -> Block | None:
    paragraphs = [_all_text(c) for c in node.children]
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    if not paragraphs:
        return None
    alert = _GITHUB_ALERT_RE.match(paragraphs[0])
    if alert:
        paragraphs[0] = paragraphs[0][alert.end() :]
        text = " ".join(p for p in paragraphs if p)
        return Callout(label=alert.group(1).capitalize(), text=text) if text else None
    attribution = None
    last = paragraphs[-1]
    found = re.match(r"^(?:[-\u2013\u2014]{1,2}|~)\s*(.{1,80})$", last)
    if found and len(paragraphs) > 1:
        attribution = found.group(1).strip()
        paragraphs = paragraphs[:-1]
    else:
        found = re.search(r"\s(?:[-\u2013\u2014]{1,2})\s*([A-Z][^.!?]{1,60})$", last)
        if found:
            attribution = found.group(1).strip()
            paragraphs[-1] = last[: found.start()].strip()
    return Quote(text=" ".join(paragraphs), attribution=attribution)


def _table(node: SyntaxTreeNode) -> Table | None:
    rows: list[list[str]] = []
    header: list[str] = []
    for section in node.children:
        for tr in section.children:
            cells = [
                inline_text(cell.children[0]).strip() if cell.children else ""
                for cell in tr.children
            ]
            if section.type == "thead":
                header = cells
            else:
                rows.append(cells)
    if not header and rows:
        header, rows = rows[0], rows[1:]
    if not any(header) and rows:
        # An empty header row (common in HTML tables without <th>): promote the first row.
        header, rows = rows[0], rows[1:]
    if not any(header) and not rows:
        return None
    return take_omitted(Table(header=header, rows=rows))


def _html_block(fragment: str) -> Block | None:
    """Raw HTML inside Markdown: <details> accordions as FAQ, anything else as its text."""
    if "<details" in fragment.lower():
        try:
            tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
        except Exception:  # lxml raises several types on junk; fall back to the text
            tree = None
        items = details_faq(tree)
        if items:
            return FAQ(items=items)
    text = html_to_text(fragment)
    return Paragraph(text=text) if text else None


def blocks_from_tree(root: SyntaxTreeNode) -> list[Block]:
    """Document blocks for the block-level nodes of a parsed Markdown tree."""
    blocks: list[Block] = []
    notes: list[str] = []
    for node in root.children:
        kind = node.type
        block: Block | None = None
        if kind == "heading":
            text = inline_text(node.children[0]).strip() if node.children else ""
            block = Heading(text=text, level=int(node.tag[1])) if text else None
        elif kind == "paragraph":
            block = _paragraph(node)
        elif kind in ("bullet_list", "ordered_list"):
            lst = _list(node)
            block = lst if lst.items else None
        elif kind == "blockquote":
            block = _quote(node)
        elif kind in ("fence", "code_block"):
            info = (node.info or "").strip().split()
            text = node.content.rstrip("\n")
            block = Code(text=text, language=info[0] if info else None) if text.strip() else None
        elif kind == "table":
            block = _table(node)
        elif kind == "html_block":
            block = _html_block(node.content)
        elif kind == "footnote_block":
            notes.extend(t for t in (_all_text(c).strip() for c in node.children) if t)
        if block is not None:
            blocks.append(block)
    if notes:
        blocks.append(Heading(text="Footnotes", level=2))
        blocks.append(ListBlock(items=notes, ordered=True))
    return blocks


def parse_markdown(text: str, keep_rows: int | None = None) -> ParsedMarkdown:
    """Parse Markdown into blocks; front matter becomes metadata.

    `keep_rows`: body rows kept per table (the rest are only counted), None for all."""
    data, body = split_front_matter(text)
    if keep_rows is not None:
        body = cut_markdown_tables(body, keep_rows)
    tree = parse_tree(body)
    return ParsedMarkdown(blocks=blocks_from_tree(tree), meta=front_matter_meta(data))
