"""ISO 639-1 (two-letter) to ISO 639-2/B (three-letter) language codes, for ID3 `TLAN`/`COMM`.

Extend `ISO639_2` to add a language; an unknown code falls back to "und" (undetermined).
"""

from __future__ import annotations

ISO639_2 = {
    "ar": "ara", "bg": "bul", "bn": "ben", "ca": "cat", "cs": "cze", "cy": "wel", "da": "dan",
    "de": "ger", "el": "gre", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "baq",
    "fa": "per", "fi": "fin", "fr": "fre", "ga": "gle", "gl": "glg", "he": "heb", "hi": "hin",
    "hr": "hrv", "hu": "hun", "id": "ind", "is": "ice", "it": "ita", "ja": "jpn", "ka": "geo",
    "kk": "kaz", "ko": "kor", "lb": "ltz", "lt": "lit", "lv": "lav", "mk": "mac", "ms": "may",
    "mt": "mlt", "nb": "nob", "ne": "nep", "nl": "dut", "nn": "nno", "no": "nor", "pl": "pol",
    "pt": "por", "ro": "rum", "ru": "rus", "sk": "slo", "sl": "slv", "sq": "alb", "sr": "srp",
    "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel", "th": "tha", "tr": "tur", "uk": "ukr",
    "ur": "urd", "vi": "vie", "zh": "chi",
}  # fmt: skip


def iso639_2(language: str | None) -> str:
    """'en', 'en-US' or 'eng' -> 'eng'; unknown or empty -> 'und'."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if len(code) == 3 and code.isalpha():
        return code
    return ISO639_2.get(code, "und")
