"""Plain-text structure recovery: the seed article and small variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from readaloud.document import FAQ, Callout, Heading, ListBlock, Paragraph, Table
from readaloud.errors import InputError
from readaloud.sources import RawSource, load_article, parse_article
from readaloud.sources.render import article_to_markdown

JUNK = (
    "Home »",
    "»",
    'News">',
    '">',
    "Leave a Comment",
    "Share your comments",
    "What are your thoughts",
    "You may also like",
    "Akismet",
    "Adblock",
    "AdBlocker",
    "LocationofMeeting",
    "insert if known",
    "by Omar",
    "World Editor",
)


def text_article(text: str):
    return parse_article(RawSource(text=text, kind="text", name="t.txt", data=text.encode()))


@pytest.fixture(scope="module")
def seed(request):
    root = Path(__file__).resolve().parent.parent
    return load_article(str(root / "examples" / "seed-article.txt"))


def test_seed_metadata(seed):
    assert seed.title == (
        "Kim Jong Un and Xi Jinping Meet: Strengthening Ties Between North Korea and China"
    )
    assert seed.author == "Omar El Sayed"
    assert seed.source_kind == "text"


def test_seed_headings(seed):
    headings = [b.text for b in seed.blocks if isinstance(b, Heading)]
    assert headings == [
        "Kim Jong Un Meets With Xi Jinping, Putin In Beijing Amidst Global Tensions",
        "Strategic Meetings and Bilateral Relations",
        "A Shift in Alliances?",
        "Key Players and Potential Realignments",
        "The Evolving Geopolitics of Northeast Asia",
        "Frequently Asked Questions about Kim Jong Un's Visit",
        "Recent Summit & Diplomatic Meaning",
        "Key Discussion Points & Agreements",
        "Historical context: A Long-Standing Alliance",
        "Implications for the United States & Regional Powers",
        "Economic Impact: Trade and Investment Trends",
    ]


def test_seed_table(seed):
    tables = [b for b in seed.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    table = tables[0]
    assert table.header == ["Leader", "Country", "Key Focus"]
    assert [row[:2] for row in table.rows] == [
        ["Kim Jong Un", "North Korea"],
        ["Xi Jinping", "China"],
        ["Vladimir Putin", "Russia"],
    ]
    assert table.rows[0][2] == "Strengthening ties with China, navigating geopolitical shifts."


def test_seed_faq(seed):
    faqs = [b for b in seed.blocks if isinstance(b, FAQ)]
    assert len(faqs) == 1
    items = faqs[0].items
    assert len(items) == 5
    assert items[0].question == "What is the primary purpose of Kim Jong Un's visit to China?"
    assert items[0].answer.startswith("Kim Jong Un's visit aims to strengthen ties")
    assert items[2].question.startswith("Is a formal alliance")  # capitalised
    assert all(i.question.endswith("?") and i.answer for i in items)


def test_seed_labels_and_callouts(seed):
    labels = [b.label for b in seed.blocks if isinstance(b, Paragraph) and b.label]
    assert labels[:4] == [
        "Economic Cooperation",
        "Regional Security",
        "Political Support",
        "Denuclearization Talks",
    ]
    assert "South Korea & Japan Concerns" in labels
    assert "US-China Competition" in labels
    callouts = [(b.label, b.text[:20]) for b in seed.blocks if isinstance(b, Callout)]
    assert callouts == [
        ("Did You Know?", "North Korea's Kim dy"),
        ("Pro Tip", "Understanding the hi"),
    ]


def test_seed_has_no_junk(seed):
    dumped = seed.to_json() + article_to_markdown(seed)
    for junk in JUNK:
        assert junk not in dumped, junk
    assert "[" not in article_to_markdown(seed)
    # The repeated title is not a section, the stray SEO question has no section either.
    assert "Which factors are driving" not in dumped
    assert dumped.count("Strengthening Ties Between") == 2  # title in JSON and in Markdown


def test_seed_text_repair(seed):
    dumped = seed.to_json()
    assert "flux. The relationship" in dumped
    assert "alliances, particularly" in dumped
    assert "Held on September 4th, 2025" in dumped
    assert "The United States' role" in dumped
    assert "U.S. President" in dumped
    assert "\u2019" not in dumped and "Xi jinping" not in dumped


def test_seed_structure_order(seed):
    kinds = [b.kind for b in seed.blocks]
    # The first block after the title is a heading (the article's own headline).
    assert kinds[0] == "heading"
    assert kinds.count("faq") == 1 and kinds.count("table") == 1


def test_delimited_tables():
    for sep in ("\t", " | ", "   "):
        rows = [["Name", "Role"], ["Ada", "Engineer"], ["Grace", "Admiral"]]
        body = "\n".join(sep.join(r) for r in rows)
        article = text_article(f"A Team\n\nThe team is small but very able.\n\n{body}\n")
        tables = [b for b in article.blocks if isinstance(b, Table)]
        assert tables and tables[0].header == ["Name", "Role"], sep
        assert tables[0].rows == [["Ada", "Engineer"], ["Grace", "Admiral"]]


def test_single_space_table_needs_evidence():
    text = (
        "City Notes\n\nWe went to New York and then to Paris and Rome.\n\n"
        "City Country Notes\n"
        "New York United States Largest city in the country.\n"
        "Paris France Capital and largest city.\n"
    )
    article = text_article(text)
    table = next(b for b in article.blocks if isinstance(b, Table))
    assert table.header == ["City", "Country", "Notes"]
    assert table.rows[1] == ["Paris", "France", "Capital and largest city."]


def test_qa_markers_and_bullets():
    text = (
        "Kitchen Help\n\nSome answers from our cook.\n\n"
        "Q: How long do eggs keep?\nA: About three weeks in the fridge.\n\n"
        "Q: Can I freeze bread?\nA: Yes, for up to three months.\n\n"
        "Shopping\n\n  • Flour\n  • Eggs\n  • Butter\n"
    )
    article = text_article(text)
    faq = next(b for b in article.blocks if isinstance(b, FAQ))
    assert [i.question for i in faq.items] == ["How long do eggs keep?", "Can I freeze bread?"]
    assert faq.items[1].answer == "Yes, for up to three months."
    lst = next(b for b in article.blocks if isinstance(b, ListBlock))
    assert lst.items == ["Flour", "Eggs", "Butter"]


def test_faq_question_headings_in_text():
    text = (
        "Garden Notes\n\nA short note on roses and what they need.\n\n"
        "Frequently Asked Questions\n\n"
        "When should I prune?\n\nIn late winter, before new growth starts.\n\n"
        "How often should I water?\n\nOnce a week, deeply.\n"
    )
    article = text_article(text)
    faq = next(b for b in article.blocks if isinstance(b, FAQ))
    assert [(i.question, i.answer) for i in faq.items] == [
        ("When should I prune?", "In late winter, before new growth starts."),
        ("How often should I water?", "Once a week, deeply."),
    ]


def test_hard_wrapped_paragraphs_are_joined():
    text = (
        "A Title\n\nThis paragraph was wrapped by an old mail client at\nseventy-two "
        "characters, and the words must join again with a hyphen-\nated word mended.\n"
    )
    article = text_article(text)
    para = next(b for b in article.blocks if isinstance(b, Paragraph))
    assert "client at seventy-two characters" in para.text
    assert "hyphenated word" in para.text


def test_text_without_article_is_refused():
    with pytest.raises(InputError):
        text_article("Leave a Comment\n\nAdblock Detected\n")


def test_byline_date_and_sentence_first_line():
    article = text_article(
        "Harbour Lights Return\n\nBy Jane Doe, Staff Writer\n\nMarch 3, 2024\n\n"
        "The harbour lights were switched on again last night after a long repair.\n"
    )
    assert (article.title, article.author, article.date) == (
        "Harbour Lights Return",
        "Jane Doe",
        "2024-03-03",
    )
    no_title = text_article("This text starts with a sentence.\n\nAnd goes on here.\n")
    assert no_title.title == ""
    assert [b.text for b in no_title.blocks][0] == "This text starts with a sentence."


def test_hash_headings_in_plain_text():
    article = text_article("Notes\n\n# Part One\n\nSome words here.\n\n### Detail\n\nMore words.\n")
    assert [(b.text, b.level) for b in article.blocks if isinstance(b, Heading)] == [
        ("Part One", 2),
        ("Detail", 3),
    ]


def test_hard_wrapped_article_fixture():
    fixture = Path(__file__).parent / "fixtures" / "sources" / "wrapped.txt"
    article = load_article(str(fixture))
    assert (article.title, article.author, article.date) == (
        "The Lighthouse Keeper's Year",
        "Tom Harris",
        "2023-01-12",
    )
    kinds = [b.kind for b in article.blocks]
    assert kinds == [
        "paragraph",
        "heading",
        "paragraph",
        "heading",
        "list",
        "table",
        "callout",
        "paragraph",
    ]
    table = next(b for b in article.blocks if isinstance(b, Table))
    assert table.header == ["Month", "Ships logged", "Storms"]
    assert table.rows == [["January", "42", "6"], ["February", "37", "4"]]
    # The closing question is text, not an empty section.
    assert article.blocks[-1].text == "Did you know the lens weighs more than two tons?"
