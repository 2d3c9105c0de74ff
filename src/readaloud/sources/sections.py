"""Whole sections the extractor dropped from inside the article, put back from the page.

An extractor judges a page block by block, and a section that looks like a block of links (an
"About" page's "Mac apps" list, a "Sources" list) or that follows a code sample it could not
place can be left out although it sits inside the article, between parts that were kept or
before the end of the element that holds them. `recover_sections` puts such a section back,
heading and content, where it stood. Only inside the article: the section must lie in the
smallest page element holding everything the extractor kept, after the first kept part, and
that element must be smaller than the page's body. Left out: sections whose heading is page
furniture (a link to another page, or inside navigation, related-links, sharing or promotion
boxes: see headings._furniture), sections with content in such boxes, and sections longer
than MAX_SECTION_WORDS (a lost section is a short one; a long one was left out on purpose).
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import html as lxml_html

from readaloud.sources.clean import key
from readaloud.sources.headings import (
    LONG_WORDS,
    _furniture,
    _in_furniture_box,
    _place,
    aligned_units,
    common_ancestor,
)

MAX_SECTION_UNITS = 40
MAX_SECTION_WORDS = 400
MAX_SECTIONS = 20
# Elements a section is never put inside (it goes after them).
INLINE_HOSTS = frozenset(
    ("p", "pre", "code", "blockquote", "figure", "ul", "ol", "li", "dl", "dd", "dt", "table")
) | frozenset(("tbody", "thead", "tfoot", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"))


def _container(page: list, aligned: list) -> Any:
    """The smallest page element holding every kept unit, or None when it is the whole page."""
    kept = [page[i][0] for i, same in enumerate(aligned) if same is not None]
    nearest = common_ancestor(kept)
    # One of a run of like boxes (the article's sections, each in its own element): the
    # article is the element that holds the run.
    while nearest is not None and nearest.getparent() is not None and _repeated(nearest):
        nearest = nearest.getparent()
    if nearest is None or nearest.tag in ("body", "html"):
        return None
    return nearest


def _repeated(element: Any) -> bool:
    """True when a sibling of `element` has its tag and class."""
    siblings = [*element.itersiblings(), *element.itersiblings(preceding=True)]
    return any(s.tag == element.tag and s.get("class") == element.get("class") for s in siblings)


def _shape(heading: Any, container: Any) -> tuple:
    """A heading's tag with the tags and classes of its ancestors up to `container`: the
    article's own sections share one shape."""
    shape = [heading.tag]
    for ancestor in heading.iterancestors():
        if ancestor is container:
            break
        shape.append(f"{ancestor.tag}.{' '.join(sorted((ancestor.get('class') or '').split()))}")
    return tuple(shape)


def _section_end(page: list, aligned: list, start: int, inside: set) -> int | None:
    """Index after the lost section that starts with heading `start`, or None when part of it
    was kept (the heading alone was lost: headings.recover_headings puts it back), or when it
    is too long."""
    level = page[start][2]
    words = 0
    for index in range(start + 1, min(len(page), start + 1 + MAX_SECTION_UNITS)):
        if aligned[index] is not None or (page[index][2] and page[index][2] <= level):
            return index if index > start + 1 else None
        if page[index][0] not in inside:  # the article ended
            return index if index > start + 1 else None
        words += len(page[index][1].split())
        if words > MAX_SECTION_WORDS:
            return None
    end = min(len(page), start + 1 + MAX_SECTION_UNITS)
    return end if end == len(page) and end > start + 1 else None


def _copies(page: list, start: int, end: int) -> list[Any] | None:
    """Copies of the page elements of units start..end-1 (lists and tables whole), or None
    when any of them is page furniture."""
    out: list[Any] = []
    seen: set[Any] = set()
    for element, _, level in page[start:end]:
        if _in_furniture_box(element) or (level and _furniture(element)):
            return None
        pre = [a for a in element.iterancestors("pre")]
        block = element if level else pre[-1] if pre else _place(element)
        if block in seen or any(block in set(b.iterancestors()) for b in seen):
            continue
        seen.add(block)
        clone = copy.deepcopy(block)
        clone.tail = None
        out.append(clone)
    return out


def recover_sections(tree: Any, body: str) -> str:
    """`body` (extracted HTML) with the sections it lost from inside the article put back."""
    found = aligned_units(tree, body)
    if found is None:
        return body
    extract, kept, page, aligned = found
    container = _container(page, aligned)
    if container is None:
        return body
    inside = set(container.iter())
    present = {text_key for _, text_key, _ in kept}
    kept_text = f" {key(extract.text_content())} "
    first = next(i for i, same in enumerate(aligned) if same is not None)
    shapes = {
        _shape(element, container)
        for (element, _, level), same in zip(page, aligned, strict=True)
        if level and same is not None and kept[same][2]
    }
    added = 0
    at_end: list[Any] = []
    index = first + 1
    while index < len(page) and added < MAX_SECTIONS:
        element, _, level = page[index]
        end = None
        if (
            level
            and aligned[index] is None
            and element in inside
            and _shape(element, container) in shapes
        ):
            end = _section_end(page, aligned, index, inside)
        if end is None:
            index += 1
            continue
        # Not found in order but present (the extractor moved it or split it otherwise): not lost.
        lost = all(
            page[i][0] in inside
            and page[i][1] not in present
            and (len(page[i][1].split()) < LONG_WORDS or f" {page[i][1]} " not in kept_text)
            for i in range(index, end)
        )
        blocks = _copies(page, index, end) if lost else None
        if blocks:
            after = next(
                (aligned[i] for i in range(end, len(page)) if aligned[i] is not None), None
            )
            if after is None:
                at_end.extend(blocks)
            else:
                _insert(blocks, kept[after])
            added += 1
        index = end
    if at_end:
        _append(at_end, kept[-1][0])
    if not added:
        return body
    return lxml_html.tostring(extract, encoding="unicode")


def _insert(blocks: list[Any], before: tuple) -> None:
    """Put `blocks` in front of the kept unit `before` (its list or table)."""
    anchor = before[0] if before[2] else _place(before[0])
    for block in blocks:
        anchor.addprevious(block)


def _append(blocks: list[Any], last: Any) -> None:
    """Put `blocks` after the last kept unit, outside any paragraph, list or quote."""
    while last.getparent() is not None and last.getparent().tag in INLINE_HOSTS:
        last = last.getparent()
    for block in reversed(blocks):
        last.addnext(block)
