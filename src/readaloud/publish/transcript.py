"""Timed transcripts: WebVTT, SRT and Podcasting 2.0 JSON, one cue per spoken segment.

Cues carry the text as the author wrote it (`Segment.written`), not the normalized spoken form,
and are timed from the assembled audio. A cue lasts from its speech until the next cue starts
(so it stays up through the pause after it); the last one runs to the end of the article audio.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass

from ..audio.chapters_read import format_ms
from ..audio.timeline import Timeline
from ..script.model import SpeechScript

LINE_WIDTH = 80
VTT_TYPE = "text/vtt"
SRT_TYPE = "application/x-subrip"
JSON_TYPE = "application/json"


@dataclass
class Cue:
    """One transcript cue: milliseconds and the written text (one paragraph, no line breaks)."""

    start_ms: int
    end_ms: int
    text: str
    role: str = "body"


def flat_text(text: str) -> str:
    """One line: runs of whitespace become one space."""
    return re.sub(r"\s+", " ", text).strip()


def segment_times(script: SpeechScript, timeline: Timeline) -> list[tuple[int, int] | None]:
    """Each segment's span as its cue shows it (None when it is not a cue), aligned with the
    script's segments: from its speech to the next cue's start; the last to the article's end.

    The text editions (EPUB overlays, DAISY, the player) take their times from here too.
    """
    segments = [segment for _, segment in script.segments()]
    if len(segments) != len(timeline.segments):
        raise ValueError("timeline does not belong to this script (segment counts differ)")
    spans: list[list[int] | None] = [
        list(times) if times is not None and flat_text(segment.written) else None
        for segment, times in zip(segments, timeline.segments, strict=True)
    ]
    found = [span for span in spans if span is not None]
    for span, nxt in zip(found, found[1:], strict=False):
        span[1] = max(span[1], nxt[0])
    if found:
        found[-1][1] = max(found[-1][1], timeline.article_end_ms)
    return [(span[0], span[1]) if span else None for span in spans]


def cues(script: SpeechScript, timeline: Timeline) -> list[Cue]:
    """One cue per segment that was spoken and has written text, in time order."""
    segments = [segment for _, segment in script.segments()]
    return [
        Cue(span[0], span[1], flat_text(segment.written), segment.role)
        for segment, span in zip(segments, segment_times(script, timeline), strict=True)
        if span is not None
    ]


def _lines(text: str) -> str:
    return "\n".join(
        textwrap.wrap(text, LINE_WIDTH, break_long_words=False, break_on_hyphens=False)
    )


def _vtt_escape(text: str) -> str:
    # Escaping ">" also makes "-->" impossible inside a cue.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(items: list[Cue]) -> str:
    """WebVTT: header, then `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues with wrapped, escaped text."""
    blocks = ["WEBVTT"]
    for cue in items:
        timing = f"{format_ms(cue.start_ms)} --> {format_ms(cue.end_ms)}"
        blocks.append(f"{timing}\n{_lines(_vtt_escape(cue.text))}")
    return "\n\n".join(blocks) + "\n"


def render_srt(items: list[Cue]) -> str:
    """SubRip: numbered cues with `HH:MM:SS,mmm --> HH:MM:SS,mmm` times (no markup escaping)."""
    blocks = []
    for number, cue in enumerate(items, 1):
        timing = f"{format_ms(cue.start_ms, ',')} --> {format_ms(cue.end_ms, ',')}"
        text = cue.text.replace("-->", "->")  # the one sequence that would end the timing line
        blocks.append(f"{number}\n{timing}\n{_lines(text)}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def render_json(items: list[Cue]) -> str:
    """Podcasting 2.0 JSON transcript (version 1.0.0), times in float seconds."""
    doc = {
        "version": "1.0.0",
        "segments": [
            {"startTime": cue.start_ms / 1000, "endTime": cue.end_ms / 1000, "body": cue.text}
            for cue in items
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
