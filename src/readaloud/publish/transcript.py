"""Timed transcripts: WebVTT, SRT and Podcasting 2.0 JSON from the sentences' times.

`cues` gives one cue per spoken sentence (script segment) with the text as the author wrote it
(`Segment.written`), timed from the assembled audio: a sentence lasts from its speech until the
next one starts (through the pause after it); the last runs to the end of the article audio.
The JSON transcript has these sentence cues; VTT and SRT split long sentences into caption
cues that fit the Podcast Index layout (see captions.py). Every cue keeps its sentence's index.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from ..audio.timeline import Timeline
from ..script.model import Segment, SpeechScript
from ..timefmt import stamp
from .captions import SRT_LAYOUT, VTT_LAYOUT, caption_cues

VTT_TYPE = "text/vtt"
SRT_TYPE = "application/x-subrip"
JSON_TYPE = "application/json"


# SRT has no escaping, and ffmpeg's SRT reader (like many players) takes <...> as markup and
# {...} and backslashes as ASS codes: such text is shown with look-alike full-width characters.
SRT_LITERAL = str.maketrans({"<": "＜", ">": "＞", "{": "｛", "}": "｝", "\\": "＼"})


@dataclass
class Cue:
    """One transcript cue: milliseconds and the written text (one paragraph, no line breaks)."""

    start_ms: int
    end_ms: int
    text: str
    role: str = "body"
    segment: int = -1
    """The sentence it belongs to: its index in `script.segments()` and `Timeline.segments`."""
    speech_end_ms: int | None = None
    """Where the sentence's speech ends (before its pause); None = at `end_ms`."""
    lines: list[str] | None = None
    """The caption lines (set on caption cues)."""
    weights: list[float] | None = None
    """How long each non-space character of `text` takes to say, in spoken characters ("1950"
    is read "nineteen fifty", a bracket as nothing); None = all alike. Times caption parts."""


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
    spans = segment_times(script, timeline)
    return [
        Cue(
            span[0],
            span[1],
            flat_text(segment.written),
            segment.role,
            index,
            speech[1],
            weights=_spoken_weights(segment),
        )
        for index, (segment, span, speech) in enumerate(
            zip(segments, spans, timeline.segments, strict=True)
        )
        if span is not None and speech is not None
    ]


def _spoken_weights(segment: Segment) -> list[float] | None:
    """Spoken characters per written non-space character, span by span (see Cue.weights)."""
    if not segment.spans:
        return None
    weights: list[float] = []
    for span in segment.spans:
        written = sum(not ch.isspace() for ch in span.written)
        spoken = sum(not ch.isspace() for ch in span.spoken)
        weights.extend([spoken / written] * written if written else [])
    return weights


# Escaping ">" also makes "-->" impossible inside a cue.
VTT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _vtt_escape(text: str) -> str:
    return "".join(VTT_ESCAPES.get(ch, ch) for ch in text)


def _vtt_escaped(cue: Cue) -> Cue:
    """`cue` with its text escaped for VTT (so line lengths count what is in the file), its
    spoken weights spread over the characters of each reference."""
    weights = cue.weights
    if weights is not None and len(weights) == sum(not ch.isspace() for ch in cue.text):
        spread = iter(weights)
        weights = [
            share
            for ch in cue.text
            if not ch.isspace()
            for share in [next(spread) / len(VTT_ESCAPES.get(ch, ch))]
            * len(VTT_ESCAPES.get(ch, ch))
        ]
    return dataclasses.replace(cue, text=_vtt_escape(cue.text), weights=weights)


def render_vtt(sentences: list[Cue]) -> str:
    """WebVTT: header, then `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues of at most two escaped lines
    of at most 65 characters (long sentences split into several cues)."""
    blocks = ["WEBVTT"]
    for cue in caption_cues([_vtt_escaped(cue) for cue in sentences], VTT_LAYOUT):
        timing = f"{stamp(cue.start_ms)} --> {stamp(cue.end_ms)}"
        blocks.append(timing + "".join(f"\n{line}" for line in cue.lines))
    return "\n\n".join(blocks) + "\n"


def render_srt(sentences: list[Cue]) -> str:
    """SubRip: numbered `HH:MM:SS,mmm --> HH:MM:SS,mmm` cues of at most two lines of 32
    characters; markup characters become look-alikes that every reader shows as text."""
    blocks = []
    for number, cue in enumerate(caption_cues(sentences, SRT_LAYOUT), 1):
        timing = f"{stamp(cue.start_ms, ',')} --> {stamp(cue.end_ms, ',')}"
        text = "\n".join(line.translate(SRT_LITERAL) for line in cue.lines)
        blocks.append(f"{number}\n{timing}\n{text}")
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
