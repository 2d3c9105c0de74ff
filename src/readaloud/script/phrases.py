"""What readaloud says around an article's structure ("A table with three columns", "Question",
"First"), in the article's language, from `data/phrases.toml` (English when a language or a
phrase is missing there)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from num2words import num2words

from .rules import language_table, load_data

FALLBACK = "en"


def _number(n: int, language: str, to: str = "cardinal") -> str:
    try:
        return num2words(n, lang=language, to=to)
    except (NotImplementedError, OverflowError):
        return num2words(n, lang=FALLBACK, to=to)


class Phrases:
    """The structure phrases of one language."""

    def __init__(self, language: str) -> None:
        primary = (language or FALLBACK).split("-")[0].lower()
        table = dict(load_data("phrases.toml")[FALLBACK])
        own = language_table("phrases.toml", primary)
        table.update(own)
        self.language = primary if own else FALLBACK
        self.table = table

    def say(self, key: str, count: int | None = None, **values: str) -> str:
        """The phrase `key` filled with `values`; {n} is `count` spelled out."""
        template = self.table[key]
        if isinstance(template, list):
            template = template[0 if count == 1 else 1]
        if count is not None:
            values["n"] = _number(count, self.language)
        return template.format(**values)

    def count(self, n: int, noun: str) -> str:
        """ "three columns" (`noun` is items, columns or rows)."""
        return self.say(noun, n)

    def join(self, words: list[str]) -> str:
        """Leader, Country and Key Focus."""
        words = [w for w in words if w]
        if len(words) <= 1:
            return "".join(words)
        return ", ".join(words[:-1]) + f" {self.table['and']} " + words[-1]

    def ordinal(self, n: int) -> str:
        """ "First" (in German "Erstens"), capitalized, for the items of an ordered list."""
        word = _number(n, self.language, to="ordinal")
        return self.say("ordinal", ordinal=word).capitalize()

    def date(self, value: str) -> str | None:
        """An ISO date spoken as a date of the language; None when it is not a date."""
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
        month = self.table["months"][day.month - 1]
        return self.say("date", month=month, day=str(day.day), year=str(day.year))


@cache
def phrases_for(language: str) -> Phrases:
    return Phrases(language)
