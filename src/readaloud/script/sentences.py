"""Split paragraph text into sentences, one utterance each.

A sentence ends at . ! ? or an ellipsis (with any closing quotes or brackets) followed by a
space and a capital, a digit or an opening quote. It does not end at abbreviations (Dr., No. 5,
Sept. 4, e.g.), initials (J. R. R. Tolkien), decimals, URLs or e-mail addresses; dotted
acronyms and abbreviations like "U.S." or "etc." end a sentence only when a word that usually
starts one follows. Sentences over `MAX_CHARS` are cut at ; : or , near the middle.
"""

from __future__ import annotations

import re

from .normalize_abbrev import abbreviations
from .rules import sentence_starters

# Piper's working memory grows with the utterance (about 0.8 MB a character per session,
# measured), so one utterance stays under this many characters.
MAX_CHARS = 300
CANDIDATE = re.compile(r"(?<![.!?])(?:[.!?]+|…)[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9])")
_TOKEN = re.compile(r"\S+$")
_INITIAL = re.compile(r"[(\[\"'“‘]?[A-Z]\.")
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}")
_NEVER_ENDS = {"title", "always"}
_BEFORE_NUMBERS = {"number", "month"}  # "No. 5", "Sept. 4": but "He said no. Talks went on."
_MAY_END = {"final"}
_CUTS = ("; ", ": ", ", ")


def _next_word(text: str, index: int) -> str:
    match = re.match(r"\s+[\"'“‘«(\[]?([\w'’]+)", text[index : index + 60])
    return match.group(1) if match else ""


def _is_boundary(text: str, match: re.Match, language: str) -> bool:
    terminator = match.group()
    if terminator[0] in "!?" or terminator[0] == "…" or terminator.startswith(".."):
        return True
    token_match = _TOKEN.search(text, max(0, match.start() - 40), match.start() + 1)
    token = token_match.group() if token_match else "."
    token = token.lstrip("([\"'“‘")
    starts_sentence = _next_word(text, match.end()) in sentence_starters(language)
    kinds = abbreviations(language).kinds
    kind = kinds.get(token)
    if kind == "place":
        return starts_sentence
    if kind in _BEFORE_NUMBERS:
        following = _next_word(text, match.end())
        return not following[:1].isdigit() and (kind == "number" or starts_sentence)
    if kind in _NEVER_ENDS:
        return False
    if kind in _MAY_END or _DOTTED.fullmatch(token) or _INITIAL.fullmatch(token):
        return starts_sentence
    return True


def _cut_point(sentence: str) -> int:
    """Where to cut: the ; : or , nearest the middle (a quarter on each side at least), else the
    space nearest the middle, else the middle itself (a run with no space at all)."""
    size = len(sentence)
    middle, low, high = size // 2, size // 4, 3 * size // 4
    for mark in (*_CUTS, ",", " "):
        if mark == " ":  # any space will do
            low, high = 0, size
        # Search outwards from the middle without listing every mark: linear in the window.
        before = sentence.rfind(mark, low, middle + 1)
        after = sentence.find(mark, middle, high + 1)
        found = [p for p in (before, after) if p >= 0]
        if found:
            best = min(found, key=lambda p: abs(p - middle))
            return best + len(mark.rstrip()) if mark != " " else best
    return middle


def cut_long(sentence: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut at the ; : or , (else the space) nearest the middle until every piece fits."""
    pieces, pending = [], [sentence]
    while pending:  # a stack, not recursion: a 1 MB "sentence" is cut into ~4,000 pieces
        piece = pending.pop()
        if len(piece) <= limit:
            pieces.append(piece)
            continue
        cut = _cut_point(piece)
        head, tail = piece[:cut].strip(), piece[cut:].strip()
        if not head or not tail:
            head, tail = piece[: len(piece) // 2], piece[len(piece) // 2 :]
        pending += [tail, head]
    return pieces


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Sentences of `text`, whitespace-normalized; `" ".join(result)` gives back the text."""
    text = " ".join(text.split())
    if not text:
        return []
    language = (language or "en").replace("_", "-").lower()
    sentences, start = [], 0
    for match in CANDIDATE.finditer(text):
        if _is_boundary(text, match, language):
            sentences.append(text[start : match.end()])
            start = match.end() + 1  # the single space after it
    sentences.append(text[start:])
    result = []
    for sentence in sentences:
        if sentence:
            result.extend(cut_long(sentence, MAX_CHARS))
    return result
