"""Mathematics on a web page, turned into plain text before extraction.

Pages show formulas with MathJax, KaTeX or MediaWiki's math. What they render on screen is
glyphs drawn by CSS or an image, and the text the extractor sees is either nothing (the
formula's content lives only in a MathML copy the extractor skips) or the same formula twice
in pieces. So a section made of equations came out empty, and an inline formula left a hole in
its sentence ("Still in functional analysis, is known as the spectral radius").

`plain_math` replaces each rendered formula with one line of text read from its MathML (the
copy the renderer keeps for screen readers), so it is kept and spoken where it stood: a
display formula becomes a paragraph of its own, an inline one stays in its sentence. Fractions
read as "a ÷ b" (a slash would be read "or"), roots as "√(x)", powers as "x^(n+1)" (digits as
superscripts: "x²"); a system of
equations reads one equation after the other, separated by semicolons. Without MathML the
`alttext` attribute is used. Bounded: formulas per page, nesting depth and text length.
"""

from __future__ import annotations

import re
from typing import Any

MAX_FORMULAS = 2000
MAX_DEPTH = 60
MAX_CHARS = 600
# Boxes a renderer wraps around one formula (class words, lower case), replaced as a whole.
WRAPPER_CLASSES = frozenset(
    (
        *("mathjax", "mathjax_display", "mathjax_chtml", "mathjax_svg", "mjx_assistive_mathml"),
        *("katex", "katex-display", "katex-mathml", "mwe-math-element"),
        *("mwe-math-mathml-inline", "mwe-math-mathml-display", "mwe-math-mathml-a11y"),
    )
)
WRAPPER_TAGS = frozenset(("mjx-container", "mjx-assistive-mml"))
WRAPPER_DEPTH = 4
BLOCK_PARENTS = frozenset(("div", "section", "article", "main", "body", "td", "li", "blockquote"))
# Operators read with a space on each side.
SPACED = frozenset("=+−-±∓×÷·<>≤≥≠≈≡∼→←↔⇒⇐⇔∈∉⊂⊆∪∩∧∨")
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
TOKENS = frozenset(("mi", "mn", "mo", "mtext", "ms"))
SKIPPED = frozenset(("annotation", "annotation-xml", "mphantom", "none", "mprescripts"))


def _name(element: Any) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2].lower()


def _group(text: str) -> str:
    """`text` as one operand: bracketed unless it is a single token."""
    if re.fullmatch(r"[\w.′″]+", text) or _bracketed(text):
        return text
    return f"({text})"


def _bracketed(text: str) -> bool:
    """True for "(...)" whose first bracket closes at the end."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    level = 0
    for index, char in enumerate(text):
        level += {"(": 1, ")": -1}.get(char, 0)
        if level == 0:
            return index == len(text) - 1
    return False


def _script(base: str, script: str, marks: dict) -> str:
    if script.isdigit():
        return base + script.translate(marks)
    if script in ("′", "″", "*", "∗", "†"):
        return base + script
    return f"{base}^{_group(script)}" if marks is SUPERSCRIPTS else f"{base}_{_group(script)}"


def _linear(element: Any, depth: int = 0) -> str:
    """One line of text for a MathML element."""
    name = _name(element)
    if depth > MAX_DEPTH or name in SKIPPED:
        return ""
    if name in TOKENS:
        text = " ".join(element.text_content().split())
        return f" {text} " if name == "mo" and text in SPACED else text
    if name == "mspace":
        return " "
    raw = [_linear(child, depth + 1) for child in element if _name(child)]
    parts = [part.strip() for part in raw]
    if name == "mfrac" and len(parts) == 2:
        return f"{_group(parts[0])} ÷ {_group(parts[1])}"
    if name == "msqrt":
        return f"√({_join(raw).strip()})"
    if name == "mroot" and len(parts) == 2:
        return f"root {parts[1]} of ({parts[0]})"
    if name == "msup" and len(parts) == 2:
        return _script(parts[0], parts[1], SUPERSCRIPTS)
    if name == "msub" and len(parts) == 2:
        return _script(parts[0], parts[1], SUBSCRIPTS)
    if name in ("msubsup", "munderover") and len(parts) == 3:
        return _script(_script(parts[0], parts[1], SUBSCRIPTS), parts[2], SUPERSCRIPTS)
    if name == "munder" and len(parts) == 2:
        return _script(parts[0], parts[1], SUBSCRIPTS)
    if name == "mtable":
        return "; ".join(p for p in parts if p)
    if name in ("mtr", "mlabeledtr", "mtd"):
        return " ".join(p for p in parts if p)
    if name == "mfenced":
        opening, closing = element.get("open", "("), element.get("close", ")")
        return opening + f"{element.get('separators', ',')[:1]} ".join(parts) + closing
    return _join(raw)


def _join(parts: list[str]) -> str:
    """Parts side by side; a space between two that would otherwise run into one word."""
    out = ""
    for part in parts:
        if out and part and re.search(r"[\w)′²³¹⁰⁴-⁹]$", out) and re.match(r"[\w(√]", part):
            out += " "
        out += part
    return out


def formula_text(math: Any) -> str:
    """The text read for one <math> element (its MathML, else its alttext), on one line."""
    text = " ".join(_linear(math).split())
    text = re.sub(r"\s+([,;.)\]}])", r"\1", re.sub(r"([(\[{])\s+", r"\1", text))
    if not text:
        text = " ".join((math.get("alttext") or "").split())
    return text[:MAX_CHARS]


def _wrapper(math: Any) -> Any:
    """The outermost box a renderer drew around `math` (or `math` itself)."""
    outer = math
    for depth, ancestor in enumerate(math.iterancestors()):
        if depth >= WRAPPER_DEPTH:
            break
        names = set((ancestor.get("class") or "").lower().split())
        if _name(ancestor) in WRAPPER_TAGS or names & WRAPPER_CLASSES:
            outer = ancestor
    return outer


def _display(math: Any, wrapper: Any) -> bool:
    if math.get("display") == "block" or wrapper.get("display") == "true":
        return True
    classes = (wrapper.get("class") or "").lower()
    return "display" in classes


def plain_math(tree: Any) -> bool:
    """Replace each formula on the page with its text (see the module doc); True if any."""
    if tree is None:
        return False
    found = []
    for element in tree.iter():
        if _name(element) == "math" and not any(
            _name(a) == "math" for a in element.iterancestors()
        ):
            found.append(element)
            if len(found) >= MAX_FORMULAS:
                break
    done: set[Any] = set()  # the wrappers themselves (ids of lxml proxies are reused)
    changed = False
    # Changed after the walk: editing the tree while iterating it ends the iteration.
    for math in found:
        wrapper = _wrapper(math)
        parent = wrapper.getparent()
        if parent is None or wrapper in done:
            continue
        done.add(wrapper)
        text = formula_text(math)
        display = _display(math, wrapper) and _name(parent) in BLOCK_PARENTS
        # A display formula that runs on in its sentence ("..., and they are") stays inline.
        display = display and not (wrapper.tail or "").strip()
        replacement = wrapper.makeelement("p" if display else "span", {})
        replacement.text = text if display else f" {text}"
        if not display and re.match(r"\w", wrapper.tail or ""):
            replacement.text += " "  # "... = 0</math>and they are" runs on
        replacement.tail = wrapper.tail
        parent.replace(wrapper, replacement)
        changed = True
    return changed
