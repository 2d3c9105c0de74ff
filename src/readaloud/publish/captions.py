"""Caption cues: a sentence split into timed cues that fit the Podcast Index layout guidance.

WebVTT lines of at most 65 characters and SRT cues of at most two lines of 32 characters, two
lines a cue. A long sentence becomes several cues cut at clause punctuation where one is near,
timed in proportion to their spoken characters within the sentence's speech (the engines
readaloud ships give no word timings). The first cue starts when the sentence starts and the last ends
when it ends, so a sentence's time is still its first cue's start to its last cue's end.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the transcript module renders captions with this one
    from .transcript import Cue

# Where a cue or a line may end: after clause punctuation (closing quotes and brackets count).
BREAK_AFTER = (",", ";", ":", ".", "!", "?", "—", "–")
TRAILING = "\"'”’)]»"


@dataclass(frozen=True)
class Layout:
    """How much text one cue may show."""

    width: int  # characters per line
    lines: int  # lines per cue


VTT_LAYOUT = Layout(width=65, lines=2)
SRT_LAYOUT = Layout(width=32, lines=2)


def _words(text: str, width: int) -> list[str]:
    """The words of `text`; a word wider than a line (a URL) is cut into line-wide pieces,
    never inside a character reference such as `&amp;` (escaped VTT text)."""
    words = []
    for word in text.split():
        start = 0
        while start < len(word):
            end = min(start + width, len(word))
            amp = word.rfind("&", start + 1, end)
            if end < len(word) and amp > 0 and ";" not in word[amp:end]:
                end = amp  # a reference is at most a few characters: cut before it
            words.append(word[start:end])
            start = end
    return words


def _clause_end(word: str) -> bool:
    return word.rstrip(TRAILING).endswith(BREAK_AFTER)


def _line_count(words: list[str], width: int) -> int:
    """Lines that greedy wrapping needs (greedy needs the fewest)."""
    lines, used = 1, -1
    for word in words:
        if used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += 1 + len(word)
    return lines


def _chunks(words: list[str], layout: Layout) -> list[list[str]]:
    """Words grouped into as few cues as fit, then of even length, ending at clause punctuation
    where that costs little: no stub of one word left at the end of a long sentence.

    Dynamic programming over cue ends; a cue holds at most a few dozen words, so each word
    looks back a bounded distance and the cost is linear in the sentence's length.
    """
    capacity = layout.width * layout.lines
    best: list[tuple[float, int]] = [(0.0, 0)]  # (cost of words[:i], where its last cue starts)
    for end in range(1, len(words) + 1):
        choice = (float("inf"), end - 1)
        for start in range(end - 1, -1, -1):
            chunk = words[start:end]
            if start < end - 1 and _line_count(chunk, layout.width) > layout.lines:
                break
            size = len(" ".join(chunk))
            cost = best[start][0] + 1000 + (capacity - size) ** 2 / capacity
            if end < len(words) and not _clause_end(words[end - 1]):
                cost += 25
            choice = min(choice, (cost, start))
        best.append(choice)
    chunks, end = [], len(words)
    while end > 0:
        start = best[end][1]
        chunks.append(words[start:end])
        end = start
    return chunks[::-1]


def wrap(words: list[str], width: int) -> list[str]:
    """Lines of at most `width`: one line if it fits, else balanced lines (two lines of similar
    length, preferring a break after punctuation) rather than a full line and a stub."""
    text = " ".join(words)
    if len(text) <= width:
        return [text]
    if _line_count(words, width) > 2:
        lines, line = [], ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        return [*lines, line]
    best, best_cost = 1, None
    for index in range(1, len(words)):
        first, second = " ".join(words[:index]), " ".join(words[index:])
        if len(first) > width or len(second) > width:
            continue
        cost = abs(len(first) - len(second)) - (8 if _clause_end(words[index - 1]) else 0)
        if best_cost is None or cost < best_cost:
            best, best_cost = index, cost
    return [" ".join(words[:best]), " ".join(words[best:])]


def _spoken_sizes(chunks: list[list[str]], weights: list[float] | None) -> list[float]:
    """How long each chunk takes to say, in spoken characters (+1 a chunk, so none is empty)."""
    counts = [sum(map(len, chunk)) for chunk in chunks]
    if weights is None or len(weights) != sum(counts):
        return [count + 1.0 for count in counts]
    sizes, at = [], 0
    for count in counts:
        sizes.append(sum(weights[at : at + count]) + 1.0)
        at += count
    return sizes


def split_cue(cue: Cue, layout: Layout) -> list[Cue]:
    """`cue` (one sentence) as cues that fit `layout`, each with its wrapped `lines`.

    Times are shared out in proportion to spoken characters (`cue.weights`) over the sentence's
    speech (`cue.start_ms` to `cue.speech_end_ms`); the last cue keeps the sentence's end.
    """
    chunks = _chunks(_words(cue.text, layout.width), layout)
    speech_end = cue.end_ms if cue.speech_end_ms is None else min(cue.end_ms, cue.speech_end_ms)
    span = max(0, speech_end - cue.start_ms)
    sizes = _spoken_sizes(chunks, cue.weights)
    total = sum(sizes)
    out, done, start = [], 0, cue.start_ms
    for number, (chunk, size) in enumerate(zip(chunks, sizes, strict=True), 1):
        done += size
        end = cue.end_ms if number == len(chunks) else cue.start_ms + int(span * done / total)
        lines = wrap(chunk, layout.width)
        out.append(
            dataclasses.replace(cue, start_ms=start, end_ms=end, text=" ".join(lines), lines=lines)
        )
        start = end
    return out


def caption_cues(sentences: list[Cue], layout: Layout) -> list[Cue]:
    """Every sentence cue split to fit `layout`; each part keeps its sentence's `segment`."""
    return [part for cue in sentences for part in split_cue(cue, layout)]
