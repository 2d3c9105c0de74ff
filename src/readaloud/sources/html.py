"""HTML: trafilatura finds the main content and metadata; markdownify + markdown-it give blocks.

FAQ content that extractors tend to drop (schema.org FAQPage JSON-LD, <details>/<summary>
accordions) is read from the page itself.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from markdownify import markdownify

from readaloud.document import QA, Block
from readaloud.sources.extract import extract_body
from readaloud.sources.faq_html import details_faq, jsonld_faq
from readaloud.sources.headings import LESS_THAN, plain_heading_anchors, tidy_body
from readaloud.sources.markdown import blocks_from_tree, parse_tree
from readaloud.sources.math_html import plain_math
from readaloud.sources.table_cut import cut_html_tables

logger = logging.getLogger(__name__)

_SUP_MARKER_RE = re.compile(r"<sup[^>]*>\s*\[?\s*(?:\d{1,3}|[a-z]|note \d+)\s*\]?\s*</sup>", re.I)


@dataclass
class ParsedHtml:
    """Blocks, metadata and out-of-body FAQ items from one HTML page."""

    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    faq: list[QA] = field(default_factory=list)


def _tree(text: str) -> Any:
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _page_meta(tree: Any) -> dict[str, str]:
    """Metadata trafilatura may miss: the lang attribute, og:site_name, canonical link."""
    meta: dict[str, str] = {}
    if tree is None:
        return meta
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        found = tree.xpath(
            "//meta[@http-equiv='content-language']/@content|//meta[@property='og:locale']/@content"
        )
        lang = found[0] if found else None
    if lang:
        meta["language"] = lang.strip().replace("_", "-")
    for name, xpath in (
        ("site_name", "//meta[@property='og:site_name']/@content"),
        ("url", "//link[@rel='canonical']/@href"),
        ("title", "//meta[@property='og:title']/@content"),
    ):
        found = tree.xpath(xpath)
        if found and str(found[0]).strip():
            meta[name] = str(found[0]).strip()
    return meta


def mark_questions(tree: Any) -> bool:
    """Turn accordion question toggles (<button>Question?</button>, class "...question...") into
    headings one level below the current section, so the extractor keeps them; True if any."""
    if tree is None:
        return False
    found: list[tuple[Any, str, int]] = []
    level = 1
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            # A question heading made of a link (accordion toggle) looks like navigation to the
            # extractor; plain text keeps it.
            if element.find(".//a") is None:
                continue
        classes = (element.get("class") or "").lower()
        if (
            tag not in ("button", "summary", "dt")
            and "question" not in classes
            and not re.fullmatch(r"h[1-6]", tag)
        ):
            continue
        if element.xpath(".//p|.//div|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//ul|.//table"):
            continue
        text = " ".join(element.text_content().split())
        if text.endswith("?") and len(text.split()) <= 40:
            found.append((element, text, level))
    # Changed after the walk: editing the tree while iterating it ends the iteration.
    for element, text, section_level in found:
        for child in list(element):
            element.remove(child)
        element.text = text
        if not re.fullmatch(r"h[1-6]", element.tag):
            element.tag = f"h{min(6, section_level + 1)}"
        element.attrib.clear()
    return bool(found)


def _traf_meta(text: str, url: str | None) -> dict[str, str]:
    import trafilatura  # imported when a page is read: 0.1 s of every start-up otherwise

    try:
        doc = trafilatura.extract_metadata(text, default_url=url)
    except Exception:  # metadata is best effort; trafilatura raises many types on odd pages
        logger.debug("trafilatura metadata failed", exc_info=True)
        return {}
    if doc is None:
        return {}
    meta = {
        "title": doc.title,
        "author": doc.author,
        "date": doc.date,
        "description": doc.description,
        "image": doc.image,
        "site_name": doc.sitename,
        "url": doc.url,
        "language": getattr(doc, "language", None),
    }
    return {k: str(v).strip() for k, v in meta.items() if v and str(v).strip()}


def clean_title(title: str, site_name: str | None) -> str:
    """Strip a trailing " - Site Name" or " | Site Name" from a page title."""
    if not site_name:
        return title
    for sep in (" - ", " | ", " – ", " — ", " :: ", " · "):
        head, _, tail = title.rpartition(sep)
        if head and tail.strip().casefold() == site_name.strip().casefold():
            return head.strip()
    return title


def page_body(text: str, url: str | None, tree: Any, *, recover: bool = True) -> str | None:
    """The article part of the page as HTML, with accordion questions, self-linked headings and
    formulas made plain first so the extractor keeps them (see sources/extract.py)."""
    page = text
    if mark_questions(tree) | plain_heading_anchors(tree) | plain_math(tree):
        page = lxml_html.tostring(tree, encoding="unicode")
    return extract_body(page, url, tree, recover=recover)


def body_blocks(body: str | None) -> list[Block]:
    """Blocks of extracted HTML, through Markdown."""
    if not body:
        return []
    markdown = markdownify(
        _SUP_MARKER_RE.sub("", tidy_body(body)),
        heading_style="ATX",
        bullets="-",
        strip=["a"],
        escape_misc=False,
    ).replace(LESS_THAN, "&lt;")
    return blocks_from_tree(parse_tree(markdown))


def parse_html(text: str, url: str | None = None, keep_rows: int | None = None) -> ParsedHtml:
    """Extract the main content of an HTML page into blocks, with metadata and FAQ items.

    `keep_rows`: body rows kept per table (the rest are only counted), None for all."""
    tree = _tree(text)
    faq = jsonld_faq(tree) + details_faq(tree)
    page = text
    if keep_rows is not None and cut_html_tables(tree, keep_rows):
        page = lxml_html.tostring(tree, encoding="unicode")
    blocks = body_blocks(page_body(page, url, tree))
    meta = _page_meta(tree)
    for name, value in _traf_meta(page, url).items():
        if name != "language" or "language" not in meta:
            meta[name] = value
    if "title" in meta:
        meta["title"] = clean_title(meta["title"], meta.get("site_name"))
    return ParsedHtml(blocks=blocks, meta=meta, faq=faq)
