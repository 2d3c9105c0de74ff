"""Say it right: turn written text into what a reader says, as spans (written -> spoken).

`normalize` runs an ordered list of rules per language: the pronunciation lexicon first (its
entries win), then URLs and e-mail addresses, dates and times, numbers, abbreviations, Roman
numerals, acronyms, symbols and pauses. Each rule claims the text it changes; the spans cover
the input exactly, so the SSML can wrap each change in `<sub alias="...">` and `--explain`
can list them. English has the full rule set; other languages get the lexicon and the
language-neutral rules, and their numbers are left to the voice (which reads them in its own
language) unless a rule set is registered for them with `register_language`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from .lexicon import Lexicon
from .model import Span
from .normalize_abbrev import english_abbreviation_rules
from .normalize_dates import english_date_rules
from .normalize_numbers import english_number_rules
from .normalize_text import neutral_rules
from .rules import Change, Context, Rule, apply_rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NormalizeOptions:
    """How to read what has more than one reading."""

    urls: Literal["domain", "drop"] = "domain"
    """"domain": https://www.example.com/path -> "example dot com"; "drop": say nothing."""
    emails: Literal["read", "drop"] = "read"
    """"read": jane@example.com -> "jane at example dot com"; "drop": say nothing."""
    spell_unknown_acronyms: bool = True
    """Spell capitals not in acronyms.toml unless they look pronounceable (NATO-like)."""
    numbers: bool = True
    """Write numbers, dates, money and units as words (False: leave them to the voice)."""
    pauses: bool = True
    """Dashes, ellipses and parentheses become commas (pauses the voice makes)."""
    citations: Literal["drop", "read"] = "drop"
    """Reference markers like "[3]" or a clause-final "(8)": "drop" says nothing."""


LanguageRules = Callable[[NormalizeOptions], list[Rule]]
_LANGUAGES: dict[str, LanguageRules] = {}


def register_language(code: str, rules: LanguageRules) -> None:
    """Add or replace the built-in rules for a primary language subtag ("en", "de")."""
    _LANGUAGES[code.lower()] = rules
    _rules_for.cache_clear()


def _english(options: NormalizeOptions) -> list[Rule]:
    rules = []
    if options.numbers:
        rules += english_date_rules() + english_number_rules("en")
    return rules + english_abbreviation_rules()


@cache
def _rules_for(language: str, options: NormalizeOptions) -> tuple[list[Rule], list[Rule]]:
    """(cleaning rules, the rest): the lexicon goes between them."""
    base = language.split("-")[0].lower()
    first, web, last = neutral_rules(base)
    if not options.pauses:
        last = [r for r in last if not r.name.startswith("pause.")]
    specific = _LANGUAGES.get(base)
    middle = specific(options) if specific else []
    return first, web + middle + last


register_language("en", _english)


def _lexicon_rule(lexicon: Lexicon, language: str) -> Rule | None:
    pattern = lexicon.pattern(language)
    if pattern is None:
        return None

    def handler(match, context: Context) -> list[Change] | None:
        entry = lexicon.lookup(match.group(), language)
        if entry is None:
            return None
        spoken = entry.alias if entry.alias is not None else match.group()
        return [Change(match.start(), match.end(), spoken, f"lexicon:{entry.grapheme}", entry.ipa)]

    return Rule("lexicon", pattern, handler)


def normalize(
    text: str,
    language: str = "en",
    lexicon: Lexicon | None = None,
    options: NormalizeOptions | None = None,
) -> list[Span]:
    """Split `text` into spans: unchanged pieces (rule "") and changes, each with its rule.

    `"".join(s.written for s in spans) == text` always holds. `lexicon` None means no
    lexicon; the pipeline passes the built-in one (`builtin_lexicon()`) merged with the
    user's, the preset's and the command line's.
    """
    if not text:
        return []
    language = (language or "en").replace("_", "-").lower()
    options = options or NormalizeOptions()
    first, rest = _rules_for(language, options)
    # The lexicon runs right after the cleaning rules, so its entries win over the rest.
    lexicon_rule = _lexicon_rule(lexicon, language) if lexicon is not None else None
    rules = first + ([lexicon_rule] if lexicon_rule else []) + rest
    return apply_rules(text, rules, Context(text, language, options))


def spoken(
    text: str,
    language: str = "en",
    lexicon: Lexicon | None = None,
    options: NormalizeOptions | None = None,
) -> str:
    """The spoken form of `text` (the spoken pieces of `normalize`, joined)."""
    return "".join(span.spoken for span in normalize(text, language, lexicon, options))
