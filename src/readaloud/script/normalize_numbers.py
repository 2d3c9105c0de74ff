"""English number rules: phone numbers, money, ranges, percentages, fractions, decades,
ordinals, units, years, digit strings and plain cardinals (in that order: the first claims).
"""

from __future__ import annotations

import re
from functools import cache

from .normalize_words import Words, plural_year_words
from .rules import Change, Context, Rule, language_table

# A number as written in English text: 1,234,567.89 or 1234.5
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Not glued to a word, a decimal point or another number on either side.
LEFT = r"(?<![\w.,])"
RIGHT = r"(?![\w]|[.,]\d)"

CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", None, None),
}
CURRENCY_PREFIXES = {
    "US": "U.S",
    "A": "Australian",
    "AU": "Australian",
    "C": "Canadian",
    "CA": "Canadian",
    "NZ": "New Zealand",
    "HK": "Hong Kong",
    "S": "Singapore",
}
SCALES = {
    "k": "thousand",
    "K": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "b": "billion",
    "B": "billion",
    "bn": "billion",
    "tn": "trillion",
    "T": "trillion",
    "thousand": "thousand",
    "million": "million",
    "billion": "billion",
    "trillion": "trillion",
}
FRACTIONS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
UNICODE_FRACTIONS = {
    "½": (1, 2),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅕": (1, 5),
    "⅖": (2, 5),
    "⅗": (3, 5),
    "⅘": (4, 5),
    "⅙": (1, 6),
    "⅚": (5, 6),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
}
# Fixed readings that are not arithmetic.
SPECIAL_FRACTIONS = {"24/7": "twenty-four seven", "9/11": "nine eleven", "50/50": "fifty-fifty"}


def number_words(context: Context) -> Words:
    return _words_for(context.language)


@cache
def _words_for(language: str) -> Words:
    return Words(language)


@cache
def unit_table(language: str) -> dict[str, tuple[str, str]]:
    return {k: tuple(v) for k, v in language_table("units.toml", language).items()}


@cache
def unit_pattern(language: str) -> str:
    """Alternation of unit symbols, longest first; one-character symbols only when glued."""
    units = sorted(unit_table(language), key=len, reverse=True)
    parts = []
    for unit in units:
        body = r"\s?".join(re.escape(part) for part in unit.split(" "))
        parts.append(body if len(unit) > 1 or unit == "°" else f"(?<=\\d){body}")
    return "|".join(parts)


def _sign(sign: str | None) -> str:
    return {"-": "minus ", "−": "minus ", "+": "plus "}.get(sign or "", "")


def say_unit(words: str, number: str, unit: str, language: str) -> str:
    table = unit_table(language)
    key = unit if unit in table else " ".join(unit.split())
    singular, plural = table.get(key, (unit, unit))
    return f"{words} {singular if number == '1' else plural}"


# --- phone numbers and other digit groups -------------------------------------------------

PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}(?:[ .-]\(?\d{1,5}\)?){2,5}"
    r"|(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}"
    r"|\d{3}-\d{4})(?![\w]|[.-]\d)"
)


def phone(match: re.Match, context: Context) -> str | None:
    text = match.group()
    if re.fullmatch(r"[01]\d\d-\d{4}", text):
        return None  # "100-1000" is a range, not a local phone number
    words = number_words(context)
    groups = re.findall(r"\d+", text)
    spoken = ", ".join(words.digits(g) for g in groups)
    return ("plus " + spoken) if text.startswith("+") else spoken


# --- money ---------------------------------------------------------------------------------

MONEY = re.compile(
    r"(?<![\w.])(?P<sign>[-−])?(?P<pre>US|AU|CA|NZ|HK|A|C|S)?(?P<cur>[$€£¥₹₩])\s?"
    rf"(?P<num>{NUM})(?:\s?[-–]\s?(?P<cur2>[$€£¥₹₩])?(?P<num2>{NUM}))?"
    r"(?:(?P<scale>mn|bn|tn|k|K|m|M|b|B|T)|\s(?P<wscale>thousand|million|billion|trillion))?"
    r"(?![\w]|[.,]\d)"
)


