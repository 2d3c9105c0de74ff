"""English dates and times: "September 4th, 2025", "4 Sept 2025", 2025-09-04, 9/4/2025,
"10:30 a.m.". They run before the number rules, which would otherwise read the parts apart.
"""

from __future__ import annotations

import re
from functools import cache

from .normalize_numbers import number_words
from .rules import Change, Context, Rule, ends_sentence

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
# Languages whose numeric dates put the month first (9/4/2025 = September 4th).
MONTH_FIRST = {"en", "en-us"}

_MONTH = "|".join(MONTHS + sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
_YEAR = r"(?P<sep>,?\s+)(?P<year>1\d{3}|20\d{2})(?![\w]|[.,]\d)"


def month_number(name: str) -> int:
    name = name.rstrip(".")
    if name in MONTHS:
        return MONTHS.index(name) + 1
    return MONTH_ABBREVIATIONS[name]


MONTH_DAY = re.compile(
    rf"\b(?P<month>(?:{_MONTH})(?:\.|\b))\s+(?P<day>\d{{1,2}})(?P<suf>st|nd|rd|th)?"
    rf"(?![\w:]|[.,]\d)(?:{_YEAR})?"
)


def month_day(match: re.Match, context: Context) -> list[Change] | None:
    """Tight changes: "Sept." -> "September", "4th" -> "fourth", "2025" -> "twenty twenty-five"."""
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    words = number_words(context)
    changes = []
    month = match["month"]
    full = MONTHS[month_number(month) - 1]
    if month != full:
        changes.append(Change(*match.span("month"), full, "date.month"))
    changes.append(
        Change(
            match.start("day"),
            match.end("suf") if match["suf"] else match.end("day"),
            words.ordinal(day),
            "date.day",
        )
    )
    if match["year"]:
        changes.append(Change(*match.span("year"), words.year(match["year"]), "date.year"))
    return changes


DAY_MONTH = re.compile(
    rf"(?<![\w.,])(?P<day>\d{{1,2}})(?P<suf>st|nd|rd|th)?\s+(?:of\s+)?"
    rf"(?P<month>(?:{_MONTH})(?:\.|\b))(?:{_YEAR})?"
)


def day_month(match: re.Match, context: Context) -> str | None:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    words = number_words(context)
    month = MONTHS[month_number(match["month"]) - 1]
    preceding = context.text[max(0, match.start() - 4) : match.start()].lower()
    the = "" if preceding.endswith("the ") else "the "  # "the 4th of July"
    spoken = f"{the}{words.ordinal(day)} of {month}"
    if match["year"]:
        spoken += f", {words.year(match['year'])}"
    return spoken


def _date(year: int, month: int, day: int, context: Context) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    words = number_words(context)
    if context.language in MONTH_FIRST:
        return f"{MONTHS[month - 1]} {words.ordinal(day)}, {words.year(year)}"
    return f"the {words.ordinal(day)} of {MONTHS[month - 1]}, {words.year(year)}"


ISO_DATE = re.compile(r"(?<![\w.-])(?P<y>1\d{3}|20\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w]|-\d)")


def iso_date(match: re.Match, context: Context) -> str | None:
    return _date(int(match["y"]), int(match["m"]), int(match["d"]), context)


NUMERIC_DATE = re.compile(r"(?<![\w/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w/])")


def numeric_date(match: re.Match, context: Context) -> str | None:
    a, b = int(match["a"]), int(match["b"])
    month, day = (a, b) if context.language in MONTH_FIRST else (b, a)
    if month > 12 >= day:
        month, day = day, month
    year = int(match["y"])
    if len(match["y"]) == 2:
        year += 2000 if year <= 50 else 1900
    return _date(year, month, day, context)


MONTH_YEAR = re.compile(
    rf"\b(?P<month>{'|'.join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))})\.?"
    r"(?=\s+(?:1\d{3}|20\d{2})\b)"
)


def month_year(match: re.Match, context: Context) -> str:
    return MONTHS[month_number(match["month"]) - 1]


_AMPM = r"(?P<ampm>[ap]\.m\.?|[AP]\.M\.?|[ap]m\b|[AP]M\b)"
TIME = re.compile(
    r"(?<![\w.:])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    rf"(?:\s?{_AMPM})?(?![\w:]|\.\d)"
)
HOUR_AMPM = re.compile(rf"(?<![\w.:])(?P<h>\d{{1,2}})\s?{_AMPM}")


def _ampm(match: re.Match, context: Context) -> str:
    if not match["ampm"]:
        return ""
    letters = "A.M" if match["ampm"][0] in "aA" else "P.M"
    if match.group().endswith(".") and ends_sentence(context.text, match.end(), context.language):
        letters += "."  # the abbreviation's period also ended the sentence
    return " " + letters


def clock(match: re.Match, context: Context) -> str | None:
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 24 or minute > 59:
        return None
    words = number_words(context)
    if minute == 0:
        spoken = words.cardinal(hour) + ("" if match["ampm"] else " o'clock")
        if hour > 12 and not match["ampm"]:
            spoken = f"{words.cardinal(hour)} hundred"
    elif minute < 10:
        spoken = f"{words.cardinal(hour)} oh {words.cardinal(minute)}"
    else:
        spoken = f"{words.cardinal(hour)} {words.cardinal(minute)}"
    if match["s"]:
        spoken += f" and {words.cardinal(match['s'])} seconds"
    return spoken + _ampm(match, context)


def hour_ampm(match: re.Match, context: Context) -> str | None:
    hour = int(match["h"])
    if not 1 <= hour <= 12:
        return None
    return number_words(context).cardinal(hour) + _ampm(match, context)


@cache
def english_date_rules() -> list[Rule]:
    """Date and time rules, before the number rules."""
    return [
        Rule("date", ISO_DATE, iso_date),
        Rule("date", NUMERIC_DATE, numeric_date),
        Rule("date", MONTH_DAY, month_day),
        Rule("date", DAY_MONTH, day_month),
        Rule("date.month", MONTH_YEAR, month_year),
        Rule("time", TIME, clock),
        Rule("time", HOUR_AMPM, hour_ampm),
    ]
