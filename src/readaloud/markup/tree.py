"""A small element tree of (X)HTML with two serializations: XHTML (EPUB, DAISY) and HTML5 (web).

The renderer builds one tree; each edition serializes it. Attributes named `epub:*` exist only in
XHTML (the EPUB namespace is declared by the document); `xml:lang` becomes `lang` in HTML5.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# HTML elements that never have content: `<br/>` in XHTML, `<br>` in HTML5.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
)
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Element:
    """An element: tag, attributes in order, children (elements or text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def add(self, child: Element | str | None) -> Element | str | None:
        """Append a child (None and "" are ignored) and return it."""
        if child is not None and child != "":
            self.children.append(child)
        return child

    def sub(self, tag: str, text: str | None = None, **attrs: str) -> Element:
        """Append a new child element (keyword `class_` for `class`) and return it."""
        child = el(tag, text, **attrs)
        self.children.append(child)
        return child

    def iter(self) -> Iterator[Element]:
        """This element and every element below it, in document order."""
        stack: list[Element] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(c for c in reversed(node.children) if isinstance(c, Element))

    def text(self) -> str:
        """All text below this element, joined."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def add_class(self, name: str) -> None:
        classes = self.attrs.get("class", "").split()
        if name not in classes:
            self.attrs["class"] = " ".join([*classes, name])


def el(tag: str, text: str | None = None, **attrs: str) -> Element:
    """A new element; keyword names drop a trailing `_` and turn `_` into `-` (data_start)."""
    node = Element(tag, {_attr_name(k): v for k, v in attrs.items() if v is not None})
    node.add(text)
    return node


def _attr_name(name: str) -> str:
    name = name.rstrip("_")
    if name.startswith("epub_"):
        return "epub:" + name[5:]
    if name.startswith("xml_"):
        return "xml:" + name[4:]
    return name.replace("_", "-")


def escape_text(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


def to_xhtml(node: Element | str) -> str:
    """XML serialization (no namespace declarations: the enclosing document declares them)."""
    if isinstance(node, str):
        return escape_text(node)
    attrs = "".join(f' {k}="{escape_attr(v)}"' for k, v in node.attrs.items())
    if not node.children:
        # Only void elements may be self-closed: `<span/>` parsed as HTML opens a span.
        if node.tag in VOID:
            return f"<{node.tag}{attrs}/>"
        return f"<{node.tag}{attrs}></{node.tag}>"
    inner = "".join(to_xhtml(c) for c in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def to_html(node: Element | str) -> str:
    """HTML5 serialization: no `epub:` attributes, `xml:lang` as `lang`, void tags unclosed."""
    if isinstance(node, str):
        return escape_text(node)
    attrs = ""
    for key, value in node.attrs.items():
        if key.startswith("epub:"):
            continue
        if key == "xml:lang":
            if "lang" in node.attrs:
                continue
            key = "lang"
        attrs += f' {key}="{escape_attr(value)}"'
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    inner = "".join(to_html(c) for c in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"
