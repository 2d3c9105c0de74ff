"""The markup tree as XHTML 1.0 (DAISY 2.02 content): HTML5-only elements become classed divs."""

from __future__ import annotations

from ..markup.tree import Element, to_xhtml

# HTML5 element -> (XHTML 1.0 element, class it keeps the meaning in).
RENAMED = {
    "section": ("div", "section"),
    "header": ("div", "header"),
    "aside": ("div", "sidebar"),
    "figure": ("div", "figure"),
    "figcaption": ("p", "caption"),
    "footer": ("p", "attribution"),
}
# Attributes XHTML 1.0 does not have.
DROPPED = ("aria-", "data-", "epub:", "role", "hidden")


def convert(node: Element | str) -> Element | str:
    """A copy of `node` with XHTML 1.0 elements and attributes only."""
    if isinstance(node, str):
        return node
    tag, css = RENAMED.get(node.tag, (node.tag, None))
    attrs = {k: v for k, v in node.attrs.items() if not k.startswith(DROPPED)}
    copy = Element(tag, attrs, [convert(c) for c in node.children])
    if css:
        copy.add_class(css)
    return copy


def to_xhtml1(node: Element) -> str:
    return to_xhtml(convert(node))
