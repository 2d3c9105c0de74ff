"""Whole sections the extractor dropped from inside the article (a list of links under its own
heading, the sections after a code sample) come back where they stood; sections outside the
article, built unlike its sections, or in furniture boxes stay out."""

from __future__ import annotations

from lxml import html as lxml_html

from readaloud.document import Code, Heading, ListBlock, Paragraph
from readaloud.sources.extract import contents_region
from readaloud.sources.html import body_blocks
from readaloud.sources.sections import recover_sections

WALL = "The harbour wall was built in 1850 from granite brought down the coast by barge. "
ROOF = "The new roof keeps the rain out of the old hall for the first time in ten years. "


def kinds(blocks) -> list[tuple[str, str]]:
    return [(type(b).__name__, getattr(b, "text", None) or ",".join(b.items)) for b in blocks]


def extract(*paragraphs: str, heads: tuple[str, ...] = ()) -> str:
    parts = [f"<h2>{h}</h2>" for h in heads] + [f"<p>{p}</p>" for p in paragraphs]
    return "<html><body>" + "".join(parts) + "</body></html>"


def test_a_link_list_section_between_kept_sections_comes_back_in_place():
    page = lxml_html.document_fromstring(
        "<body><nav><h2>Menu</h2><ul><li><a href='/'>Home</a></li></ul></nav>"
        f"<div id='main'><h1>About</h1><div class='sec'><h2>Background</h2><p>{WALL}</p></div>"
        "<div class='sec'><h2>Tools I use</h2><ul><li><a href='https://a.example/'>Editor</a>"
        "</li><li><a href='https://b.example/'>Shell</a></li></ul></div>"
        f"<div class='sec'><h2>Repairs</h2><p>{ROOF}</p></div></div>"
        "<footer><h2>Contact</h2><p>Write to the office.</p></footer></body>"
    )
    body = (
        f"<html><body><h2>Background</h2><p>{WALL}</p><h2>Repairs</h2><p>{ROOF}</p></body></html>"
    )
    assert kinds(body_blocks(recover_sections(page, body))) == [
        ("Heading", "Background"),
        ("Paragraph", WALL.strip()),
        ("Heading", "Tools I use"),
        ("ListBlock", "Editor,Shell"),
        ("Heading", "Repairs"),
        ("Paragraph", ROOF.strip()),
    ]


def test_sections_after_the_last_kept_part_of_the_article_come_back_in_order():
    section = "<section class='step'><h2>{}</h2>{}</section>"
    page = lxml_html.document_fromstring(
        "<body><article>"
        + section.format("Install", f"<p>{WALL}</p><pre><code>pip install boat</code></pre>")
        + section.format("Test it", f"<p>{ROOF}</p><pre><code>boat --check</code></pre>")
        + section.format("Ship it", "<p>Upload the wheel when the checks pass.</p>")
        + "</article><aside><h2>Related</h2><p>Another guide entirely.</p></aside></body>"
    )
    body = (
        f"<html><body><h2>Install</h2><p>{WALL}</p><blockquote><pre>pip install boat</pre>"
        "</blockquote></body></html>"
    )
    blocks = body_blocks(recover_sections(page, body))
    assert [b.text for b in blocks if isinstance(b, Heading)] == ["Install", "Test it", "Ship it"]
    assert any(isinstance(b, Code) and b.text == "boat --check" for b in blocks)
    assert "Another guide entirely." not in [getattr(b, "text", "") for b in blocks]


