"""Section headings as the author wrote them: kept through extraction and cleaning, with their
levels, each top-level one starting a chapter; page furniture headings left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from readaloud.document import Heading, Paragraph, Table
from readaloud.script.reading import build_script
from readaloud.sources import RawSource, load_article, parse_article
from readaloud.sources.extract import whole_page
from readaloud.sources.headings import plain_heading_anchors, recover_headings, tidy_body
from readaloud.sources.html import body_blocks

FIXTURES = Path(__file__).parent / "fixtures" / "sources"

PROSE = (
    "The committee met on a wet Tuesday and spent most of the morning on the budget, which "
    "had grown by a third since the spring because the roof of the old hall needed work. "
)


def page_article(body: str, title: str = "A Plain Page"):
    page = f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"
    raw = RawSource(text=page, kind="html", name="page.html", data=page.encode())
    return parse_article(raw)


def headings(article) -> list[tuple[str, int]]:
    return [(b.text, b.level) for b in article.blocks if isinstance(b, Heading)]


def test_blog_post_with_toclink_headings_keeps_every_heading_as_a_chapter():
    # h2/h3 wrapped in a toclink anchor, "≫" link paragraphs, a photo credit, a table of
    # contents, site menu, related articles and a newsletter box.
    article = load_article(str(FIXTURES / "blog-toclink.html"))
    assert headings(article) == [
        ("Finding the boat", 2),
        ("Stripping the hull", 2),
        ("Old varnish", 3),
        ("Soft wood", 3),
        ("The first sail", 2),
    ]
    script = build_script(article)
    titles = [c.title for c in script.chapters]
    assert titles == [
        "Restoring an Old Sailing Dinghy",
        "Finding the boat",
        "Stripping the hull",
        "The first sail",
    ]
    # Sub-headings are read inside their chapter, as headings.
    stripping = script.chapters[2]
    spoken = [s.text for s in stripping.segments if s.role == "heading"]
    assert spoken == ["Stripping the hull", "Old varnish", "Soft wood"]
    text = " ".join(s.text for c in script.chapters for s in c.segments)
    assert "Related articles" not in text and "newsletter" not in text.lower()


@pytest.mark.parametrize(
    "markup",
    [
        # Sphinx
        '<h2 id="{id}">{text}<a class="headerlink" href="#{id}" title="Link">¶</a></h2>',
        # Hugo
        '<h2 id="{id}"><a class="anchor" href="#{id}">#</a>{text}</h2>',
        # GitHub (an icon link before the text)
        '<h2><a id="user-content-{id}" class="anchor" aria-hidden="true" href="#{id}">'
        '<svg class="octicon octicon-link" viewBox="0 0 16 16"><path d="M0 0h1"></path></svg>'
        "</a>{text}</h2>",
        # The whole heading is the anchor (Python-Markdown toc, many static site generators)
        '<h2 id="{id}"><a class="toclink" href="#{id}">{text}</a></h2>',
    ],
    ids=["sphinx", "hugo", "github", "toclink"],
)
def test_anchor_headings_keep_their_plain_text(markup):
    sections = [("Getting started", "getting-started"), ("Configuration", "configuration")]
    sections += [("Known problems", "known-problems")]
    body = "<main><article><h1>Project Guide</h1>"
    for text, anchor in sections:
        body += markup.format(id=anchor, text=text) + f"<p>{PROSE * 2}</p><p>{PROSE}</p>"
    body += "</article></main>"
    article = page_article(body, "Project Guide")
    assert headings(article) == [(text, 2) for text, _ in sections]
    titles = [c.title for c in build_script(article).chapters]
    assert titles[1:] == [text for text, _ in sections]


def test_plain_heading_anchors_unwraps_self_links_only():
    tree = lxml_html.document_fromstring(
        '<h2><a href="#a">Self</a></h2><h2>Pilcrow<a class="headerlink" href="#b">¶</a></h2>'
        '<h3><a href="https://example.org/other">Elsewhere</a></h3>'
    )
    assert plain_heading_anchors(tree)
    h2s = tree.findall(".//h2")
    assert [h.text_content() for h in h2s] == ["Self", "Pilcrow"]
    assert all(h.find("a") is None for h in h2s)
    assert tree.find(".//h3/a") is not None  # a link to another page stays a link


def test_recover_headings_puts_lost_headings_before_their_kept_text():
    page = lxml_html.document_fromstring(
        "<body><nav><h3>Menu</h3><p>Home News Sport Weather</p></nav>"
        "<h2>Background</h2><p>First kept paragraph about the harbour wall.</p>"
        "<h3>Costs</h3><p>Second kept paragraph about the repair costs.</p>"
        "<div class='box'><h3>Sign up for our newsletter</h3>"
        "<p>Get the best stories of the week delivered to your inbox every Friday morning"
        " without fail.</p></div>"
        "<h2>Outlook</h2><p>First kept paragraph about the harbour wall.</p></body>"
    )
    extracted = (
        "<html><body><p>First kept paragraph about the harbour wall.</p>"
        "<p>Second kept paragraph about the repair costs.</p>"
        "<p>First kept paragraph about the harbour wall.</p></body></html>"
    )
    blocks = body_blocks(recover_headings(page, extracted))
    assert [(type(b).__name__, getattr(b, "level", None)) for b in blocks] == [
        ("Heading", 2),
        ("Paragraph", None),
        ("Heading", 3),
        ("Paragraph", None),
        ("Heading", 2),  # the repeated paragraph pairs with its second copy
        ("Paragraph", None),
    ]
    assert [b.text for b in blocks if isinstance(b, Heading)] == [
        "Background",
        "Costs",
        "Outlook",
    ]


def test_recover_headings_promotes_a_heading_kept_as_a_paragraph():
    page = lxml_html.document_fromstring(
        "<body><h2>Early years</h2><p>She was born in a small town by the sea.</p></body>"
    )
    extracted = (
        "<html><body><p>Early years</p><p>She was born in a small town by the sea.</p>"
        "</body></html>"
    )
    blocks = body_blocks(recover_headings(page, extracted))
    assert blocks[0] == Heading(text="Early years", level=2)
    assert isinstance(blocks[1], Paragraph) and len(blocks) == 2


def test_tidy_body_card_lists_body_h1_and_literal_tags():
    body = (
        "<html><body><h1>Section one</h1><p>The &lt;img&gt; element needs alt text.</p>"
        "<ul><li><h2>Card title</h2><p>Card text here.</p></li>"
        "<li><h2>Second card</h2><p>More card text.</p></li></ul>"
        "<table><tr><td><h3>Layout cell</h3><p>Text in a layout table.</p></td></tr></table>"
        "<pre>if a &lt;b: pass</pre></body></html>"
    )
    blocks = body_blocks(tidy_body(body))
    assert [(b.text, b.level) for b in blocks if isinstance(b, Heading)] == [
        ("Section one", 2),
        ("Card title", 2),
        ("Second card", 2),
        ("Layout cell", 3),
    ]
    assert "The <img> element needs alt text." in [getattr(b, "text", "") for b in blocks]
    assert not any(isinstance(b, Table) for b in blocks)
    assert blocks[-1].text == "if a <b: pass"


def test_a_marked_up_heading_with_guillemets_is_not_a_breadcrumb():
    body = f"<article><h2>Les « boîtes noires »</h2><p>{PROSE * 3}</p><h2>La suite</h2>"
    body += f"<p>{PROSE * 2}</p></article>"
    assert [t for t, _ in headings(page_article(body))] == ["Les « boîtes noires »", "La suite"]


def test_a_bare_fragment_is_read_whole():
    # No <html>/<body>: the extractor rejects it; the page is then read whole, minus scripts.
    fragment = f"<div><h2>Notes</h2><p>{PROSE * 2}</p><script>var x = 1;</script></div>"
    raw = RawSource(text=fragment, kind="html", name="fragment.html", data=fragment.encode())
    article = parse_article(raw)
    assert article.title == "Notes"  # no metadata: the first heading is the title
    text = " ".join(getattr(b, "text", "") for b in article.blocks)
    assert text.startswith("The committee met") and "var x" not in text
    assert whole_page(None) is None


def test_a_post_inside_a_comment_named_container_falls_back_instead_of_failing():
    # The extractor prunes containers named like comment sections; a post body in one (as
    # on LessWrong) must still be read rather than refused as "no article text".
    paragraphs = "".join(f"<p>{PROSE} Paragraph {n}.</p>" for n in range(12))
    body = (
        "<nav><a href='/'>Home</a> <a href='/login'>Login</a></nav>"
        f"<div class='PostsPage-postContent commentOnSelection'>{paragraphs}</div>"
        "<div class='comments-section'><p>First!</p></div>"
    )
    article = page_article(body, "A Post")
    text = " ".join(getattr(b, "text", "") for b in article.blocks)
    assert "Paragraph 0." in text and "Paragraph 11." in text
