"""Text repair as small pure `str -> str` functions, applied in order (see REPAIRS below).

Each function fixes one kind of scraping damage; `repair_text` runs the list. Case repairs
(`capitalize_sentences`) are only safe on scraped plain text, where a lower-case sentence start
is damage rather than a deliberate `iPhone` or `npm`.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable
from importlib import resources

QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u0060": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)

_EMOJI_RE = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, symbols & pictographs ext.
    "\U00002600-\U000027bf"  # misc symbols and dingbats
    "\U0001f1e6-\U0001f1ff"  # regional indicators (flags)
    "\U00002b50\U00002b55\U00002b1b\U00002b1c"
    "\U0000fe0e\U0000fe0f"  # variation selectors
    "\U000e0020-\U000e007f"  # tag characters (subdivision flags)
    "\u20e3"  # combining keycap
    "\u2122\u00ae\u00a9"  # trademark signs are not read aloud
    "]+"
)

# "flux.The" -> "flux. The": a word of 2+ lower-case letters, sentence punctuation, then a
# capitalised word. Upper-case abbreviations (U.S.), decimals (3.2) and domains (example.com)
# do not match.
_SENTENCE_GLUE_RE = re.compile(r"(?<=[a-z][a-z])([.!?]|[.!?][\"')])(?=[A-Z][a-z])")
# "alliances,particularly" -> "alliances, particularly"; "1953),when" too; not "1,000".
_COMMA_GLUE_RE = re.compile(r"(?<=[A-Za-z)\]])([,;])(?=[A-Za-z(])")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"(?<=\w) +([,;:!?](?:\s|$)|\.(?:\s|$))")
_MULTISPACE_RE = re.compile(r"[ \t]{2,}")

ABBREVIATION_KINDS = ("title", "number", "always", "final", "month", "place")


@functools.cache
def abbreviations() -> frozenset[str]:
    """Words that end with a period but do not end a sentence, lower case without the period:
    every abbreviation of data/abbreviations.toml (all languages) and its `not_sentence_end`."""
    source = resources.files("readaloud") / "data" / "abbreviations.toml"
    found: set[str] = set()
    for table in tomllib.loads(source.read_text(encoding="utf-8")).values():
        for kind in ABBREVIATION_KINDS:
            found |= {word.rstrip(".").lower() for word in table.get(kind, {})}
        found |= {word.lower() for word in table.get("not_sentence_end", ())}
    return frozenset(found)


_SENTENCE_START_RE = re.compile(r"(^|[.!?][\"')\]]?\s+)([a-z][\w'-]*)")


def normalize_characters(text: str) -> str:
    """Unicode NFC, smart quotes to plain quotes, odd spaces to plain spaces."""
    return unicodedata.normalize("NFC", text).translate(QUOTES)


def remove_emoji(text: str) -> str:
    """Drop emoji and pictographs; they are either read as names or skipped badly."""
    return _EMOJI_RE.sub("", text)


def fix_missing_spaces(text: str) -> str:
    """Put back the space lost after sentence punctuation and commas ("flux.The")."""
    text = _SENTENCE_GLUE_RE.sub(r"\1 ", text)
    return _COMMA_GLUE_RE.sub(r"\1 ", text)


def key(text: str) -> str:
    """A comparison key: words only; case, punctuation and spacing ignored."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def tidy_spaces(text: str) -> str:
    """Collapse runs of spaces and remove a space before punctuation."""
    text = _MULTISPACE_RE.sub(" ", text)
    return _SPACE_BEFORE_PUNCT_RE.sub(r"\1", text).strip()


def capitalize_first(text: str) -> str:
    """Upper-case the first letter unless the word is a deliberate mixed-case one (iPhone)."""
    match = re.search(r"[^\W_]", text)
    if not match or match.group(0).isdigit():
        return text
    start = match.start()
    word = re.match(r"[\w'-]+", text[start:])
    if word and any(c.isupper() for c in word.group(0)[1:]):
        return text
    if text[start].islower():
        return text[:start] + text[start].upper() + text[start + 1 :]
    return text


def capitalize_sentences(text: str) -> str:
    """Upper-case lower-case sentence starts ("flux. the United" -> "flux. The United")."""

    def fix(match: re.Match[str]) -> str:
        lead, word = match.group(1), match.group(2)
        if lead:
            before = text[: match.start()].rstrip()
            last = re.search(r"([\w.]+)[.!?][\"')\]]?$", before + lead.strip())
            token = (last.group(1) if last else "").lower()
            # U.S. / e.g. / a.m. and listed abbreviations do not end a sentence.
            if token in abbreviations() or "." in token or len(token) == 1:
                return match.group(0)
        if any(c.isupper() for c in word[1:]):
            return match.group(0)
        return lead + word[0].upper() + word[1:]

    return _SENTENCE_START_RE.sub(fix, text)


Repair = Callable[[str], str]

REPAIRS: tuple[Repair, ...] = (
    normalize_characters,
    remove_emoji,
    fix_missing_spaces,
    tidy_spaces,
)
TEXT_REPAIRS: tuple[Repair, ...] = (*REPAIRS, capitalize_sentences)


def repair_text(text: str, repairs: tuple[Repair, ...] = REPAIRS) -> str:
    """Run each repair on `text` in order."""
    for repair in repairs:
        text = repair(text)
    return text
