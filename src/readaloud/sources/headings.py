"""Section headings the extractor loses, recovered from the page itself.

The extractor (trafilatura, in precision mode) drops headings it takes for navigation: headings
made of a permalink to themselves (`<h2><a class="toclink" href="#x">Title</a></h2>`), headings
in a block of their own, headings inside card lists. Three repairs, each bounded and general:

- `plain_heading_anchors` (before extraction): a heading's link to itself is unwrapped and a
  permalink symbol ("¶", "#", an icon) removed, so the heading reads as plain text.
- `recover_headings` (after extraction): a heading of the page that the extract lacks is put
  back when the text that follows it on the page was kept, right before that text. A heading
  whose section was not kept (a newsletter box, "Related articles", a site menu) stays out.
- `tidy_body` (before HTML -> Markdown): an h1 in the body is a section heading (h2), and a
  list or table whose items hold headings is a page layout (cards, a one-cell table), not a
  list or data table: its items become plain blocks.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from .clean import key

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Elements that hold a block of text; a "unit" is one that holds no other block.
BLOCKS = frozenset(
    (
        *HEADINGS,
        *("p", "li", "dd", "dt", "td", "th", "blockquote", "pre", "figcaption", "caption"),
        *("div", "section", "article", "aside", "header", "footer", "main", "nav", "form"),
        *("table", "tr", "ul", "ol", "dl", "figure", "details", "summary", "address", "center"),
    )
)
SKIPPED = frozenset(("script", "style", "noscript", "template", "svg", "math", "head", "select"))
SELF_LINK_CLASSES = ("anchor", "headerlink", "toclink", "permalink", "heading-link", "hash-link")
# Containers a recovered heading is placed in front of, rather than inside.
CONTAINERS = frozenset(
    ("ul", "ol", "li", "dl", "dd", "dt", "table", "tbody", "thead", "tfoot", "tr", "td", "th")
)
LESS_THAN = "\ue001"  # a private-use stand-in for a literal "<" (not table_cut.OMITTED's \ue000)
# Class or id words of boxes whose headings are not the article's (split on "-", "_", spaces).
FURNITURE_WORDS = frozenset(
    (
        *("related", "recommended", "recommendations", "promo", "promotion", "teaser", "teasers"),
        *("share", "sharing", "social", "comments", "comment"),
        *("menu", "nav", "navigation", "sponsored", "sponsor", "subscribe", "signup", "popular"),
        *("trending", "outbrain", "taboola", "advert", "advertisement", "ad", "ads", "footer"),
        *("gallery", "slideshow", "carousel", "slider", "lightbox", "tooltip", "popover"),
    )
)
BOX_DEPTH = 4  # ancestors of a heading whose class or id can make it furniture
MAX_HEADING_WORDS = 25
MAX_UNITS = 40  # units looked at after a heading before giving up
MAX_SKIPPED_WORDS = 8  # words of unkept text allowed between a heading and its kept section
SIGNATURE_WORDS = 8
LONG_WORDS = 5  # units this long are matched first (see _align)


def _signature(text_key: str) -> str:
    return " ".join(text_key.split()[:SIGNATURE_WORDS])


def plain_heading_anchors(tree: Any) -> bool:
    """Unwrap each heading's link to itself and drop permalink symbols; True if any changed."""
    if tree is None:
        return False
    found = []
    for heading in tree.iter(*HEADINGS):
        for link in heading.iter("a"):
            href = (link.get("href") or "").strip()
            classes = (link.get("class") or "").lower()
            if href.startswith("#") or any(c in classes for c in SELF_LINK_CLASSES):
                found.append(link)
    # Changed after the walk: editing the tree while iterating it ends the iteration.
    for link in found:
        if re.search(r"\w", link.text_content()):
            link.drop_tag()
        else:
            link.drop_tree()
    return bool(found)


