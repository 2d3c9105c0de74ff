"""Sidecars: slugs, Podcasting 2.0 JSON chapters, VTT/SRT/JSON transcripts, the manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readaloud.audio.timeline import ChapterMark, Timeline
from readaloud.publish import transcript
from readaloud.publish.chapters_json import chapters_document, chapters_json
from readaloud.publish.manifest import KEYS, FileEntry, Manifest
from readaloud.publish.slug import MAX_SLUG, choose_slug, slugify
from readaloud.script.model import Chapter, Segment, Span, SpeechScript

FIXTURES = Path(__file__).parent / "fixtures" / "publish"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "Kim Jong Un & Xi Jinping Meet: Strengthening Ties",
            "kim-jong-un-and-xi-jinping-meet-strengthening-ties",
        ),
        ("Zürich's Straße — Œuvre", "zurichs-strasse-oeuvre"),
        ("  --Hello,   World!!--  ", "hello-world"),
        ("日本語のタイトル", "episode"),
        ("", "episode"),
        ("CON", "con-episode"),
        ("iPhone 16e: A Review", "iphone-16e-a-review"),
    ],
)
def test_slugify_table(title, slug):
    assert slugify(title) == slug


@given(st.text(max_size=300))
def test_slugs_are_always_safe(title):
    slug = slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert 0 < len(slug) <= MAX_SLUG


def test_long_titles_are_cut_on_a_word():
    slug = slugify("word " * 40)
    assert len(slug) <= MAX_SLUG and slug.endswith("word") and "--" not in slug


def _manifest(folder: Path, slug: str, guid: str, source: str) -> None:
    (folder / f"{slug}.json").write_text(json.dumps({"guid": guid, "source": source}))


def test_choose_slug_never_collides_silently(tmp_path):
    assert choose_slug("Hello World", tmp_path, "guid-a") == "hello-world"
    _manifest(tmp_path, "hello-world", "guid-a", "a.html")
    assert choose_slug("Hello World", tmp_path, "guid-a") == "hello-world"  # same article
    assert choose_slug("Hello World", tmp_path, "a.html") == "hello-world"  # by source too
    assert choose_slug("Hello World", tmp_path, "guid-b") == "hello-world-2"
    _manifest(tmp_path, "hello-world-2", "guid-b", "b.html")
    assert choose_slug("Hello World", tmp_path, "guid-c") == "hello-world-3"
    assert choose_slug("Hello World", tmp_path, "guid-b") == "hello-world-2"


def test_choose_slug_skips_foreign_audio_but_reuses_own_orphan(tmp_path):
    (tmp_path / "talk.mp3").write_bytes(b"\xff\xfb" + bytes(500))  # someone else's file
    assert choose_slug("Talk", tmp_path, "g") == "talk-2"
    from mutagen.id3 import ID3, TSSE

    orphan = tmp_path / "news.mp3"  # ours, left by an interrupted run (no manifest)
    orphan.write_bytes(b"")
    tag = ID3()
    tag.add(TSSE(encoding=3, text=["readaloud 0.1.0"]))
    tag.save(orphan)
    assert choose_slug("News", tmp_path, "g") == "news"


def test_json_chapters_document():
    marks = [ChapterMark("Intro", 0, 1500), ChapterMark("Body", 1500, 62_000, "https://e.x/#b")]
    doc = chapters_document(marks, title="T", author="A", podcast_name="P", file_name="t.mp3")
    assert doc == {
        "version": "1.2.0",
        "title": "T",
        "author": "A",
        "podcastName": "P",
        "fileName": "t.mp3",
        "chapters": [
            {"startTime": 0, "title": "Intro", "endTime": 1.5},
            {"startTime": 1.5, "title": "Body", "endTime": 62, "url": "https://e.x/#b"},
        ],
    }
    assert json.loads(chapters_json(marks)) == {"version": "1.2.0", "chapters": doc["chapters"]}


def _script_and_timeline() -> tuple[SpeechScript, Timeline]:
    long = " ".join(["A long sentence that keeps going"] * 8) + "."
    script = SpeechScript(
        title="T",
        chapters=[
            Chapter(
                "Heading & <Co>",
                [
                    Segment("H and Co", 500, "heading", [Span("Heading & <Co>", "H and Co")]),
                    Segment("Dr. Smith paid 5 dollars.", 300, spans=[
                        Span("Dr.", "Doctor", "abbrev"), Span(" Smith paid ", " Smith paid "),
                        Span("$5", "5 dollars", "money"), Span(".", "."),
                    ]),
                    Segment("", 400),
                ],
            ),
            Chapter("Two", [Segment("Arrows --> here", 200), Segment(long, 1000)]),
        ],
    )  # fmt: skip
    timeline = Timeline(
        sample_rate=22050,
        duration_ms=20_000,
        segments=[(0, 1200), (1700, 4000), None, (4700, 6000), (6200, 19_000)],
        chapters=[ChapterMark("Heading & <Co>", 0, 4700), ChapterMark("Two", 4700, 20_000)],
    )
    return script, timeline


def test_cues_use_written_text_and_fill_pauses():
    script, timeline = _script_and_timeline()
    cues = transcript.cues(script, timeline)
    assert [c.text for c in cues][:3] == ["Heading & <Co>", "Dr. Smith paid $5.", "Arrows --> here"]
    assert [(c.start_ms, c.end_ms) for c in cues] == [
        (0, 1700),
        (1700, 4700),  # through its pause and the silent segment's
        (4700, 6200),
        (6200, 20_000),  # the last cue runs to the end of the article audio
    ]


def test_vtt_and_srt_golden():
    script, timeline = _script_and_timeline()
    cues = transcript.cues(script, timeline)
    vtt = transcript.render_vtt(cues)
    srt = transcript.render_srt(cues)
    assert vtt == (FIXTURES / "transcript.vtt").read_text(encoding="utf-8")
    assert srt == (FIXTURES / "transcript.srt").read_text(encoding="utf-8")
    assert "-->" not in "".join(vtt.splitlines(True)[i] for i in (4, 7, 10))
    doc = json.loads(transcript.render_json(cues))
    assert doc["version"] == "1.0.0"
    assert doc["segments"][1] == {"startTime": 1.7, "endTime": 4.7, "body": "Dr. Smith paid $5."}


def test_vtt_has_no_arrow_or_markup_in_text():
    cue = transcript.Cue(0, 1000, "a --> b <i>x</i> & c")
    body = transcript.render_vtt([cue]).split("\n\n")[1].split("\n", 1)[1].rstrip("\n")
    assert body == "a --&gt; b &lt;i&gt;x&lt;/i&gt; &amp; c"


def test_manifest_key_order_and_round_trip(tmp_path):
    audio = tmp_path / "x.mp3"
    audio.write_bytes(b"abc")
    manifest = Manifest(
        slug="x",
        title="X",
        duration_ms=1234,
        chapters=[ChapterMark("One", 0, 1234, "https://e.x")],
        files={
            "vtt": FileEntry("x.vtt", 1, "0" * 64, "text/vtt"),
            "audio": FileEntry.of(audio, "audio/mpeg"),
        },
    )
    data = json.loads(manifest.to_json())
    assert list(data) == list(KEYS)
    assert list(data["files"]) == ["audio", "vtt"]
    assert data["files"]["audio"] == {
        "name": "x.mp3",
        "bytes": 3,
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "type": "audio/mpeg",
    }
    assert data["chapters"] == [{"title": "One", "start_ms": 0, "end_ms": 1234}]
    again = Manifest.from_dict(data)
    assert again.to_json() == manifest.to_json()
