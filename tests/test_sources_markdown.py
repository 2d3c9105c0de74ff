"""Markdown: front matter, tables, lists, quotes, code, images, links, footnotes, FAQ."""

from __future__ import annotations

from pathlib import Path

import pytest

from readaloud.document import (
    FAQ,
    Callout,
    Code,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
)
from readaloud.sources import RawSource, load_article, parse_article
from readaloud.sources.markdown import parse_markdown, split_front_matter
from readaloud.sources.structure import block_texts

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def md_article(text: str):
    return parse_article(RawSource(text=text, kind="markdown", name="a.md", data=text.encode()))


@pytest.fixture(scope="module")
def tomato():
    return load_article(str(FIXTURES / "front-matter.md"))


def test_yaml_front_matter(tomato):
    assert tomato.title == "Growing Tomatoes on a Balcony"
    assert tomato.author == "Sam Green, Ali Baker"
    assert tomato.date == "2024-03-05"
    assert tomato.language == "en-US"
    assert tomato.description == "A small guide for small spaces."
    assert not any(isinstance(b, Heading) and b.text == tomato.title for b in tomato.blocks)


def test_toml_front_matter_and_date_from_path():
    article = load_article(str(FIXTURES / "toml-front-matter.md"))
    assert article.title == "Release notes"
    assert article.author == "The Build Team"
    assert article.date == "2024-05-06"


def test_links_images_and_bare_urls(tomato):
    first = tomato.blocks[0]
    assert isinstance(first, Paragraph)
    assert "Pick a sunny corner and" in first.text
    assert all("http" not in t for b in tomato.blocks for t in block_texts(b))
    assert "See example.org for varieties." in first.text
    figure = next(b for b in tomato.blocks if isinstance(b, Figure))
    assert figure.alt == "A tomato plant in a blue pot"


def test_table_list_quote_code(tomato):
    table = next(b for b in tomato.blocks if isinstance(b, Table))
    assert table.header == ["Variety", "Height", "Days to harvest"]
    assert table.rows == [["Tumbling Tom", "30 cm", "70"], ["Sungold", "180 cm", "65"]]
    lst = next(b for b in tomato.blocks if isinstance(b, ListBlock))
    assert lst.ordered and lst.start == 1
    assert lst.items[-1] == "Harden the plants off for a week first."  # nested, flattened
    quote = next(b for b in tomato.blocks if isinstance(b, Quote))
    assert quote.text == "Patience is the gardener's best tool."
    assert quote.attribution == "Old saying"
    code = next(b for b in tomato.blocks if isinstance(b, Code))
    assert code.language == "python"


def test_labels_and_callouts(tomato):
    callout = next(b for b in tomato.blocks if isinstance(b, Callout))
    assert (callout.label, callout.text) == ("Tip", "Water in the morning, never at noon.")
    soil = next(b for b in tomato.blocks if isinstance(b, Paragraph) and b.label)
    assert soil.label == "Soil"


def test_faq_under_heading(tomato):
    faq = next(b for b in tomato.blocks if isinstance(b, FAQ))
    assert [i.question for i in faq.items] == [
        "Why are my leaves turning yellow?",
        "Do I need to prune?",
    ]
    assert faq.items[1].answer.startswith("Cordon varieties")


def test_footnotes(tomato):
    text = tomato.to_json()
    assert "[^sun]" not in text
    assert "Eight hours is even better." in text


def test_faq_with_code_answers_stays_sections():
    text = (
        "# Tool FAQ\n\nIntro text about the tool and what it does for you.\n\n"
        "## FAQ\n\n### How do I install it?\n\nRun this:\n\n    pip install tool\n\n"
        "### Does it work offline?\n\nYes, completely.\n"
    )
    article = md_article(text)
    assert not any(isinstance(b, FAQ) for b in article.blocks)
    assert "How do I install it?" in [b.text for b in article.blocks if isinstance(b, Heading)]


def test_bold_question_paragraphs_and_qa_markers():
    text = (
        "# Pets\n\nSome words about pets and people who love them.\n\n"
        "## Questions and answers\n\n**Do cats need baths?**\n\nRarely; they clean themselves.\n\n"
        "**Can dogs eat grapes?**\n\nNo, grapes are toxic to dogs.\n"
    )
    faq = next(b for b in md_article(text).blocks if isinstance(b, FAQ))
    assert [i.question for i in faq.items] == ["Do cats need baths?", "Can dogs eat grapes?"]


def test_github_alert_and_link_only_text():
    text = (
        "# Notes\n\n> [!WARNING]\n> Back up your data first.\n\n"
        "Read the [guide](https://example.com/guide) or <https://www.example.net/x>.\n"
    )
    article = md_article(text)
    callout = next(b for b in article.blocks if isinstance(b, Callout))
    assert callout.label == "Warning" and callout.text == "Back up your data first."
    para = next(b for b in article.blocks if isinstance(b, Paragraph))
    assert para.text == "Read the guide or example.net."


def test_bad_front_matter_is_ignored():
    data, body = split_front_matter("---\n: [unclosed\n---\nHello there.\n")
    assert data == {} and body.strip() == "Hello there."
    assert parse_markdown("---\n- a\n- b\n---\nText here.\n").meta == {}


def test_title_from_first_heading_without_front_matter():
    article = md_article("# The Real Title\n\nBody text of the article goes here.\n")
    assert article.title == "The Real Title"
    assert [b.kind for b in article.blocks] == ["paragraph"]


def test_details_blocks_in_markdown_are_faq():
    text = (
        "# Help\n\nHow to get the most out of the app, in a few short answers.\n\n"
        "<details>\n<summary>Is there a dark mode?</summary>\n\nYes, in Settings.\n\n</details>\n\n"
        "<details><summary>Can I export my data?</summary><p>Yes, as CSV.</p></details>\n"
    )
    faqs = [b for b in md_article(text).blocks if isinstance(b, FAQ)]
    questions = [i.question for f in faqs for i in f.items]
    assert "Can I export my data?" in questions
    assert all("<" not in q for q in questions)