def _units(root: Any) -> list[tuple[Any, str, int]]:
    """(element, key, heading level or 0) for each heading and innermost text block, in order."""
    skipped: set[Any] = set()
    inner: set[Any] = set()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        parent = element.getparent()
        if tag in SKIPPED or not tag or parent in skipped:
            skipped.add(element)
        elif tag in BLOCKS:
            ancestor = parent
            while ancestor is not None and ancestor not in inner:
                inner.add(ancestor)
                ancestor = ancestor.getparent()
            if tag in HEADINGS:
                skipped.add(element)  # its parts are not units of their own
    units = []
    for element in root.iter(*BLOCKS):
        if element in skipped and element.tag not in HEADINGS:
            continue
        if element.tag in HEADINGS and element.getparent() in skipped:
            continue
        if element.tag not in HEADINGS and element in inner:
            continue
        text_key = key(element.text_content())
        if text_key:
            level = int(element.tag[1]) if element.tag in HEADINGS else 0
            units.append((element, text_key, level))
    return units


def _place(anchor: Any) -> Any:
    """The element a heading goes in front of: `anchor`, or the list/table holding it."""
    while anchor.getparent() is not None and anchor.getparent().tag in CONTAINERS:
        anchor = anchor.getparent()
    if anchor.tag in CONTAINERS - {"ul", "ol", "dl", "table"}:
        anchor = anchor.getparent() if anchor.getparent() is not None else anchor
    return anchor


def _furniture(heading: Any) -> bool:
    """True for a heading that is page furniture: a link to another page (a teaser) or inside
    a furniture box (see _in_furniture_box)."""
    links = heading.findall(".//a")
    if links and key(heading.text_content()) == key(" ".join(a.text_content() for a in links)):
        return True
    return _in_furniture_box(heading)


def _in_furniture_box(heading: Any) -> bool:
    """True inside navigation, inside a link to another page (a card that links elsewhere as a
    whole), or in a box whose class or id names related links, promotions, sharing, photo galleries, tooltips
    and such."""
    for depth, ancestor in enumerate(heading.iterancestors()):
        if ancestor.tag in ("body", "html"):
            break
        if ancestor.tag == "nav" or ancestor.get("role") == "navigation":
            return True
        if ancestor.tag == "a" and not (ancestor.get("href") or "#").startswith("#"):
            return True
        # Only the boxes close around the heading: page-wide wrappers carry feature flags
        # ("ads-on", "share-enabled") and menu drawers that hold the whole page.
        names = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".lower()
        if depth < BOX_DEPTH and FURNITURE_WORDS.intersection(re.split(r"[^a-z0-9]+", names)):
            return True
    return False


def _align(page: list, kept: list) -> list[int | None]:
    """For each page unit, the index of the extracted unit with the same text, or None.

    Matched forward in reading order (a repeated sentence pairs with its next occurrence):
    first the units of LONG_WORDS words or more, then the short ones (headings, menu items)
    only between the long matches around them, so "Add-ons" in a menu cannot pair with the
    "Add-ons" heading halfway down the article and push everything before it out of reach.
    """
    positions: dict[str, list[int]] = {}
    for index, (_, text_key, _) in enumerate(kept):
        positions.setdefault(_signature(text_key), []).append(index)
    aligned: list[int | None] = [None] * len(page)

    def match(index: int, lower: int, upper: int) -> int | None:
        found = positions.get(_signature(page[index][1]), [])
        at = bisect.bisect_left(found, lower)
        if at < len(found) and found[at] < upper:
            aligned[index] = found[at]
            return found[at] + 1
        return None

    cursor = 0
    for index, (_, text_key, _) in enumerate(page):
        if len(text_key.split()) >= LONG_WORDS:
            cursor = match(index, cursor, len(kept)) or cursor
    uppers = [len(kept)] * (len(page) + 1)
    for index in range(len(page) - 1, -1, -1):
        uppers[index] = aligned[index] if aligned[index] is not None else uppers[index + 1]
    lower = 0
    for index in range(len(page)):
        if aligned[index] is not None:
            lower = aligned[index] + 1
        else:
            lower = match(index, lower, uppers[index + 1]) or lower
    return aligned


def aligned_units(tree: Any, body: str) -> tuple[Any, list, list, list] | None:
    """The parsed extract, its units, the page's units and their alignment (see _align), or
    None when there is no page or no extract."""
    if tree is None or not body:
        return None
    try:
        extract = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    kept = _units(extract)
    page = _units(tree)
    return extract, kept, page, _align(page, kept)


