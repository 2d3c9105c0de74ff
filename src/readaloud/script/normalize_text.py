"""Language-neutral text rules (control characters, pauses, reference markers) and the rules that
need a few words per language (URLs, e-mail addresses, symbols)."""

from __future__ import annotations

import re
from functools import cache

from .rules import Change, Context, Rule

# Words per language for the symbol, URL and e-mail readings. A language that is missing
# here keeps its URLs and symbols for the voice (only the domain is kept from a URL).
SYMBOL_WORDS = {
    "en": {
        "dot": "dot",
        "at": "at",
        "and": "and",
        "or": "or",
        "number": "number",
        "hashtag": "hashtag",
        "plus": "plus",
        "equals": "equals",
        "times": "times",
        "plus-minus": "plus or minus",
        "about": "about",
        "to": "to",
        "section": "section",
        "dash": "dash",
        "underscore": "underscore",
        "at least": "at least",
        "at most": "at most",
        "greater": "greater than",
        "less": "less than",
    },
    "de": {
        "dot": "Punkt",
        "at": "at",
        "and": "und",
        "or": "oder",
        "plus": "plus",
        "dash": "Strich",
    },
    "fr": {
        "dot": "point",
        "at": "arobase",
        "and": "et",
        "or": "ou",
        "plus": "plus",
        "dash": "tiret",
    },
    "es": {"dot": "punto", "at": "arroba", "and": "y", "or": "o", "plus": "más", "dash": "guion"},
    "it": {"dot": "punto", "at": "chiocciola", "and": "e", "or": "o", "plus": "più"},
    "nl": {"dot": "punt", "at": "apenstaartje", "and": "en", "or": "of", "plus": "plus"},
    "pt": {"dot": "ponto", "at": "arroba", "and": "e", "or": "ou", "plus": "mais"},
}


def words_for(language: str) -> dict[str, str]:
    return SYMBOL_WORDS.get(language.split("-")[0].lower(), {})


# --- control characters, invisible characters ----------------------------------------------

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]+")


def control(match: re.Match, context: Context) -> str:
    return " "


def invisible(match: re.Match, context: Context) -> str:
    return ""


# --- URLs and e-mail addresses ----------------------------------------------------------------