def money(match: re.Match, context: Context) -> str:
    words = number_words(context)
    one, many, sub_one, sub_many = CURRENCIES[match["cur"]]
    prefix = CURRENCY_PREFIXES.get(match["pre"] or "", "")
    scale = SCALES.get(match["scale"] or match["wscale"] or "", "")
    number, number2 = match["num"], match["num2"]
    sign = _sign(match["sign"])
    name = f"{prefix} {many}".strip()
    if scale or number2:
        amount = words.decimal(number)
        if number2:
            amount += " to " + words.decimal(number2)
        return f"{sign}{amount} {scale} {name}".replace("  ", " ")
    whole, _, cents = number.replace(",", "").partition(".")
    if len(cents) == 2 and sub_one:
        unit = f"{prefix} {one if whole == '1' else many}".strip()
        cents_words = f"{words.cardinal(cents)} {sub_one if cents == '01' else sub_many}"
        if int(whole) == 0:
            return sign + cents_words
        if int(cents) == 0:
            return f"{sign}{words.cardinal(whole)} {unit}"
        return f"{sign}{words.cardinal(whole)} {unit} and {cents_words}"
    unit = f"{prefix} {one if number == '1' else many}".strip()
    return f"{sign}{words.decimal(number)} {unit}"


# --- ranges, percentages, fractions ----------------------------------------------------------

YEAR_RANGE = (1000, 2099)


def _is_year(text: str) -> bool:
    return len(text) == 4 and YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]


@cache
def range_pattern(language: str) -> re.Pattern:
    return re.compile(
        r"(?<![\w.,$€£¥/:-])(?P<a>\d{1,4}(?:\.\d+)?)(?P<dash>\s?[–—]\s?|-)"
        r"(?P<b>\d{1,4}(?:\.\d+)?)"
        rf"(?:(?P<pct>\s?%)|(?P<usp>\s?)(?P<unit>{unit_pattern(language)}))?"
        r"(?![\w]|[.,:/]\d|[-–]\d)"
    )


def number_range(match: re.Match, context: Context) -> str | None:
    words = number_words(context)
    a, b = match["a"], match["b"]
    if "." not in a + b and _is_year(a) and not (match["pct"] or match["unit"]):
        if _is_year(b) and int(b) > int(a):
            return f"{words.year(a)} to {words.year(b)}"
        if len(b) == 2 and int(b) > int(a) % 100:  # 2024-25
            return f"{words.year(a)} to {words.cardinal(b)}"
    spoken = f"{words.decimal(a)} to {words.decimal(b)}"
    if match["pct"]:
        return spoken + " percent"
    if match["unit"]:
        return say_unit(spoken, b, match["unit"], context.language)
    return spoken


PERCENT = re.compile(rf"(?<![\w.,])(?P<sign>(?<!\w)[-−+])?(?P<num>{NUM})\s?%")


def percent(match: re.Match, context: Context) -> str:
    return f"{_sign(match['sign'])}{number_words(context).decimal(match['num'])} percent"


FRACTION = re.compile(
    r"(?<![\w/.,])(?:(?P<whole>\d{1,3})\s)?(?P<n>\d{1,3})/(?P<d>\d{1,3})(?![\w/]|[.,]\d)"
)
UNICODE_FRACTION = re.compile(
    "(?<![\\w.,])(?P<whole>\\d{1,3})?\\s?(?P<frac>[" + "".join(UNICODE_FRACTIONS) + "])"
)


def say_fraction(n: int, d: int, words: Words) -> str:
    if d in FRACTIONS:
        name = FRACTIONS[d][0 if n == 1 else 1]
    else:
        name = words.ordinal(d) + ("" if n == 1 else "s")
    return f"{words.cardinal(n)} {name}"


def _mixed(whole: str | None, n: int, d: int, words: Words) -> str:
    if not whole:
        return say_fraction(n, d, words)
    if n == 1:
        part = "a half" if d == 2 else f"a {FRACTIONS.get(d, (words.ordinal(d),))[0]}"
    else:
        part = say_fraction(n, d, words)
    return f"{words.cardinal(whole)} and {part}"


