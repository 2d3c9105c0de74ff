"""Number words through num2words, cleaned up for speech (no commas, US style without "and")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from num2words import CONVERTER_CLASSES, num2words

DIGIT_WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}
POINT = {"en": "point"}
# English variants that keep the "and" of "one hundred and five".
BRITISH = {"en-gb", "en-au", "en-nz", "en-ie", "en-za", "en-in"}
_AND = re.compile(r"\band\s+(?=\w)")
# Words like "oh-five" in years read better as separate words.
_OH = re.compile(r"\boh-")


def num2words_language(language: str) -> str | None:
    """The num2words converter for a BCP 47 tag (`pt-BR` -> `pt_BR`, `de-AT` -> `de`)."""
    tag = language.replace("-", "_")
    if tag in CONVERTER_CLASSES:
        return tag
    base = tag.split("_")[0].lower()
    return base if base in CONVERTER_CLASSES else None


class Words:
    """Number words for one language."""

    def __init__(self, language: str = "en") -> None:
        self.language = language.lower()
        self.base = self.language.split("-")[0]
        self.lang = num2words_language(language) or "en"
        self.keep_and = self.base != "en" or self.language in BRITISH

    def _clean(self, words: str) -> str:
        words = words.replace(",", "")
        if not self.keep_and:
            words = _AND.sub("", words)
        return " ".join(words.split())

    def cardinal(self, number: int | str) -> str:
        """`1,234` -> "one thousand two hundred thirty-four"."""
        return _cached(self.lang, "cardinal", int(str(number).replace(",", "")), self.keep_and)

    def ordinal(self, number: int | str) -> str:
        """`80` -> "eightieth"."""
        return _cached(self.lang, "ordinal", int(str(number).replace(",", "")), self.keep_and)

    def year(self, number: int | str) -> str:
        """`1948` -> "nineteen forty-eight", `2005` -> "two thousand five"."""
        return _cached(self.lang, "year", int(number), self.keep_and)

    def digits(self, text: str) -> str:
        """`"0071"` -> "zero zero seven one" (every other character is dropped)."""
        names = DIGIT_WORDS.get(self.base)
        if names is None:
            return " ".join(self.cardinal(d) for d in text if d.isdigit())
        return " ".join(names[int(d)] for d in text if d.isdigit())

    def decimal(self, text: str) -> str:
        """`"3.20"` -> "three point two zero"; `"1,500"` -> "one thousand five hundred"."""
        text = text.replace(",", "")
        whole, _, fraction = text.partition(".")
        words = self.cardinal(whole or "0")
        if fraction:
            if self.base in POINT:
                words += f" {POINT[self.base]} {self.digits(fraction)}"
            else:
                try:
                    return self._clean(num2words(Decimal(text), lang=self.lang))
                except (InvalidOperation, NotImplementedError, OverflowError):
                    return words + " " + self.digits(fraction)
        return words


_TOO_BIG = (NotImplementedError, OverflowError, TypeError, ValueError, KeyError, IndexError)
"""What num2words raises past a language's largest number (ru: KeyError, es: OverflowError)."""


@lru_cache(maxsize=4096)
def _cached(lang: str, kind: str, number: int, keep_and: bool) -> str:
    try:
        words = num2words(number, lang=lang, to=kind)
    except _TOO_BIG:
        try:
            words = num2words(number, lang=lang)
        except _TOO_BIG:
            # Past the language's largest number name (num2words: "abs(n) must be less than"):
            # read the digits one by one.
            words = " ".join(num2words(int(d), lang=lang) for d in str(abs(number)))
    words = words.replace(",", "")
    if not keep_and:
        words = _AND.sub("", words)
    if kind == "year":
        words = _OH.sub("oh ", words)
    return " ".join(words.split())


def plural_year_words(words: str) -> str:
    """ "nineteen ninety" -> "nineteen nineties" (decades)."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()