def test_sections_unlike_the_articles_or_in_furniture_boxes_stay_out():
    page = lxml_html.document_fromstring(
        f"<body><article><div class='sec'><h2>Background</h2><p>{WALL}</p></div>"
        # A pricing box built unlike the sections.
        "<div class='plans'><div class='plan'><h2>Monthly</h2><p>$7 a month</p></div></div>"
        # Built like a section, but a sharing box.
        "<div class='sec share-box'><h2>Share this</h2><p>Post it anywhere.</p></div>"
        f"<div class='sec'><h2>Repairs</h2><p>{ROOF}</p></div></article></body>"
    )
    body = extract(WALL, ROOF)
    body = (
        f"<html><body><h2>Background</h2><p>{WALL}</p><h2>Repairs</h2><p>{ROOF}</p></body></html>"
    )
    blocks = body_blocks(recover_sections(page, body))
    assert [b.text for b in blocks if isinstance(b, Heading)] == ["Background", "Repairs"]
    assert all(isinstance(b, Heading | Paragraph) for b in blocks)


def test_nothing_kept_inside_an_element_smaller_than_the_page_changes_nothing():
    page = lxml_html.document_fromstring(
        f"<body><h2>Background</h2><p>{WALL}</p><h2>Tools</h2><ul><li>Editor</li></ul>"
        f"<h2>Repairs</h2><p>{ROOF}</p></body>"
    )
    body = extract(WALL, ROOF)
    assert recover_sections(page, body) == body
    assert not [b for b in body_blocks(recover_sections(page, body)) if isinstance(b, ListBlock)]


def test_the_pages_table_of_contents_finds_the_article_the_extractor_missed():
    notice = (
        "Nothing on this site is advice of any kind; every reader must consult their own "
        "advisers before acting on anything written here, and the owners accept no liability. "
    )
    sections = ("Choosing seed", "Sowing in rows", "First harvest")
    toc = "".join(f"<li><a href='#s{n}'>{title}</a></li>" for n, title in enumerate(sections))
    article = "".join(
        f"<h2 id='s{n}'>{title}</h2><p>Short notes on {title.lower()} for the allotment.</p>"
        for n, title in enumerate(sections)
    )
    page = (
        "<html><head><title>Growing Beans</title></head><body><main>"
        f"<div class='side'><span>Contents</span><ul>{toc}</ul></div>"
        f"<div class='post-body'>{article}</div>"
        f"<div class='notice'>{''.join(f'<p>{notice * 3}</p>' for _ in range(4))}</div>"
        "</main></body></html>"
    )
    tree = lxml_html.document_fromstring(page)
    # The extractor took the notice: the article is the region the contents point to.
    blocks = body_blocks(contents_region(tree, f"<div><p>{notice}</p></div>"))
    assert [b.text for b in blocks if isinstance(b, Heading)] == list(sections)
    assert len(blocks) == 6 and "liability" not in " ".join(b.text for b in blocks)
    # The extract already holds the sections: nothing to do.
    assert contents_region(tree, f"<h2>{sections[0]}</h2><p>{notice}</p>") is None
    # Links inside or around the headings themselves (permalinks) are no table of contents.
    permalinks = page.replace(f"<ul>{toc}</ul>", "")
    for n, title in enumerate(sections):
        permalinks = permalinks.replace(
            f"<h2 id='s{n}'>{title}</h2>", f"<a href='#s{n}'><h2 id='s{n}'>{title}</h2></a>"
        )
    tree = lxml_html.document_fromstring(permalinks)
    assert contents_region(tree, f"<div><p>{notice}</p></div>") is None


def test_an_extract_from_the_contents_region_itself_is_kept():
    # The extractor kept the article's text but dropped its headings: not a wrong pick.
    text = (
        "Short notes on sowing beans in rows for the allotment and the first harvest of the year."
    )
    toc = "<li><a href='#a'>Choosing seed</a></li><li><a href='#b'>First harvest</a></li>"
    page = (
        f"<html><body><ul>{toc}</ul><div class='post'><h2 id='a'>Choosing seed</h2><p>{text}</p>"
        f"<h2 id='b'>First harvest</h2><p>More notes.</p></div></body></html>"
    )
    tree = lxml_html.document_fromstring(page)
    assert contents_region(tree, f"<div><p>{text}</p></div>") is None
