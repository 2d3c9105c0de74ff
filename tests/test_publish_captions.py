"""Caption layout (Podcast Index guidance): VTT lines <= 65 characters, SRT cues <= 2 lines of
32; long sentences split into timed cues that keep their sentence's times; SRT text survives
ffmpeg's SRT reader."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from test_publish_sidecars import _script_and_timeline

from readaloud.audio.timeline import Timeline
from readaloud.ffmpeg import run_ffmpeg
from readaloud.publish.captions import SRT_LAYOUT, VTT_LAYOUT, caption_cues, wrap
from readaloud.publish.transcript import Cue, cues, render_srt, render_vtt, segment_times
from readaloud.script.model import Chapter, Segment, Span, SpeechScript

TIMING = re.compile(r"^\d\d:\d\d:\d\d[.,]\d{3} --> \d\d:\d\d:\d\d[.,]\d{3}$")
LONG = (
    "The relationship between North Korea and China dates back to the Korean War (1950-1953), "
    "when China intervened to support North Korea against the US-led United Nations forces, "
    "and it has remained close ever since, see https://example.org/a/very/long/path/to/a/page."
)


def blocks(text: str) -> list[list[str]]:
    """Cue text lines of a VTT or SRT file."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        at = next(i for i, line in enumerate(lines) if TIMING.match(line))
        out.append(lines[at + 1 :])
    return out


def sentences() -> list[Cue]:
    return [
        Cue(0, 1500, "Short one.", segment=0, speech_end_ms=1200),
        Cue(1500, 30_000, LONG, segment=1, speech_end_ms=29_000),
        Cue(30_000, 31_000, "End.", segment=3, speech_end_ms=30_800),
    ]


def test_vtt_and_srt_layout():
    vtt = blocks(render_vtt(sentences())[len("WEBVTT") :])
    assert all(1 <= len(cue) <= 2 and all(len(line) <= 65 for line in cue) for cue in vtt)
    srt = blocks(render_srt(sentences()))
    assert all(1 <= len(cue) <= 2 and all(len(line) <= 32 for line in cue) for cue in srt)
    # the long sentence: three VTT cues, each ending at clause punctuation, lines balanced
    assert vtt[1:4] == [
        [
            "The relationship between North Korea and China",
            "dates back to the Korean War (1950-1953),",
        ],
        [
            "when China intervened to support North Korea",
            "against the US-led United Nations forces,",
        ],
        [
            "and it has remained close ever since,",
            "see https://example.org/a/very/long/path/to/a/page.",
        ],
    ]
    assert len(srt) == 7
    assert srt[5] == ["https://example.org/a/very/long/", "path/to/a/page."]  # cut at 32
    # no words lost or reordered
    assert " ".join(" ".join(cue) for cue in vtt[1:4]) == LONG


def test_caption_cues_keep_each_sentences_time_and_index():
    for layout in (VTT_LAYOUT, SRT_LAYOUT):
        parts = caption_cues(sentences(), layout)
        for sentence in sentences():
            mine = [p for p in parts if p.segment == sentence.segment]
            assert mine[0].start_ms == sentence.start_ms and mine[-1].end_ms == sentence.end_ms
            assert all(a.end_ms == b.start_ms for a, b in zip(mine, mine[1:], strict=False))
            assert all(p.start_ms < p.end_ms for p in mine)
        long = [p for p in parts if p.segment == 1]
        # times follow the characters over the speech (up to 29 s), the last takes the pause
        assert long[-2].end_ms < 29_000 and len(long) > 2
        sizes = [len(p.text) for p in long[:-1]]
        spans = [p.end_ms - p.start_ms for p in long[:-1]]
        assert max(s / d for s, d in zip(sizes, spans, strict=True)) < 1.3 * min(
            s / d for s, d in zip(sizes, spans, strict=True)
        )


