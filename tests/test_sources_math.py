"""Formulas on a page (MathJax, KaTeX, MediaWiki) are read from their MathML where they stand:
a section made only of equations keeps its heading and its content."""

from __future__ import annotations

from lxml import html as lxml_html

from readaloud.document import Heading, Paragraph
from readaloud.script.reading import build_script
from readaloud.sources import RawSource, parse_article
from readaloud.sources.math_html import formula_text, plain_math

PROSE = (
    "The notes below collect the results we use most often in the course, each with a short "
    "remark on where it comes from and where it is used in the later chapters of the book. "
)
NS = 'xmlns="http://www.w3.org/1998/Math/MathML"'
# MathJax 3: glyphs drawn by CSS (no text) and a MathML copy for screen readers.
MATHJAX = (
    '<mjx-container class="MathJax" jax="CHTML" display="true"><mjx-math aria-hidden="true">'
    '<mjx-mi><mjx-c class="mjx-c1D465"></mjx-c></mjx-mi></mjx-math>'
    '<mjx-assistive-mml display="block"><math {ns} display="block">{mml}</math>'
    "</mjx-assistive-mml></mjx-container>"
)
QUADRATIC = (
    "<mi>x</mi><mo>=</mo><mfrac><mrow><mo>−</mo><mi>b</mi><mo>±</mo><msqrt><msup><mi>b</mi>"
    "<mn>2</mn></msup><mo>−</mo><mn>4</mn><mi>a</mi><mi>c</mi></msqrt></mrow><mrow><mn>2</mn>"
    "<mi>a</mi></mrow></mfrac>"
)
SYSTEM = (
    "<mtable><mtr><mtd><mi>x</mi></mtd><mtd><mo>=</mo><mi>y</mi><mo>+</mo><mn>1</mn></mtd></mtr>"
    "<mtr><mtd><mi>y</mi></mtd><mtd><mo>=</mo><msub><mi>a</mi><mi>k</mi></msub></mtd></mtr>"
    "</mtable>"
)


def article_of(body: str):
    page = f"<html><head><title>Formula Notes</title></head><body><article>{body}</article></body></html>"
    return parse_article(RawSource(text=page, kind="html", name="notes.html", data=page.encode()))


def test_formula_text_reads_fractions_roots_powers_and_systems():
    math = lxml_html.fragment_fromstring(f"<math {NS}>{QUADRATIC}</math>")
    assert formula_text(math) == "x = (− b ± √(b² − 4 a c)) ÷ (2 a)"
    math = lxml_html.fragment_fromstring(f"<math {NS}>{SYSTEM}</math>")
    assert formula_text(math) == "x = y + 1; y = a_k"
    # No MathML content: the author's alttext.
    math = lxml_html.fragment_fromstring(f'<math {NS} alttext="E equals m c squared"></math>')
    assert formula_text(math) == "E equals m c squared"


def test_sections_made_of_display_equations_keep_heading_and_formula():
    body = f"<h1>Formula Notes</h1><p>{PROSE}</p>"
    for title, mml in (("The quadratic formula", QUADRATIC), ("A small system", SYSTEM)):
        body += f"<h2>{title}</h2>" + MATHJAX.format(ns=NS, mml=mml)
    body += f"<h2>Closing remarks</h2><p>{PROSE}</p>"
    article = article_of(body)
    blocks = [(type(b).__name__, b.text) for b in article.blocks]
    assert blocks[1:] == [
        ("Heading", "The quadratic formula"),
        ("Paragraph", "x = (− b ± √(b² − 4 a c)) ÷ (2 a)"),
        ("Heading", "A small system"),
        ("Paragraph", "x = y + 1; y = a_k"),
        ("Heading", "Closing remarks"),
        ("Paragraph", PROSE.strip()),
    ]
    titles = [c.title for c in build_script(article).chapters]
    assert titles[1:] == ["The quadratic formula", "A small system", "Closing remarks"]


def test_inline_formulas_stay_in_their_sentence_once():
    # KaTeX draws glyphs as text next to its MathML: only the MathML is read, once.
    katex = (
        f'<span class="katex"><span class="katex-mathml"><math {NS}><semantics><mrow><mi>n</mi>'
        '<mo>+</mo><mn>1</mn></mrow><annotation encoding="application/x-tex">n+1</annotation>'
        '</semantics></math></span><span class="katex-html" aria-hidden="true">n+1</span></span>'
    )
    article = article_of(f"<p>{PROSE}</p><p>After {katex} steps the loop ends. {PROSE}</p>")
    texts = [b.text for b in article.blocks if isinstance(b, Paragraph)]
    assert texts[1].startswith("After n + 1 steps the loop ends.")
    assert not [b for b in article.blocks if isinstance(b, Heading)]


def test_plain_math_leaves_pages_without_formulas_alone():
    tree = lxml_html.document_fromstring(f"<html><body><p>{PROSE}</p></body></html>")
    assert not plain_math(tree)
    assert not plain_math(None)


def test_a_formula_running_into_the_next_word_keeps_a_space():
    tree = lxml_html.document_fromstring(
        f"<html><body><p>It gives<math {NS}><mi>x</mi><mo>=</mo><mn>0</mn></math>and stops.</p>"
        "</body></html>"
    )
    assert plain_math(tree)
    assert " ".join(tree.find(".//p").text_content().split()) == "It gives x = 0 and stops."