def fraction(match: re.Match, context: Context) -> str | list[Change] | None:
    core = f"{match['n']}/{match['d']}"
    if core in SPECIAL_FRACTIONS:
        # "24/7" is a fixed phrase: a number before it ("open 7 24/7") stays its own
        return [Change(match.start("n"), match.end(), SPECIAL_FRACTIONS[core], "number.fraction")]
    n, d = int(match["n"]), int(match["d"])
    if not 0 < n < d <= 16:
        return None  # "5/3", "3/24": more likely a date, a score or a ratio
    return _mixed(match["whole"], n, d, number_words(context))


def unicode_fraction(match: re.Match, context: Context) -> str:
    n, d = UNICODE_FRACTIONS[match["frac"]]
    return _mixed(match["whole"], n, d, number_words(context))


# --- decades, ordinals, units, years, digits, cardinals ----------------------------------

DECADE = re.compile(r"(?<![\w'’])(?P<apos>['’])?(?P<n>1\d\d0|20\d0|[1-9]0)s(?!\w)")


def decade(match: re.Match, context: Context) -> str | None:
    words = number_words(context)
    n = match["n"]
    if len(n) == 2:
        return plural_year_words(words.cardinal(n))
    if match["apos"]:
        return None
    return plural_year_words(words.year(n))


ORDINAL = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<suf>st|nd|rd|th|ST|ND|RD|TH)(?!\w)"
)


def ordinal(match: re.Match, context: Context) -> str:
    return number_words(context).ordinal(match["n"])


@cache
def units_pattern(language: str) -> re.Pattern:
    return re.compile(
        rf"(?<![\w.,])(?P<sign>(?<!\w)[-−])?(?P<num>{NUM})(?P<sp>\s?)"
        rf"(?P<unit>{unit_pattern(language)})(?![\w])"
    )


def units(match: re.Match, context: Context) -> str:
    words = number_words(context).decimal(match["num"])
    return _sign(match["sign"]) + say_unit(words, match["num"], match["unit"], context.language)


YEAR = re.compile(
    r"(?<![\w.,$€£¥#/:])(?P<n>1[1-9]\d\d|20\d\d"
    # 1000-1099 are years only after a word that introduces one: "in 1066", not "1050 people"
    r"|(?:(?<=\bin )|(?<=\bIn )|(?<=\bby )|(?<=\bsince )|(?<=\buntil )|(?<=\byear )"
    r"|(?<=\bc\. )|(?<=\bcirca ))10\d\d)"
    r"(?![\w]|[.,]\d|[–/:]\d)"
)


def year(match: re.Match, context: Context) -> str:
    return number_words(context).year(match["n"])


DIGITS = re.compile(r"(?<![\w.,])(?P<n>0\d+|\d{7,})(?![\w]|[.,]\d)")


def digits(match: re.Match, context: Context) -> str:
    return number_words(context).digits(match["n"])


CARDINAL = re.compile(rf"(?<![\w.,])(?P<sign>(?<![\w])[-−+])?(?P<num>{NUM}){RIGHT}")


def cardinal(match: re.Match, context: Context) -> str:
    return _sign(match["sign"]) + number_words(context).decimal(match["num"])


def english_number_rules(language: str) -> list[Rule]:
    """The English number rules in the order they claim text."""
    return [
        Rule("number.phone", PHONE, phone),
        Rule("money", MONEY, money),
        Rule("number.range", range_pattern(language), number_range),
        Rule("number.percent", PERCENT, percent),
        Rule("number.fraction", FRACTION, fraction),
        Rule("number.fraction", UNICODE_FRACTION, unicode_fraction),
        Rule("number.decade", DECADE, decade),
        Rule("number.ordinal", ORDINAL, ordinal),
        Rule("number.unit", units_pattern(language), units),
        Rule("number.year", YEAR, year),
        Rule("number.digits", DIGITS, digits),
        Rule("number.cardinal", CARDINAL, cardinal),
    ]
