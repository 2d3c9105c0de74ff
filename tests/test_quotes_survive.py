"""German, French and Swiss quotation marks never make a junk rule delete prose.

`»…«`, `›…‹` (German), `« … »`, `‹ … ›` (French) and `«…»`, `‹…›` (Swiss) share their glyphs
with breadcrumb separators ("Home » News"); `„…“` is the other German style. Every word of the
sample articles must reach the speech script, in order, from plain text, Markdown and HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from readaloud.cli import main
from readaloud.sources.boilerplate import load_rules

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "examples"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def script_words(path: Path) -> list[str]:
    result = CliRunner().invoke(main, ["script", str(path), "--no-intro"])
    assert result.exit_code == 0, result.output
    return words(result.output)


def contains(haystack: list[str], needle: list[str]) -> bool:
    """True when `needle` occurs in `haystack` as one unbroken run."""
    first = needle[0]
    return any(
        haystack[i : i + len(needle)] == needle for i, w in enumerate(haystack) if w == first
    )


def body_paragraphs(lang: str) -> list[str]:
    title, byline, *body = (p.strip() for p in (FIXTURES / f"{lang}.txt").read_text().split("\n\n"))
    return body


@pytest.mark.parametrize("lang", ["de", "fr"])
@pytest.mark.parametrize("kind", ["txt", "md", "html"])
def test_every_quoted_paragraph_survives_word_for_word(lang, kind):
    spoken = script_words(FIXTURES / f"{lang}.{kind}")
    missing = [p for p in body_paragraphs(lang) if not contains(spoken, words(p))]
    assert missing == []
    # ... and in order: the paragraphs' words, concatenated, are a subsequence of the script.
    expected = [w for p in body_paragraphs(lang) for w in words(p)]
    it = iter(spoken)
    assert all(w in it for w in expected)


QUOTED = [
    "Der Minister sagte »Wir machen weiter« vor der Presse.",
    "»Wir machen weiter«",
    "Er sagte »Nein« und ging.",
    "»Wir haben lange verhandelt, und wir sind uns einig",
    "Sie nannte es ›klug‹ und ›mutig‹",
    "Der Plan sei „ein Trick“, sagte er",
    "Le ministre a déclaré « Nous continuerons » devant la presse.",
    "« Nous continuerons »",
    "Il a dit « oui » puis « non » et enfin « peut-être »",
    "«hello»",
    "«On attend de voir.»",
    "Une ‹ trêve › fragile",
    "Un «verre d'eau» et un ‹sourire›",
    "Home is where « le cœur » is",
    "Paris → Berlin → Warschau: so fuhr der Zug früher jeden Tag.",
]


@pytest.mark.parametrize("line", QUOTED)
def test_quoted_prose_is_never_a_breadcrumb(line):
    assert not load_rules().is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Home » world » Some story title here",
        "Startseite » Politik » Koalition ringt um den Haushalt",
        "Accueil › Politique › Le gouvernement défend sa réforme",
        "Home »",
        "News › Tech › Phones",
        "Home > News > Politics",
    ],
)
def test_navigation_trails_are_still_breadcrumbs(line):
    assert load_rules().is_boilerplate(line)


def test_french_article_from_the_shared_examples_keeps_every_quoted_paragraph():
    """Le Monde's page (Readability's test set) quotes with « … » throughout."""
    page = SHARED / "structure" / "readability-lemonde-1.html"
    expected = SHARED / "structure" / "readability-lemonde-1.expected.html"
    if not page.is_file() or not expected.is_file():
        pytest.skip(f"{page} is not here (../shared/examples is absent)")
    from lxml import html as lxml_html

    paragraphs = [
        " ".join(p.text_content().split())
        for p in lxml_html.fromstring(expected.read_text(encoding="utf-8")).iter("p")
    ]
    quoted = [p for p in paragraphs if "«" in p or "»" in p]
    assert len(quoted) >= 5
    spoken = script_words(page)
    missing = [p[:80] for p in quoted if not contains(spoken, words(p))]
    assert missing == []
