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

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

from readaloud.sources.clean import key
from readaloud.sources.headings import HEADINGS, common_ancestor, recover_headings
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
MIN_CONTENTS = 2  # links to headings that make a table of contents
MAX_CONTENTS = 200  # headings looked for in the extract
LONG_TEXT = 8  # words of an extract's text that show it came from the region
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
    body = contents_region(tree, body) or body
    if not recover or not body:
        return body
    return recover_sections(tree, recover_headings(tree, body))


def _extract(page: str, url: str | None, options: dict[str, Any]) -> str | None:
    import trafilatura  # imported when a page is read: 0.1 s of every start-up otherwise

    try:
        return trafilatura.extract(page, url=url, output_format="html", **options)
    except Exception:  # trafilatura fails in many ways on broken markup; then there is no body
        logger.debug("trafilatura extraction failed", exc_info=True)
        return None


def _words(markup: str | None) -> int:
    return len(_TAG_RE.sub(" ", markup or "").split())


def contents_region(tree: Any, body: str | None) -> str | None:
    """The part of the page that the page's own table of contents points to, when the extract
    holds none of its sections (the extractor took a disclaimer or a sidebar for the article),
    else None.

    A table of contents is MIN_CONTENTS links or more to headings of the page, each link
    named like its heading; the region is the smallest element holding those headings."""
    if tree is None:
        return None
    sections = _linked_headings(tree)
    if len(sections) < MIN_CONTENTS:
        return None
    kept = f" {key(_TAG_RE.sub(' ', body or ''))} "
    if any(f" {key(h.text_content())} " in kept for h in sections[:MAX_CONTENTS]):
        return None
    region = common_ancestor(sections)
    if region is None or region.tag in ("body", "html"):
        return None
    # The extract is part of the region (its headings were dropped, not its text): the
    # heading recovery puts them back.
    inside = f" {key(region.text_content())} "
    texts = (key(text) for text in _TAG_RE.split(body or ""))
    if any(f" {text} " in inside for text in texts if len(text.split()) >= LONG_TEXT):
        return None
    return whole_page(region)


def _linked_headings(tree: Any) -> list[Any]:
    """Headings that an in-page link elsewhere on the page points to by id, named alike."""
    names: dict[str, str] = {}
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#") and len(href) > 1 and not _in_heading(link):
            names.setdefault(href[1:], key(link.text_content()))
    found = []
    for heading in tree.iter(*HEADINGS):
        name = names.get(heading.get("id") or "")
        if name and name == key(heading.text_content()):
            found.append(heading)
    return found


def _in_heading(link: Any) -> bool:
    """A link inside a heading or wrapped around one (a permalink, not a contents entry)."""
    if any(a.tag in HEADINGS for a in link.iterancestors()):
        return True
    return next(link.iter(*HEADINGS), None) is not None


def whole_page(tree: Any) -> str | None:
    """The page's body (or the element `tree`) without scripts, styles, forms and navigation,
    or None if no text."""
    if tree is None:
        return None
    try:
        markup = lxml_html.tostring(tree, encoding="unicode", with_tail=False)
        copy = lxml_html.document_fromstring(markup)
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
