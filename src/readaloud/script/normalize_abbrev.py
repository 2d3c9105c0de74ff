"""Abbreviations, acronyms, initials and Roman numerals, driven by the tables in
data/abbreviations.toml, data/acronyms.toml and data/roman.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .normalize_numbers import number_words
from .rules import Change, Context, Rule, ends_sentence, language_table, trie_pattern

VOWELS = set("AEIOU")
# Consonant pairs that can start an English syllable, for the "can it be said as a word" test.
_ONSETS = "BL BR CH CL CR DR FL FR GL GR KN PH PL PR QU SC SH SK SL SM SN SP ST SW TH TR TW WH WR"
ONSETS = frozenset(_ONSETS.split())
ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """The value of a well-formed Roman numeral, else None ("IIII", "MIX"?: 1009; "CIVIL": None)."""
    if not text or not ROMAN.fullmatch(text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = ROMAN_VALUES[char]
        following = ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def spell(letters: str, suffix: bool = False) -> str:
    """Spell "DPRK" as "D.P.R.K": Piper then says each letter name (see acronyms.toml).

    With an "'s" or plural "s" after two letters, the dotted form is misread ("E.U's" ->
    "E dot U's"), so those are spaced instead: "E U's".
    """
    chars = [c.upper() for c in letters if c.isalnum()]
    return (" " if suffix and len(chars) == 2 else ".").join(chars)


_POSSESSIVE = re.compile(r"['’]s\b")


# --- abbreviations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Abbreviations:
    kinds: dict[str, str]
    expansions: dict[str, str | dict[str, str]]
    pattern: re.Pattern | None


@cache
def abbreviations(language: str) -> Abbreviations:
    table = language_table("abbreviations.toml", language)
    kinds: dict[str, str] = {}
    expansions: dict[str, str | dict[str, str]] = {}
    for kind in ("title", "number", "always", "final", "month", "place"):
        for key, value in table.get(kind, {}).items():
            kinds[key] = kind
            expansions[key] = value
    # All keys start with a letter; a key ending in "." must not run into a word or another
    # dot, one ending in a letter must end the word ("vs" but not "vsx").
    pattern = None
    if expansions:
        pattern = re.compile(
            r"(?<![\w.])" + trie_pattern(expansions) + r"(?:(?<=\.)(?![\w.])|(?<=\w)(?!\w)|(?<=/))"
        )
    return Abbreviations(kinds, expansions, pattern)


_NEXT_NAME = re.compile(r"\s+[A-Z]")
_NEXT_NUMBER = re.compile(r"\s?(?:\d|[IVXLC]+\b)")
_PREVIOUS_NAME = re.compile(r"(?:[A-Z][a-z]+|\d+(?:st|nd|rd|th)?)\s+$")


def abbreviation(match: re.Match, context: Context) -> str | None:
    data = abbreviations(context.language)
    key = match.group()
    kind = data.kinds[key]
    text, end = context.text, match.end()
    expansion = data.expansions[key]
    if kind == "number":
        following = _NEXT_NUMBER.match(text, end)
        if not following:
            return None
        return expansion if following.group()[0].isspace() else expansion + " "
    if kind == "place":
        before_name = _NEXT_NAME.match(text, end) is not None
        after_name = _PREVIOUS_NAME.search(text, max(0, match.start() - 40), match.start())
        expansion = expansion["after"] if after_name and not before_name else expansion["before"]
        kind = "final" if after_name and not before_name else "title"
    if (
        key.endswith(".")
        and kind in ("always", "final")
        and ends_sentence(text, end, context.language)
    ):
        expansion += "."  # the abbreviation's period also ended the sentence
    return expansion


# --- acronyms and initials -----------------------------------------------------------------


@dataclass(frozen=True)
class Acronyms:
    letters: frozenset[str]
    words: frozenset[str]
    say: dict[str, str]


@cache
def acronyms(language: str) -> Acronyms:
    table = language_table("acronyms.toml", language)
    return Acronyms(
        frozenset(table.get("letters", ())),
        frozenset(table.get("words", ())) | frozenset(table.get("emphasis", ())),
        dict(table.get("say", {})),
    )


# Consonant groups that can end an English syllable.
_CODAS = (
    "CH CK CT FT LD LF LK LM LP LT MP NCH ND NG NK NT PH PS PT RB RD RK RL RM RN RP RS RT SH SK "
    "SP ST TCH TH TS CS KS LS MS NS DS GS BS FF LL SS TT NN RR ZZ"
)
CODAS = frozenset(_CODAS.split())
ONSETS3 = frozenset({"STR", "SPR", "SCR", "SPL", "SQU", "THR", "SHR"})
MAX_SPELLED = 6


def pronounceable(word: str) -> bool:
    """Whether an unknown capitalized word can be read as a word (NATO, CERN) rather than
    spelled (DPRK, HTML): it has vowels, starts and ends with consonant groups English
    syllables use, and has no long runs of vowels or consonants inside."""
    word = word.upper()
    if len(word) < 4 or not word.isalpha():
        return False
    groups = re.findall(r"[AEIOUY]+|[^AEIOUY]+", word)
    vowels = [g for g in groups if g[0] in "AEIOUY"]
    if not vowels or any(len(v) > 2 for v in vowels):
        return False
    if groups[0] == "Y" * len(groups[0]) and len(groups) > 1:
        return False
    first, last = groups[0], groups[-1]
    if first[0] not in "AEIOUY" and len(first) > 1 and first not in ONSETS | ONSETS3:
        return False
    if last[0] not in "AEIOUY" and len(last) > 1 and last not in CODAS:
        return False
    inner = groups[1:-1]
    return all(len(g) <= 2 or g[0] in "AEIOUY" for g in inner)


DOTTED = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}(?:[A-Za-z](?![\w.]))?")


def dotted(match: re.Match, context: Context) -> str:
    spoken = spell(match.group(), bool(_POSSESSIVE.match(context.text, match.end())))
    if match.group().endswith(".") and ends_sentence(context.text, match.end(), context.language):
        spoken += "."
    return spoken


CAPITALS = re.compile(r"(?<![\w.&])(?P<word>[A-Z](?:[A-Z]|&[A-Z])+)(?P<plural>s)?(?![\w&])")
_LOWER = re.compile(r"[a-z]")
_CAPITAL_WORD = re.compile(r"\b[A-Z]{2,}\b")


def _shouting(text: str, start: int, end: int) -> bool:
    """All-capital surroundings (a headline in capitals): leave the words to the voice."""
    low, high = max(0, start - 40), min(len(text), end + 40)
    if _LOWER.search(text, low, high):
        return False
    others = _CAPITAL_WORD.findall(text[low:start]) + _CAPITAL_WORD.findall(text[end:high])
    return bool(others)


def capitals(match: re.Match, context: Context) -> str | None:
    data = acronyms(context.language)
    word, plural = match["word"], match["plural"] or ""
    if word in data.say:
        return data.say[word] + plural
    if _shouting(context.text, match.start(), match.end()) or word in data.words:
        return None
    if "&" in word:
        return " and ".join(spell(part) for part in word.split("&"))
    if word not in data.letters and (
        not context.options.spell_unknown_acronyms
        or len(word) > MAX_SPELLED  # RUSTFLAGS: a word or a name, not letters to spell
        or pronounceable(word)
        or (set(word) <= set("IVXLC") and roman_value(word))
    ):
        return None
    suffix = bool(plural) or bool(_POSSESSIVE.match(context.text, match.end()))
    return spell(word, suffix) + ("'s" if plural else "")


INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s+)*[A-Z]\.(?=\s+[A-Z][a-z])")


def initials(match: re.Match, context: Context) -> str | None:
    if ends_sentence(context.text, match.end(), context.language):
        return None  # "Plan B. The next step": a sentence ends here
    return spell(match.group())


# --- Roman numerals --------------------------------------------------------------------------


@dataclass(frozen=True)
class RomanContext:
    cardinal: frozenset[str]
    regnal: frozenset[str]
    the: str


@cache
def roman_context(language: str) -> RomanContext:
    table = language_table("roman.toml", language)
    return RomanContext(
        frozenset(w.rstrip(".").casefold() for w in table.get("cardinal", ())),
        frozenset(table.get("regnal", ())),
        table.get("the", "the"),
    )


ROMAN_AFTER_NAME = re.compile(
    r"(?<!\w)(?P<prev>[A-Z][a-z]+\.?|Mk)\s+(?P<num>[IVXLCDM]{1,9})(?!\w|['’](?:m|ll|d|ve|re)\b)"
)
_NAME_BEFORE = re.compile(r"[A-Z][a-z]+\s+$")


def roman(match: re.Match, context: Context) -> list[Change] | None:
    data = roman_context(context.language)
    numeral, previous = match["num"], match["prev"].rstrip(".")
    value = roman_value(numeral)
    if value is None:
        return None
    words = number_words(context)
    span = match.span("num")
    if match["prev"].endswith(".") and previous.casefold() not in data.cardinal:
        return None  # "said Paul. I think": a sentence ended; only "Vol. III" keeps going
    if previous.casefold() in data.cardinal:
        spoken = words.cardinal(value).title()
        return [Change(*span, spoken, "roman")]
    if not set(numeral) <= set("IVX") or value > 40:
        return None
    name_like = _NAME_BEFORE.search(context.text, max(0, match.start() - 30), match.start())
    if previous in data.regnal or (numeral in ("II", "III", "IV") and name_like):
        return [Change(*span, f"{data.the} {words.ordinal(value).title()}", "roman")]
    return None


@cache
def english_abbreviation_rules() -> list[Rule]:
    """Abbreviation, Roman numeral and acronym rules, after the number rules."""
    rules = []
    pattern = abbreviations("en").pattern
    if pattern is not None:
        rules.append(Rule("abbrev", pattern, abbreviation))
    rules += [
        Rule("roman", ROMAN_AFTER_NAME, roman, partial=True),
        Rule("acronym.letters", DOTTED, dotted),
        Rule("initials", INITIALS, initials),
        Rule("acronym.letters", CAPITALS, capitals),
    ]
    return rules
