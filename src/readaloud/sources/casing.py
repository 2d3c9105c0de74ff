"""Proper-noun case repair for scraped text ("Xi jinping", "North korea" -> "Xi Jinping").

The article itself is the dictionary: a lower-case word is capitalised when the article spells
the same word pair capitalised elsewhere ("Xi Jinping" twice or more), or when the word is
almost always capitalised mid-sentence ("China" 30 times, "china" twice). Headings are not
counted because Title Case capitalises every word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD_RE = re.compile(r"[^\W\d_][\w'-]*")
MIN_PAIR = 2
MIN_WORD = 4
RATIO = 4


def _is_capitalized(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or not word[1:].isupper())


def _mid_sentence(text: str, start: int) -> bool:
    # Walk back over the gap before the word (never copy text[:start]: quadratic on long texts).
    index = start
    while index and text[index - 1] in " \"'(":
        index -= 1
    return index > 0 and text[index - 1] not in ".!?:"


class CaseModel:
    """Word and word-pair capitalisation counts of an article's running text."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.capital: Counter[str] = Counter()
        self.lower: Counter[str] = Counter()
        for text in texts:
            words = list(_WORD_RE.finditer(text))
            for index, match in enumerate(words):
                word = match.group(0)
                low = word.lower()
                if word.islower():
                    self.lower[low] += 1
                elif _is_capitalized(word) and _mid_sentence(text, match.start()):
                    self.capital[low] += 1
                if index and _is_capitalized(word):
                    prev = words[index - 1]
                    gap = text[prev.end() : match.start()]
                    if gap == " " and _is_capitalized(prev.group(0)):
                        self.pairs[(prev.group(0).lower(), low)] += 1

    def _should_capitalize(self, prev: str | None, word: str, nxt: str | None) -> bool:
        low = word.lower()
        if prev and _is_capitalized(prev) and self.pairs[(prev.lower(), low)] >= MIN_PAIR:
            return True
        if nxt and _is_capitalized(nxt) and self.pairs[(low, nxt.lower())] >= MIN_PAIR:
            return True
        return self.capital[low] >= MIN_WORD and self.lower[low] * RATIO <= self.capital[low]

    def fix(self, text: str) -> str:
        """`text` with lower-case proper nouns capitalised."""
        words = list(_WORD_RE.finditer(text))

        def joined(left: int, right: int) -> bool:
            """True when words[left] and words[right] are separated by exactly one space."""
            if left < 0 or right >= len(words):
                return False
            return text[words[left].end() : words[right].start()] == " "

        out = []
        last = 0
        for index, match in enumerate(words):
            word = match.group(0)
            if not word.islower():
                continue
            prev = words[index - 1].group(0) if joined(index - 1, index) else None
            nxt = words[index + 1].group(0) if joined(index, index + 1) else None
            if self._should_capitalize(prev, word, nxt):
                out.append(text[last : match.start()])
                out.append(word[0].upper() + word[1:])
                last = match.end()
        out.append(text[last:])
        return "".join(out)
