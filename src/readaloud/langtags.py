"""Language tags (BCP 47), read with the langcodes library: one home for the language rules that
presets, tags and transcripts share."""

from __future__ import annotations

import langcodes


def _parse(tag: str | None) -> langcodes.Language | None:
    text = (tag or "").strip().replace("_", "-")
    if not text:
        return None
    try:
        return langcodes.Language.get(text)
    except (ValueError, LookupError):
        return None


def primary(tag: str | None) -> str:
    """The language subtag in lower case: 'de' for 'de_AT'; '' for no tag."""
    parsed = _parse(tag)
    if parsed is not None and parsed.language:
        return parsed.language
    return (tag or "").replace("_", "-").split("-")[0].lower()


def same_tag(a: str, b: str) -> bool:
    """The same language and region, however written ('en_us' == 'en-US')."""
    left, right = _parse(a), _parse(b)
    if left is None or right is None:
        return a.replace("_", "-").lower() == b.replace("_", "-").lower()
    return left == right


def usual_region(tag: str | None) -> str | None:
    """The tag with the region its language usually has: 'en' -> 'en-US', 'pt' -> 'pt-BR'."""
    parsed = _parse(tag)
    if parsed is None:
        return None
    likely = parsed.maximize()
    if not likely.language or not likely.territory:
        return None
    return f"{likely.language}-{likely.territory}"


def iso639_2(tag: str | None) -> str:
    """ISO 639-2 code for ID3 TLAN/COMM: 'en' or 'en-US' -> 'eng' (the B form), a three-letter
    code as given ('fra'); unknown -> 'und'."""
    given = (tag or "").strip().lower().replace("_", "-").split("-")[0]
    if len(given) == 3 and given.isalpha():
        return given
    parsed = _parse(tag)
    if parsed is None or not parsed.language:
        return "und"
    try:
        return parsed.to_alpha3(variant="B")
    except LookupError:
        return "und"
