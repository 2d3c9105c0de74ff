"""The sync map and the markup renderer: every spoken sentence has an id, a time and its place."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from book_tools import fake_timeline

from readaloud.api import ScriptOptions, load_source
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
from readaloud.markup import RenderOptions, SyncMap, build_sync, render, to_html, to_xhtml
from readaloud.publish.transcript import cues
from readaloud.script.model import SpeechScript
from readaloud.script.reading import ReadingSettings, build_script

XHTML = "http://www.w3.org/1999/xhtml"

ARTICLE = Article(
    title="Ties & Talks",
    author="Ann Writer",
    date="2025-09-04",
    language="en",
    blocks=[
        Heading("Ties & Talks", 1),
        Paragraph("An opening paragraph. It has two sentences."),
        Heading("Who Met", 2),
        Paragraph("Leaders met in Beijing.", label="Background"),
        Table(
            header=["Leader", "Country", "Key Focus"],
            rows=[["Kim", "North Korea", "Ties"], ["Xi", "China", "Stability"], ["", "", ""]],
            caption="The leaders",
        ),
        Heading("Details", 3),
        ListBlock(["First point", "Second point. With more", "  "], ordered=True, start=3),
        Quote("We agree. On most things.", attribution="A spokesperson"),
        Callout("Did You Know?", "The visit lasted four days."),
        Code("print('hi')\nprint('bye')", language="python"),
        Figure(alt="A train at a station", caption="Arrival"),
        Heading("Questions", 2),
        FAQ(
            [QA("Why did they meet?", "To talk. And to be seen."), QA("When?", "")],
            title="FAQ",
        ),
        Table(header=["Founded", ""], rows=[["Year", "1998"]]),
        Table(header=[], rows=[["only one column"], ["layout cell"]]),
    ],
)


@pytest.fixture(scope="module")
def made():
    script = build_script(ARTICLE, ReadingSettings(code="read"))
    timeline = fake_timeline(script)
    sync = build_sync(script, timeline, ARTICLE)
    return script, timeline, sync


def test_script_json_does_not_carry_origins(made):
    script, _, _ = made
    assert all(segment.origin is not None for _, segment in script.segments())
    assert "origin" not in script.to_json()
    again = SpeechScript.from_json(script.to_json())
    assert again.to_dict() == script.to_dict()


def test_sentence_ids_and_times_follow_the_transcript(made):
    script, timeline, sync = made
    assert len(sync.sentences) == sum(1 for _ in script.segments())
    ids = [s.id for s in sync.sentences]
    assert len(set(ids)) == len(ids)
    assert ids[:3] == ["s1-1", "s1-2", "s1-3"]
    spans = [(c.start_ms, c.end_ms, c.text) for c in cues(script, timeline)]
    assert [(s.start_ms, s.end_ms, s.text) for s in sync.sentences] == spans
    # Contiguous: each sentence runs up to the next one's start.
    for one, two in zip(sync.sentences, sync.sentences[1:], strict=False):
        assert one.end_ms == two.start_ms
    assert [c.title for c in sync.chapters] == ["Ties & Talks", "Who Met", "Questions"]
    assert sync.chapters[1].start_ms == next(s.start_ms for s in sync.sentences if s.chapter == 1)


def test_origins_name_block_and_part(made):
    _, _, sync = made
    origin = {(s.block, s.part) for s in sync.sentences}
    assert {(None, "title"), (None, "author"), (None, "date")} <= origin
    assert {(4, "intro"), (4, "row:0"), (4, "row:1")} <= origin
    assert {(6, "intro"), (6, "item:0"), (6, "item:1"), (7, "open"), (7, "close")} <= origin
    assert {(12, "question:0"), (12, "answer:0"), (12, "question:1"), (9, "line:1")} <= origin
    assert {(14, "cell:0"), (14, "cell:1"), (13, "intro"), (13, "row:0")} <= origin


def test_sync_map_round_trips_as_json(made):
    _, _, sync = made
    again = SyncMap.from_json(sync.to_json())
    assert again.to_dict() == sync.to_dict()
    assert json.loads(sync.to_json())["sync_version"] == 1


def parse(part) -> ET.Element:
    doc = f'<div xmlns="{XHTML}" xmlns:epub="http://www.idpf.org/2007/ops">{to_xhtml(part.body)}</div>'
    return ET.fromstring(doc)


def test_every_sentence_is_placed_once_in_reading_order(made):
    _, _, sync = made
    parts = render(sync)
    assert len(parts) == 3
    assert [i for p in parts for i in p.sentences] == [s.id for s in sync.sentences]
    for part in parts:
        tree = parse(part)
        found = [e.get("id") for e in tree.iter() if "ra-sentence" in (e.get("class") or "")]
        assert found == part.sentences


def test_real_markup(made):
    _, _, sync = made
    parts = render(sync)
    first, second = parse(parts[0]), parse(parts[1])
    ns = {"h": XHTML}
    assert first.find(".//h:h1", ns).get("id") == "title"
    table = second.find(".//h:table", ns)
    assert table.find("h:caption", ns).text == "The leaders"
    assert [th.text for th in table.findall("h:thead/h:tr/h:th", ns)] == [
        "Leader",
        "Country",
        "Key Focus",
    ]
    assert {th.get("scope") for th in table.findall("h:thead/h:tr/h:th", ns)} == {"col"}
    assert len(table.findall("h:tbody/h:tr", ns)) == 2  # the empty row is not shown
    # The announcement marks the header row; each row read marks its tr.
    intro = next(s.id for s in sync.sentences if (s.block, s.part) == (4, "intro"))
    assert table.find("h:thead/h:tr", ns).get("id") == intro
    ordered = second.find(".//h:ol", ns)
    assert ordered.get("start") == "3" and ordered.get("class") == "ra-sentence"
    spans = ordered.findall("h:li/h:span", ns)
    # "Third: First point." is spoken; the item shows "First point".
    assert spans[0].text == "First point"
    assert [s.text for s in ordered.findall("h:li[2]/h:span", ns)] == ["Second point.", "With more"]
    assert second.find(".//h:h3", ns) is not None  # h3 under h2, levels kept
    aside = second.find(".//h:aside", ns)
    assert aside.get("id") and aside.find("h:p/h:strong/h:span", ns).text == "Did You Know?"
    assert second.find(".//h:blockquote/h:footer/h:span", ns).text == "A spokesperson"
    assert second.find(".//h:figure", ns).get("class") == "ra-figure ra-sentence"
    assert [s.text for s in second.findall(".//h:pre/h:code/h:span", ns)] == [
        "print('hi')",
        "print('bye')",
    ]
    third = parse(parts[2])
    dts = third.findall(".//h:dl/h:dt", ns)
    assert [d.find("h:span", ns).text for d in dts] == ["Why did they meet?", "When?"]
    answers = third.findall(".//h:dl/h:dd", ns)
    assert [s.text for s in answers[0].findall("h:span", ns)] == ["To talk.", "And to be seen."]
    assert len(answers) == 2  # an empty dd keeps the dt/dd pairs valid
    layout = [p.find("h:span", ns).text for p in third.findall("h:section/h:p", ns)][-2:]
    assert layout == ["only one column", "layout cell"]
    assert [(s.kind, len(s.sentences)) for s in parts[1].structures] == [
        ("table", 3),
        ("list", 4),
        ("aside", 2),
    ]


def test_navigation_headings(made):
    _, _, sync = made
    parts = render(sync)
    headings = [(h.level, h.text, h.sentence is not None) for p in parts for h in p.headings]
    assert headings == [
        (1, "Ties & Talks", True),
        (2, "Who Met", True),
        (3, "Details", True),
        (2, "Questions", True),
        (3, "FAQ", True),
    ]


def test_html5_has_timing_and_no_epub_attributes(made):
    _, _, sync = made
    parts = render(sync, RenderOptions(timing=True))
    html = to_html(parts[1].body)
    assert "epub:" not in html
    first = sync.in_chapter(1)[0]
    assert f'id="{first.id}"' in html
    assert f'data-start="{first.start_ms / 1000:.3f}" data-end="{first.end_ms / 1000:.3f}"' in html
    assert "data-start" not in to_xhtml(render(sync)[1].body)


def test_script_without_article_still_places_every_sentence(made):
    script, timeline, _ = made
    sync = build_sync(SpeechScript.from_json(script.to_json()), timeline, None)
    parts = render(sync)
    assert [i for p in parts for i in p.sentences] == [s.id for s in sync.sentences]
    assert all(s.block is None and s.part == "" for s in sync.sentences)


def test_seed_article_places_every_sentence_in_order(seed_path):
    loaded = load_source(str(seed_path), ScriptOptions())
    sync = build_sync(loaded.script, fake_timeline(loaded.script), loaded.article)
    parts = render(sync)
    assert len(parts) == 12
    assert [i for p in parts for i in p.sentences] == [s.id for s in sync.sentences]
    table = next(s for p in parts for s in p.structures if s.kind == "table")
    assert len(table.sentences) == 4  # the announcement and three rows
    faq = next(p for p in parts if p.title.startswith("Frequently Asked"))
    assert to_xhtml(faq.body).count("<dt>") == 5
