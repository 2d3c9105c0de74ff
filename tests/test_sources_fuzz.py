"""Arbitrary input never crashes the parsers: an Article or an InputError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readaloud.document import Article
from readaloud.errors import InputError
from readaloud.sources import RawSource, parse_article
from readaloud.sources.decode import decode_bytes
from readaloud.sources.render import article_to_markdown
from readaloud.sources.sniff import sniff_kind

# Text made of the pieces scraped pages are made of, plus anything at all.
PIECES = st.sampled_from(
    [
        "\n",
        "\n\n",
        "  • ",
        "Q: ",
        "A: ",
        "?",
        ": ",
        "|",
        "\t",
        "   ",
        "# ",
        "**",
        "[",
        "]",
        "(",
        ")",
        "Home » ",
        'News">',
        "Frequently Asked Questions",
        "Did You Know? ",
        "Pro Tip: ",
        "by Someone Here",
        "Leader Country Key Focus",
        "Kim Jong Un North Korea Strengthening ties.",
        "<p>",
        "</p>",
        "<table><tr><td>",
        "---\n",
        "+++\n",
        "```",
        "[LocationofMeeting-insert]",
        "flux.The",
        "word ",
        "Title Case Words ",
    ]
)
SCRAPED = st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=40).map("".join)


def check(text: str, kind: str) -> None:
    raw = RawSource(text=text, kind=kind, name="fuzz", data=text.encode("utf-8", "replace"))
    try:
        article = parse_article(raw)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(article, Article)
    assert article.blocks
    Article.from_json(article.to_json())
    assert article_to_markdown(article).startswith("#") or article.title == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRAPED, st.sampled_from(["text", "markdown"]))
def test_text_and_markdown_never_crash(text, kind):
    check(text, kind)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCRAPED)
def test_html_never_crashes(text):
    check(f"<html><body><article>{text}</article></body></html>", "html")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_decode_and_sniff_never_crash(data):
    try:
        text = decode_bytes(data)
    except InputError:
        return
    assert sniff_kind(text) in ("html", "markdown", "text", "ssml")
