"""The cleaned article as Markdown."""

from __future__ import annotations

from markdown_it import MarkdownIt

from readaloud.document import (
    FAQ,
    QA,
    Article,
    Callout,
    Code,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
)
from readaloud.sources import RawSource, parse_article
from readaloud.sources.render import article_to_markdown

ARTICLE = Article(
    title="The Title",
    author="A. Writer",
    date="2024-01-02",
    blocks=[
        Paragraph("Intro text."),
        Heading("Section", level=2),
        Paragraph("China remains the largest partner.", label="Economic Cooperation"),
        ListBlock(["one", "two"], ordered=True, start=3),
        Table(["Leader", "Country"], [["Kim | Jong Un", "North Korea"], ["Xi"]]),
        FAQ([QA("Why?", "Because."), QA("How?", "Like this.")]),
        Quote("To be or not to be.", attribution="Hamlet"),
        Callout("Did You Know?", "Owls can turn their heads far."),
        Callout("Pro Tip", "Sleep more."),
        Code("print('x')", language="python"),
        Figure(alt="A red barn", src="barn.jpg"),
    ],
)


def test_render_blocks():
    md = article_to_markdown(ARTICLE)
    assert md.startswith("# The Title\n\nIntro text.\n\n## Section\n\n")
    assert "A. Writer" not in md and "2024-01-02" not in md  # metadata is not body
    assert "**Economic Cooperation:** China remains the largest partner." in md
    assert "3. one\n4. two" in md
    assert "| Leader | Country |\n| --- | --- |\n| Kim \\| Jong Un | North Korea |\n| Xi |  |" in md
    assert "### Why?\n\nBecause.\n\n### How?\n\nLike this." in md
    assert "> To be or not to be.\n>\n> -- Hamlet" in md
    assert "> **Did You Know?** Owls" in md and "> **Pro Tip:** Sleep more." in md
    assert "```python\nprint('x')\n```" in md
    assert "*A red barn*" in md and "barn.jpg" not in md


def test_rendered_markdown_round_trips_structure():
    md = article_to_markdown(ARTICLE)
    raw = RawSource(text=md, kind="markdown", name="x.md", data=md.encode())
    again = parse_article(raw)
    assert again.title == "The Title"
    assert [b.kind for b in again.blocks if b.kind in ("table", "list", "code")] == [
        "list",
        "table",
        "code",
    ]


def test_h1_in_body_is_shifted_under_title():
    article = Article(title="T", blocks=[Heading("Part", level=1), Paragraph("x y z")])
    md = article_to_markdown(article)
    assert "## Part" in md
    tokens = MarkdownIt().parse(md)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2"]