def common_ancestor(elements: list[Any]) -> Any:
    """The nearest element holding all `elements` (None if they share none)."""
    if not elements:
        return None
    common = set(elements[0].iterancestors())
    for element in elements[1:]:
        common.intersection_update(element.iterancestors())
    # The nearest is the one with the most ancestors of its own.
    return max(common, key=lambda e: sum(1 for _ in e.iterancestors()), default=None)


def recover_headings(tree: Any, body: str) -> str:
    """`body` (extracted HTML) with the page headings it lost put back; see the module doc."""
    found = aligned_units(tree, body)
    if found is None:
        return body
    extract, kept, page, aligned = found
    kept_headings = {text_key for _, text_key, level in kept if level}
    changed = False
    for index, (element, text_key, level) in enumerate(page):
        same = aligned[index]
        if level and same is not None and kept[same][2] and _in_furniture_box(element):
            kept[same][0].tag = "p"  # a gallery legend or related-box title the extractor kept
            kept_headings.discard(text_key)
            changed = True
            continue
        if not level or text_key in kept_headings or len(text_key.split()) > MAX_HEADING_WORDS:
            continue
        if _furniture(element):
            continue
        if same is not None and kept[same][0].tag in ("p", "div") and kept[same][1] == text_key:
            kept[same][0].tag = f"h{level}"  # the extractor kept the heading as a paragraph
            kept[same][0].attrib.clear()
            kept_headings.add(text_key)
            changed = True
            continue
        anchor = _kept_section(page, aligned, index, kept)
        if anchor is None:
            continue
        kept_headings.add(text_key)
        heading = lxml_html.Element(f"h{level}")
        heading.text = " ".join(element.text_content().split())
        anchor.addprevious(heading)
        changed = True
    if not changed:
        return body
    return lxml_html.tostring(extract, encoding="unicode")


def _kept_section(page: list, aligned: list, index: int, kept: list) -> Any:
    """The extracted element where the section after heading `index` starts, or None when the
    text after the heading was not kept."""
    unkept_words = 0
    for after in range(index + 1, min(len(page), index + 1 + MAX_UNITS)):
        if aligned[after] is not None:
            element, _, kept_level = kept[aligned[after]]
            return element if kept_level else _place(element)
        if page[after][2]:
            if page[after][2] <= page[index][2]:
                return None  # the next section began: this one kept nothing
            continue  # a sub-heading that was lost as well: its text decides
        unkept_words += len(page[after][1].split())
        if unkept_words > MAX_SKIPPED_WORDS:
            return None
    return None


def tidy_body(body: str) -> str:
    """Extracted HTML ready for Markdown: an h1 in the body becomes an h2 (the title is the one
    h1, as Readability and defuddle have it); a list or table whose items hold headings is a
    page layout whose items become plain blocks (see the module doc); a literal "<" in the text
    ("the <img> element") becomes LESS_THAN, so Markdown does not take it for a tag and drop it
    (the caller turns it back into "&lt;" in the Markdown)."""
    if not body or not re.search(r"<h[1-6]\b|&lt;", body, re.I):
        return body
    try:
        root = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return body
    layouts = {}
    for heading in root.iter(*HEADINGS):
        if heading.tag == "h1":
            heading.tag = "h2"
        for ancestor in heading.iterancestors("ul", "ol", "table"):
            layouts[id(ancestor)] = ancestor
    for container in layouts.values():
        for part in container.iter("li", "tr", "td", "th", "tbody", "thead", "tfoot", "caption"):
            part.tag = "div"
        container.tag = "div"
    code = {e for c in root.iter("pre", "code") for e in c.iter()}
    for element in root.iter():
        if element.text and "<" in element.text and element not in code:
            element.text = element.text.replace("<", LESS_THAN)
        if element.tail and "<" in element.tail and element.getparent() not in code:
            element.tail = element.tail.replace("<", LESS_THAN)
    return lxml_html.tostring(root, encoding="unicode")
