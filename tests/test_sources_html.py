"""HTML: main content, metadata, tables and FAQ from JSON-LD and <details>."""

from __future__ import annotations

from pathlib import Path

import pytest

from readaloud.document import FAQ, Figure, Heading, ListBlock, Paragraph, Quote, Table
from readaloud.errors import InputError
from readaloud.sources import RawSource, load_article, parse_article
from readaloud.sources.html import clean_title, jsonld_faq, mark_questions
from readaloud.sources.render import article_to_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def html_article(body: str, head: str = ""):
    page = f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    return parse_article(RawSource(text=page, kind="html", name="page.html", data=page.encode()))


@pytest.fixture(scope="module")
def tide():
    return load_article(str(FIXTURES / "article.html"))


def test_metadata(tide):
    assert tide.title == "Tide Pools of the North Coast"  # " | Shoreline Weekly" removed
    assert tide.author == "Maria Lopez"
    assert tide.date == "2024-06-12"
    assert tide.language == "en-GB"
    assert tide.site_name == "Shoreline Weekly"
    assert tide.url == "https://shoreline.example/tide-pools"
    assert tide.description == "A guide to the tide pools along the north coast."
    assert tide.source_kind == "html"


def test_blocks(tide):
    kinds = [b.kind for b in tide.blocks]
    assert kinds[0] == "paragraph"  # the h1 repeating the title and the byline are gone
    table = next(b for b in tide.blocks if isinstance(b, Table))
    assert table.header == ["Species", "Pool zone", "Spring count"]
    assert table.rows[1] == ["Giant green anemone", "Low", "1,305"]
    lst = next(b for b in tide.blocks if isinstance(b, ListBlock))
    assert len(lst.items) == 3
    assert any(isinstance(b, Quote) for b in tide.blocks)
    assert [b.text for b in tide.blocks if isinstance(b, Heading)] == [
        "What lives there",
        "How to visit",
        "Frequently Asked Questions",
    ]


def test_faq_from_jsonld(tide):
    faq = next(b for b in tide.blocks if isinstance(b, FAQ))
    assert [i.question for i in faq.items] == [
        "When is the best time to visit?",
        "Can I take shells home?",
    ]
    assert faq.items[0].answer == "Visit at low tide, ideally in the early morning."


def test_no_debris(tide):
    text = tide.to_json() + article_to_markdown(tide)
    for junk in ("cookies", "Share this", "Copyright", "Coastal Survey Report", "[1]", "Home"):
        assert junk not in text, junk


def test_faq_not_duplicated_when_in_body():
    body = (
        "<article><h1>Bread</h1><p>Baking bread at home is easy once you know the basic steps, "
        "and it tastes far better than anything from the shop around the corner.</p>"
        "<h2>Why does dough need to rest?</h2><p>Resting lets the gluten relax so the dough "
        "stretches without tearing, which gives a lighter loaf with an open crumb.</p></article>"
    )
    head = (
        '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": '
        '[{"@type": "Question", "name": "Why does dough need to rest?", "acceptedAnswer": '
        '{"text": "Resting lets the gluten relax."}}]}</script>'
    )
    article = html_article(body, head)
    assert not any(isinstance(b, FAQ) for b in article.blocks)
    assert sum(isinstance(b, Heading) for b in article.blocks) == 1


def test_details_summary_faq_and_lang():
    article = load_article(str(FIXTURES / "details.html"))
    assert article.language == "de"
    faq = next(b for b in article.blocks if isinstance(b, FAQ))
    assert faq.items[0].question == "Wie oft sollte ich die Kette ölen?"
    assert faq.items[0].answer == "Im Winter etwa alle zwei Wochen."
    assert len(faq.items) == 2


def test_accordion_buttons_become_questions():
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(
        "<html><body><h2>FAQ</h2><div class='faq'><button class='faq__question'> Is it free? "
        "<span></span></button><div><p>Yes.</p></div></div></body></html>"
    )
    assert mark_questions(tree)
    assert tree.xpath("//h3/text()") == ["Is it free?"]


def test_jsonld_graph_and_lists():
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(
        '<html><head><script type="application/ld+json">[{"@type": ["WebPage"]}, '
        '{"@type": "FAQPage", "mainEntity": {"@type": "Question", "name": "A?", '
        '"acceptedAnswer": [{"text": "<b>B</b>."}]}}]</script>'
        '<script type="application/ld+json">{broken</script></head><body></body></html>'
    )
    items = jsonld_faq(tree)
    assert [(i.question, i.answer) for i in items] == [("A?", "B.")]


def test_clean_title():
    assert clean_title("Story - The Daily", "The Daily") == "Story"
    assert clean_title("Story | the daily", "The Daily") == "Story"
    assert clean_title("A - B - C", "Other") == "A - B - C"


def test_footnote_markers_and_image_alt():
    body = (
        "<article><p>The comet returns every seventy-six years, and it was last seen from "
        "Earth in 1986 by millions of people.<sup>[3]</sup></p>"
        '<figure><img src="comet.jpg" alt="The comet over a dark field"></figure>'
        "<p>Its next visit is expected in 2061, when it will be on the same side of the Sun "
        "as the Earth and much brighter.</p></article>"
    )
    article = html_article(body, "<title>Halley</title>")
    text = article.to_json()
    assert "[3]" not in text
    figures = [b for b in article.blocks if isinstance(b, Figure)]
    assert figures and figures[0].alt == "The comet over a dark field"
    assert all(isinstance(b, Paragraph | Figure) for b in article.blocks)


def test_html_without_article_text():
    with pytest.raises(InputError, match="no article text"):
        load_article(str(FIXTURES / "no-article.html"))


def test_jsonld_faq_replaces_orphan_answers():
    body = (
        "<article><h1>Paint</h1><p>Painting a wall well takes patience and a good brush, and "
        "the result lasts for years if the surface is prepared with care.</p>"
        "<h2>FAQ</h2><p>Two coats are usually enough.</p></article>"
    )
    head = (
        '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": '
        '[{"@type": "Question", "name": "How many coats do I need?", "acceptedAnswer": '
        '{"text": "Two coats are usually enough."}}]}</script>'
    )
    article = html_article(body, head)
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "faq"]
    assert article.blocks[2].items[0].question == "How many coats do I need?"


def test_layout_tables_are_marked():
    body = (
        "<article><p>An article about a single thing that matters a great deal to the people "
        "who read this site every single day.</p><table><tr><td>Left column text</td>"
        "<td>Right column text</td></tr></table></article>"
    )
    table = next(b for b in html_article(body).blocks if isinstance(b, Table))
    assert table.layout
