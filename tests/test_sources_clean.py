"""Text repair functions and boilerplate rules (built-in and publisher-extended)."""

from __future__ import annotations

import pytest

from readaloud.document import Paragraph
from readaloud.errors import ConfigError
from readaloud.sources import RawSource, parse_article
from readaloud.sources.boilerplate import load_rules
from readaloud.sources.clean import TEXT_REPAIRS, capitalize_first, repair_text


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("in a state of flux.The relationship", "In a state of flux. The relationship"),
        ("alliances,particularly given", "Alliances, particularly given"),
        ("the Korean War (1950-1953),when China", "The Korean War (1950-1953), when China"),
        ("growth of 3.2 percent", "Growth of 3.2 percent"),
        ("against the U.S. However, he", "Against the U.S. However, he"),
        ("the U.S. to act", "The U.S. to act"),
        ("see example.com and e.g. the docs", "See example.com and e.g. the docs"),
        ("it is 10:30 and 1,000 people came", "It is 10:30 and 1,000 people came"),
        ("a landscape. the United States", "A landscape. The United States"),
        ("we love it 😀🎉 a lot", "We love it a lot"),
        ("as shown[1] and noted[12].", "As shown[1] and noted[12]."),  # the script drops them
        ("an area of 12 m² in total", "An area of 12 m² in total"),
        ("He said \u201chello\u201d and \u2018bye\u2019", "He said \"hello\" and 'bye'"),
        ("iPhone sales rose. iPad too", "iPhone sales rose. iPad too"),
        ("word  ,  spaced", "Word, spaced"),
    ],
)
def test_text_repairs(given, expected):
    assert repair_text(given, TEXT_REPAIRS) == expected


def test_capitalize_first():
    assert capitalize_first("key Players") == "Key Players"
    assert capitalize_first("eBay results") == "eBay results"
    assert capitalize_first("2024 was good") == "2024 was good"


@pytest.mark.parametrize(
    "line",
    [
        "Home » world » Some story title here",
        "Home > News > Politics",
        'News">',
        'World War II, Military Parade">',
        "Leave a Comment",
        "You may also like",
        "Share your comments below and let us know what you think!",
        "What are your thoughts on this? Share your comments below!",
        "Subscribe to our newsletter for weekly updates",
        "Adblock Detected",
        "Please support us by disabling your AdBlocker extension from your browsers.",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
        "We use cookies to improve your experience on our site.",
        "Advertisement",
    ],
)
def test_boilerplate_lines(line):
    assert load_rules().is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The dynamics of Northeast Asia are in flux.",
        "Share prices fell sharply on Monday after the report.",
        "Please turn off the oven after twenty minutes.",
        "Home is where the heart is, as they say.",
        "A Shift in Alliances?",
    ],
)
def test_not_boilerplate(line):
    assert not load_rules().is_boilerplate(line)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "held in[LocationofMeeting-[LocationofMeeting-insert if known, or else state "
            "'a location in China']on September 4th, 2025, the summit",
            "held on September 4th, 2025, the summit",
        ),
        ("We met at [insert city]. Then we left.", "We met. Then we left."),
        ("Dear {{ first_name }}, welcome.", "Dear, welcome."),
        ("History[edit]", "History"),
    ],
)
def test_placeholders_and_fragments(given, expected):
    rules = load_rules()
    assert rules.remove_holes(rules.strip_debris(given)) == expected


def test_publisher_rules_extend_builtin(tmp_path):
    extra = tmp_path / "site.toml"
    extra.write_text(
        "[lines]\ndrop = ['Read the full story in our app.*']\n"
        "[fragments]\nremove = ['\\(Reporting by [^)]*\\)']\n",
        encoding="utf-8",
    )
    text = (
        "Local News\n\nThe bridge reopens on Monday after repairs (Reporting by Jo Bloggs).\n\n"
        "Read the full story in our app today.\n\nLeave a Comment\n"
    )
    raw = RawSource(text=text, kind="text", name="n.txt", data=text.encode())
    plain = parse_article(raw)
    assert "full story" in plain.to_json()
    extended = parse_article(raw, extra_boilerplate=[extra])
    assert [b.text for b in extended.blocks] == ["The bridge reopens on Monday after repairs."]
    assert all(isinstance(b, Paragraph) for b in extended.blocks)


def test_bad_rules_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[lines]\ndrop = ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad boilerplate pattern"):
        load_rules([bad])
    with pytest.raises(ConfigError, match="does not exist"):
        load_rules([tmp_path / "missing.toml"])


def test_abbreviations_that_do_not_end_a_sentence_come_from_the_data_file():
    from readaloud.sources.clean import abbreviations, capitalize_sentences

    words = abbreviations()
    assert {"gen", "mr", "etc", "sept"} <= words  # the normalizer's abbreviations.toml tables
    assert {"min", "z.b", "bzw"} <= words  # its not_sentence_end lists
    assert (
        capitalize_sentences("met gen. smith. then it rained") == "Met gen. smith. Then it rained"
    )
    assert capitalize_sentences("wait 5 min. then go") == "Wait 5 min. then go"
