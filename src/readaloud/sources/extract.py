"""The main content of an HTML page: trafilatura in three settings, then a whole-page fallback.

Measured with benchmarks/extraction_f1.py and benchmarks/structure.py:
- precision mode reads best (it drops related-link lists and comment sections) and is used
  unless it clearly found a fragment: below FRAGMENT_RATIO of the words the balanced mode finds
  (a review's summary box instead of the review);
- a result still under SHORT_WORDS words is checked against an extraction that does not prune
  comment-like containers (a post whose body sits in a "comment"-named element);
- a page the extractor rejects outright (a bare fragment, `<div>...</div>`) is read whole,
  without scripts, styles, forms and navigation.
The headings the extractor dropped are then put back (sources/headings.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from readaloud.sources.headings import recover_headings
from readaloud.sources.sections import recover_sections

logger = logging.getLogger(__name__)

EXTRACT_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": True,
    "include_formatting": True,
    "include_links": False,
    "deduplicate": False,
}
BALANCED = {**EXTRACT_OPTIONS, "favor_precision": False}
UNPRUNED = {**BALANCED, "include_comments": True}
FRAGMENT_RATIO = 0.5
SHORT_WORDS = 200
_TAG_RE = re.compile(r"<[^>]*>")
_CHROME = "//nav|//header|//footer|//aside|//*[@role='navigation' or @role='banner']"


def extract_body(page: str, url: str | None, tree: Any, *, recover: bool = True) -> str | None:
    """The article part of `page` as HTML (None when the page has no text); `tree` is the parsed
    page, used for the fallback and, with `recover`, to put back lost headings."""
    body = _extract(page, url, EXTRACT_OPTIONS)
    fuller = _extract(page, url, BALANCED)
    if _words(fuller) * FRAGMENT_RATIO > _words(body):
        body = fuller
    if _words(body) < SHORT_WORDS:
        unpruned = _extract(page, url, UNPRUNED)
        if _words(unpruned) * FRAGMENT_RATIO > _words(body):
            body = unpruned
    if not body:
        body = whole_page(tree)
    if not recover or not body:
        return body
    return recover_sections(tree, recover_headings(tree, body))


def _extract(page: str, url: str | None, options: dict[str, Any]) -> str | None:
    try:
        return trafilatura.extract(page, url=url, output_format="html", **options)
    except Exception:  # trafilatura fails in many ways on broken markup; then there is no body
        logger.debug("trafilatura extraction failed", exc_info=True)
        return None


def _words(markup: str | None) -> int:
    return len(_TAG_RE.sub(" ", markup or "").split())


def whole_page(tree: Any) -> str | None:
    """The page's body without scripts, styles, forms and navigation, or None if no text."""
    if tree is None:
        return None
    try:
        copy = lxml_html.document_fromstring(lxml_html.tostring(tree, encoding="unicode"))
        for chrome in copy.xpath(_CHROME):
            chrome.drop_tree()
        cleaned = Cleaner(scripts=True, javascript=True, style=True, forms=True, frames=True)
        copy = cleaned.clean_html(copy)
    except (etree.ParserError, ValueError):
        return None
    body = copy.find(".//body")
    node = body if body is not None else copy
    if not node.text_content().strip():
        return None
    return lxml_html.tostring(node, encoding="unicode")