def test_lines_are_balanced_and_break_after_punctuation():
    def lines(text: str, width: int) -> list[str]:
        return wrap(text.split(), width)

    text = "It was a bright cold day in April and the clocks were striking"
    assert lines(text, 40) == ["It was a bright cold day in April", "and the clocks were striking"]
    text = "It was a bright cold day in April, and the clocks were striking thirteen"
    assert lines(text, 65) == [
        "It was a bright cold day in April,",
        "and the clocks were striking thirteen",
    ]
    assert lines("Short line.", 65) == ["Short line."]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghij,.;", min_size=1, max_size=80), min_size=1, max_size=60)
)
def test_any_sentence_fits_the_layout(words):
    text = " ".join(words)
    for layout in (VTT_LAYOUT, SRT_LAYOUT):
        parts = caption_cues([Cue(1000, 9000, text, segment=7)], layout)
        assert parts[0].start_ms == 1000 and parts[-1].end_ms == 9000
        for part in parts:
            assert 1 <= len(part.lines) <= layout.lines
            assert all(0 < len(line) <= layout.width for line in part.lines)
        assert "".join("".join(p.lines) for p in parts).replace(" ", "") == text.replace(" ", "")


def test_srt_markup_survives_ffmpegs_srt_reader(tmp_path):
    text = "Write <formula> where a < b and c > d, not {\\an8} or <b>bold</b>."
    srt = tmp_path / "t.srt"
    srt.write_text(render_srt([Cue(0, 2000, text, segment=0)]), encoding="utf-8")
    ass = tmp_path / "t.ass"
    run_ffmpeg(["-i", str(srt), str(ass)])
    dialogue = " ".join(
        line.split(",,", 1)[1].split(",", 4)[-1]
        for line in ass.read_text(encoding="utf-8").splitlines()
        if line.startswith("Dialogue:")
    )
    shown = dialogue.replace("\\N", " ")
    assert "＜formula＞" in shown and "a ＜ b and c ＞ d" in shown
    assert "｛＼an8｝" in shown and "＜b＞bold＜/b＞" in shown
    assert "{" not in shown  # no ASS override codes reach the renderer


def test_sentence_times_are_the_span_of_their_caption_cues():
    """What the EPUB and player editions rely on: segment_times() (the sync map's times) is,
    for every sentence, its first caption cue's start to its last caption cue's end."""
    script, timeline = _script_and_timeline()
    times = segment_times(script, timeline)
    for layout in (VTT_LAYOUT, SRT_LAYOUT):
        parts = caption_cues(cues(script, timeline), layout)
        assert len(parts) > len(cues(script, timeline))  # the long sentence was split
        for index, span in enumerate(times):
            mine = [p for p in parts if p.segment == index]
            assert (mine[0].start_ms, mine[-1].end_ms) == span if span else not mine


def test_parts_are_timed_by_what_is_spoken_not_what_is_written():
    """ "1950-1953" takes longer to say than its nine characters suggest: the script's spans
    (written -> spoken) weight the split, so the part holding it gets more of the time."""
    years = Span("1950-1953", "nineteen fifty to nineteen fifty-three", "number.range")
    plain = "The war that divided the peninsula lasted from "
    tail = " and it never formally ended, since only an armistice was signed in the end."
    segment = Segment("", 0, spans=[Span(plain, plain), years, Span(tail, tail)])
    script = SpeechScript("T", None, "en", [Chapter("C", [segment])])
    timeline = Timeline(22050, 12_000, segments=[(0, 12_000)])
    [sentence] = cues(script, timeline)
    assert sentence.weights is not None
    weighted = caption_cues([sentence], SRT_LAYOUT)
    even = caption_cues([dataclasses.replace(sentence, weights=None)], SRT_LAYOUT)
    assert [p.text for p in weighted] == [p.text for p in even]
    holder = next(i for i, p in enumerate(weighted) if "1950-1953" in p.text)
    lengths = [[p.end_ms - p.start_ms for p in parts] for parts in (weighted, even)]
    assert lengths[0][holder] > lengths[1][holder] * 1.25  # 5.5 s against 4.0 s
    assert weighted[-1].end_ms == even[-1].end_ms == 12_000


def test_vtt_lines_count_the_escaped_text_in_the_file():
    text = "Run brew edit <formula> to open the <formula> & <cask> in EDITOR, then " + (
        "a&b<c>" * 20
    )
    vtt = render_vtt([Cue(0, 9000, text, segment=0)])
    lines = blocks(vtt[len("WEBVTT") :])
    assert all(len(line) <= 65 for cue in lines for line in cue)
    body = "".join("".join(cue) for cue in lines)
    assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", body)  # no reference cut in two
    assert body.replace(" ", "") == text.replace(" ", "").replace("&", "&amp;").replace(
        "<", "&lt;"
    ).replace(">", "&gt;")