TLDS = (
    "com|org|net|edu|gov|mil|int|io|co|uk|de|fr|es|it|nl|be|ch|at|se|no|fi|dk|pl|cz|ru|cn|jp|kr|"
    "in|au|nz|ca|us|eu|info|biz|ai|app|dev|news|tv|me|ly|gg|xyz|org\\.uk|co\\.uk|ac\\.uk|gov\\.uk"
)
URL = re.compile(
    r"(?<![\w@/.-])(?:(?:https?|ftp)://[^\s<>\"'()\[\]{}]+|www\.[^\s<>\"'()\[\]{}]+"
    rf"|(?:[a-z0-9][a-z0-9-]*\.)+(?:{TLDS})(?![\w.-]*\w)(?:/[^\s<>\"'()\[\]{{}}]*)?)"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TRAILING = ".,;:!?'\"”’)»"


def _host(url: str) -> str:
    host = re.sub(r"^[a-z]+://", "", url, flags=re.I)
    host = re.split(r"[/?#:]", host, maxsplit=1)[0]
    host = re.sub(r"^www\d?\.", "", host, flags=re.I)
    return host.split("@")[-1]


def _say_dots(text: str, words: dict[str, str]) -> str:
    dot = words.get("dot")
    parts = [p for p in text.split(".") if p]
    return f" {dot} ".join(parts) if dot else ".".join(parts)


def url(match: re.Match, context: Context) -> list[Change] | None:
    text = match.group()
    stripped = text.rstrip(_TRAILING)
    if not stripped:
        return None
    if context.options.urls == "drop":
        spoken = ""
    else:
        host = _host(stripped)
        if not host:
            return None
        spoken = _say_dots(host, words_for(context.language))
    return [Change(match.start(), match.start() + len(stripped), spoken, "url")]


def email(match: re.Match, context: Context) -> str:
    if context.options.emails == "drop":
        return ""
    words = words_for(context.language)
    local, _, domain = match.group().partition("@")
    if words:
        for symbol, name in (("_", "underscore"), ("-", "dash"), ("+", "plus")):
            if name in words:
                local = local.replace(symbol, f" {words[name]} ")
        local = _say_dots(local, words)
        return " ".join(f"{local} {words['at']} {_say_dots(domain, words)}".split())
    return match.group()


# --- reference markers ----------------------------------------------------------------------

# Reference markers are this rule's alone (`citations`: drop or read): "[3]", "[12–14]", "[a]",
# "[note 4]" anywhere; "(8)" and "(10, 11)" only at the end of a clause (elsewhere "(1) first" is
# a list label; years like "(1948)" have four digits and stay); superscript digits only after a
# word of 3+ letters or punctuation, so m² and km² stay units.
CITATION = re.compile(
    r"\s?\[(?:\d{1,3}(?:\s?[-–,]\s?\d{1,3})*|[a-z]|(?:note|nb) \d{1,3})\]"
    r"|(?<=[\w.,;:])\s?\(\d{1,3}(?:\s?[-–,]\s?\d{1,3})*\)(?=\s*(?:[.,;:!?]|$))"
    r"|(?:(?<=[A-Za-z]{3})|(?<=[.,;:!?\"')\]]))[\u00b9\u00b2\u00b3\u2070-\u2079]+",
    re.IGNORECASE,
)


def citation(match: re.Match, context: Context) -> str | None:
    return "" if context.options.citations == "drop" else None


# --- symbols ---------------------------------------------------------------------------------

# Every branch starts with its symbol so the regex engine can skip ahead to candidates; the
# look-behinds then include the symbol itself.
SYMBOLS = re.compile(
    r"(?P<amp>&(?:(?<=\s&)(?=\s)|(?<=[a-z]&)(?=[a-z])))"
    r"|(?P<number>#(?<![\w#]#)(?=\d))"
    r"|(?P<hashtag>#(?<![\w#&]#)(?=[A-Za-z]\w*))"
    r"|(?P<at>@(?<![\w.@]@)(?=[A-Za-z_]\w*))"
    r"|(?P<plus>\+(?:(?<=\s\+)(?=\s)|(?<=\d\+)(?=\d)))"
    r"|(?P<equals>=(?<=\s=)(?=\s))"
    r"|(?P<times>×(?:(?<=\s×)(?=\s)|(?<=\d×)(?=\d)))"
    r"|(?P<pm>±)"
    r"|(?P<about>[~≈](?<![\w~][~≈])(?=\s?\d))"
    r"|(?P<to>→(?<=\s→)(?=\s)|->(?<=\s->)(?=\s))"
    r"|(?P<ge>≥(?<=\s≥)(?=\s?\d))"
    r"|(?P<le>≤(?<=\s≤)(?=\s?\d))"
    r"|(?P<gt>>(?<=\s>)(?=\s?\d))"
    r"|(?P<lt><(?<=\s<)(?=\s?\d))"
    r"|(?P<section>§+(?=\s?\d))"
    r"|(?P<slash>/(?<=[a-z]/)(?=[a-z]))"
)
_WORD_SLASH_WORD = re.compile(r"[A-Za-z]+/[A-Za-z]+")
_SYMBOL_KEYS = {
    "amp": "and",
    "number": "number",
    "hashtag": "hashtag",
    "at": "at",
    "plus": "plus",
    "equals": "equals",
    "times": "times",
    "pm": "plus-minus",
    "about": "about",
    "to": "to",
    "ge": "at least",
    "le": "at most",
    "gt": "greater",
    "lt": "less",
    "section": "section",
}


def symbol(match: re.Match, context: Context) -> str | None:
    words = words_for(context.language)
    kind = match.lastgroup
    text, start, end = context.text, match.start(), match.end()
    if kind == "slash":
        # "and/or" -> "and or"; "his/her" -> "his or her"; but "src/lib.rs" is a path
        token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        token_end = min(i for i in (text.find(" ", end), text.find("\n", end), len(text)) if i >= 0)
        if not _WORD_SLASH_WORD.fullmatch(text[token_start:token_end].strip(_TRAILING + "(\"'“‘")):
            return None
        conjunction = words.get("and", "")
        if "or" not in words or text[max(0, start - len(conjunction)) : start] == conjunction:
            return " "
        return f" {words['or']} "
    word = words.get(_SYMBOL_KEYS[kind])
    if word is None:
        return None
    before = "" if start == 0 or text[start - 1].isspace() else " "
    after = "" if end >= len(text) or text[end].isspace() else " "
    return f"{before}{word}{after}"


# --- pauses: dashes, ellipses, parentheses ---------------------------------------------------

# Each branch starts only at the first space of a run, so long runs of spaces stay linear.
DASH = re.compile(r"(?<!\s)\s*(?:—|―|--)\s*|(?<!\s)\s+[–-]\s+|^\s*[–-]\s+")
ELLIPSIS = re.compile(r"(?<!\.)\.{3,}|…")
ASIDE = re.compile(r"(?P<open>(?<!\s)\s*[(\[])(?P<inner>[^()\[\]\n]{1,300})(?P<close>[)\]])")
_PUNCTUATION = ",.;:!?"


def _next_char(text: str, index: int) -> str:
    while index < len(text) and text[index] in " \t":
        index += 1
    return text[index] if index < len(text) else ""


def _previous_char(text: str, index: int) -> str:
    while index > 0 and text[index - 1].isspace():
        index -= 1
    return text[index - 1] if index > 0 else ""


def dash(match: re.Match, context: Context) -> str | None:
    text, start, end = context.text, match.start(), match.end()
    glued_after = end < len(text) and text[end].isalnum()
    written = match.group()
    opens_word = written[0].isspace() or start == 0 or text[start - 1] in " \t\n\"'`(["
    if written.lstrip() == "--" and glued_after and opens_word:
        return None  # "--cfg": a command-line flag, not a dash
    if not _previous_char(text, start) or _next_char(text, end) in _PUNCTUATION:
        return ""  # a dash that opens the text or stands before punctuation is no pause
    return ", "


def ellipsis(match: re.Match, context: Context) -> str:
    following = _next_char(context.text, match.end())
    if not _previous_char(context.text, match.start()):
        return ""
    if following == "" or following.isupper() or following in '"”’':
        return "."
    return "," if following not in _PUNCTUATION else ""


def aside(match: re.Match, context: Context) -> list[Change] | None:
    text = context.text
    inner = match["inner"]
    if not inner.strip() or re.fullmatch(r"\w", inner):
        return None  # "(a)", "(1)": list labels, not asides
    start_open, end_open = match.span("open")
    opening_space = text[start_open:end_open][:-1]
    if start_open > 0 and not opening_space and text[start_open - 1].isalnum():
        return None  # "function(x)": glued to a word
    preceding = _previous_char(text, start_open)
    open_spoken = "" if not preceding or preceding in _PUNCTUATION + "(" else ", "
    following = _next_char(text, match.end())
    close_spoken = "" if following == "" or following in _PUNCTUATION + ")]" else ","
    return [
        Change(start_open, end_open, open_spoken, "pause.aside"),
        Change(*match.span("close"), close_spoken, "pause.aside"),
    ]


@cache
def neutral_rules(language: str) -> tuple[list[Rule], list[Rule], list[Rule]]:
    """Rules for every language: (first, web, last). `first` cleans the text, `web` reads
    URLs and e-mail addresses, `last` turns dashes, ellipses and asides into pauses."""
    first = [
        Rule("control", CONTROL, control),
        Rule("invisible", INVISIBLE, invisible),
    ]
    web = [
        Rule("email", EMAIL, email),
        Rule("url", URL, url),
        Rule("citation", CITATION, citation),
    ]
    last = [
        Rule("symbol", SYMBOLS, symbol),
        Rule("pause.dash", DASH, dash),
        Rule("pause.ellipsis", ELLIPSIS, ellipsis),
        Rule("pause.aside", ASIDE, aside, partial=True),
    ]
    return first, web, last
