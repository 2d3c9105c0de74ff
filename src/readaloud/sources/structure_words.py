"""Words and patterns that signal structure (callouts, FAQ, Q/A, bylines, labels), as data.

Extend these tuples to teach readaloud another publisher's or language's conventions.
"""

from __future__ import annotations

import re

# Names of boxed asides; a paragraph "Pro Tip: ..." or "Did You Know? ..." becomes a Callout.
CALLOUT_LABELS: tuple[str, ...] = (
    "did you know",
    "pro tip",
    "quick tip",
    "top tip",
    "tip",
    "note",
    "please note",
    "editor's note",
    "editors' note",
    "important",
    "warning",
    "caution",
    "fun fact",
    "key takeaway",
    "key takeaways",
    "bottom line",
    "the bottom line",
    "good to know",
    "heads up",
    "remember",
    "update",
    "tl;dr",
    "hinweis",
    "tipp",
    "wichtig",
    "achtung",
    "gut zu wissen",
    "astuce",
    "consejo",
)

# Headings that introduce a block of questions and answers.
FAQ_HEADING_RE = re.compile(
    r"^(?:(?:frequently|commonly) asked questions|faqs?|f\.a\.q\.?|common questions|"
    r"questions (?:and|&) answers|q ?& ?a|häufig gestellte fragen|häufige fragen|"
    r"fragen und antworten|questions fréquentes|foire aux questions|preguntas frecuentes)\b",
    re.I,
)

# Titles for an FAQ that readaloud adds itself (from JSON-LD), per language.
FAQ_TITLES: dict[str, str] = {
    "en": "Frequently Asked Questions",
    "de": "Häufig gestellte Fragen",
    "fr": "Questions fréquentes",
    "es": "Preguntas frecuentes",
    "it": "Domande frequenti",
    "nl": "Veelgestelde vragen",
}

# "Q: ..." / "A: ..." line markers.
QUESTION_MARK_RE = re.compile(r"^(?:q|question|frage|f)\s*[:.)]\s+(?P<text>\S.*)$", re.I)
ANSWER_MARK_RE = re.compile(r"^(?:a|answer|antwort)\s*[:.)]\s+(?P<text>\S.*)$", re.I)

# "by Omar El Sayed - World Editor" -> "Omar El Sayed".
BYLINE_RE = re.compile(
    r"^(?:written |posted |reported )?(?:by|von|par|por|door|di)\s*:?\s+"
    r"(?P<name>[^\W\d_][\w.'\-]*(?:\s+(?:[^\W\d_][\w.'\-]*|&|and|und)){0,5})"
    r"(?:\s*(?:[-\u2013\u2014|,/]|\bon\b|\bupdated\b).*)?$",
    re.I,
)
# "Posted on 12 January 2023 by Tom Harris": a dated post line that names its author at the end.
POSTED_BY_RE = re.compile(
    r"^(?:posted|published|written|updated|veröffentlicht)\b.{0,60}?\b(?:by|von)\s+"
    r"(?P<name>[^\W\d_][\w.'\-]*(?:\s+(?:[^\W\d_][\w.'\-]*|&|and|und)){0,5})\s*$",
    re.I,
)
AUTHOR_LINE_RE = re.compile(r"^(?:author|autor|auteur)\s*:\s*(?P<name>.{2,80})$", re.I)

# A run-in label before a colon: 1-6 capitalised words (small joiners allowed inside).
LABEL_RE = re.compile(
    r"^(?P<label>[A-Z0-9][\w'&/.\-]*(?:\s+(?:[A-Z0-9][\w'&/.\-]*|&|and|of|the|for|in|on|to|vs\.?|"
    r"de|la|und|der|die|das)){0,5}):\s+(?P<text>\S.+)$"
)

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
