"""SSML output: well-formed, namespaced, escaped; and SSML input round-trips."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readaloud.document import Article, Heading, Paragraph
from readaloud.errors import InputError
from readaloud.script.model import ArticleMeta, Chapter, Segment, Span, SpeechScript
from readaloud.script.reading import build_script
from readaloud.script.ssml import SSML_NS, parse_ssml, render_ssml

NS = {"s": SSML_NS}


def make_script():
    return SpeechScript(
        title="Tom & Jerry <live>",
        author='Ann "A" Lee',
        language="en-US",
        chapters=[
            Chapter(
                "Intro & more",
                [
                    Segment("Tom & Jerry <live>.", 800, "title"),
                    Segment(
                        "It cost three dollars in nineteen ninety.",
                        250,
                        "body",
                        [
                            Span("It cost ", "It cost "),
                            Span("$3", "three dollars", "money"),
                            Span(" in ", " in "),
                            Span("1990", "nineteen ninety", "number.year"),
                            Span(".", "."),
                        ],
                    ),
                ],
            ),
            Chapter(
                "Second",
                [
                    Segment(
                        "The D P R K said so.",
                        7000,
                        "body",
                        [
                            Span("The ", "The "),
                            Span("DPRK", "D P R K", "acronym"),
                            Span(" said so.", " said so."),
                        ],
                    )
                ],
            ),
        ],
        metadata=ArticleMeta(date="2025-09-04", url="https://example.com/a?b=1&c=2"),
    )


def test_ssml_is_well_formed_with_namespace_lang_and_marks():
    text = render_ssml(make_script())
    root = ET.fromstring(text.encode())
    assert root.tag == f"{{{SSML_NS}}}speak"
    assert root.get("version") == "1.1"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    assert [m.get("name") for m in root.findall("s:mark", NS)] == ["ch1", "ch2"]
    assert root.find(".//s:sub", NS).get("alias") == "three dollars"
    assert root.find(".//s:say-as", NS).text == "DPRK"
    assert "Tom &amp; Jerry &lt;live&gt;" in text


def test_long_pauses_are_split_into_breaks_of_at_most_five_seconds():
    root = ET.fromstring(render_ssml(make_script()).encode())
    times = [b.get("time") for b in root.findall("s:break", NS)]
    assert "5000ms" in times and "2000ms" in times
    assert all(int(t[:-2]) <= 5000 for t in times)


def test_round_trip_keeps_text_pauses_roles_chapters_and_metadata():
    script = make_script()
    again = parse_ssml(render_ssml(script))
    assert again.to_text() == script.to_text()
    assert [c.title for c in again.chapters] == ["Intro & more", "Second"]
    original = [(s.text, s.pause_after_ms, s.role, s.written) for _, s in script.segments()]
    assert [(s.text, s.pause_after_ms, s.role, s.written) for _, s in again.segments()] == original
    assert again.title == script.title and again.author == script.author
    assert again.metadata == script.metadata


def test_phoneme_output_for_ipa_entries():
    script = SpeechScript(
        "T",
        chapters=[
            Chapter(
                "T",
                [
                    Segment(
                        "shee said",
                        0,
                        "body",
                        [Span("Xi", "shee", "lexicon", "ɕi"), Span(" said", " said")],
                    )
                ],
            )
        ],
    )
    text = render_ssml(script, phonemes=True)
    node = ET.fromstring(text.encode()).find(".//s:phoneme", NS)
    assert node.get("ph") == "ɕi" and node.text == "Xi"
    assert "<sub" in render_ssml(script)


def test_hand_written_ssml_is_accepted():
    doc = """<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-GB">
      <p>Hello <emphasis>there</emphasis>. <break strength="strong"/> How are you?</p>
      <p><s>Fine.</s><break time="1.5s"/></p></speak>"""
    script = parse_ssml(doc)
    assert script.language == "en-GB"
    assert [s.text for _, s in script.segments()] == ["Hello there.", "How are you?", "Fine."]
    assert [s.pause_after_ms for _, s in script.segments()] == [700, 0, 1500]


@pytest.mark.parametrize(
    "doc",
    [
        "<speak><p>unclosed</speak>",
        "not xml at all",
        "<html><p>hi</p></html>",
        "<speak version='1.1'/>",
        '<speak><break time="soon"/><s>x</s></speak>',
    ],
)
def test_bad_ssml_is_an_input_error(doc):
    with pytest.raises(InputError):
        parse_ssml(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=300), st.text(max_size=40))
def test_arbitrary_text_always_gives_well_formed_ssml(body, heading):
    article = Article(
        title=heading, blocks=[Paragraph(body), Heading(heading or "x", 2), Paragraph(body)]
    )
    script = build_script(article)
    text = render_ssml(script)
    ET.fromstring(text.encode())  # well-formed
    if script.chapters:
        assert parse_ssml(text).to_text() == script.to_text()
