"""Other languages: English number words never reach German text; rule sets per language."""

import re

from readaloud.script.normalize import (
    NormalizeOptions,
    normalize,
    register_language,
    spoken,
)
from readaloud.script.rules import Rule


def test_german_numbers_are_left_to_the_voice():
    text = "Er kam 1948 nach Berlin, 90 % davon am 4. September, für 3,2 Mrd. Euro."
    assert spoken(text, "de") == text


def test_german_keeps_english_abbreviations_and_acronyms_alone():
    text = "Dr. Müller sprach mit der CDU über World War II."
    assert spoken(text, "de-DE") == text


def test_german_urls_symbols_and_pauses_use_german_words():
    assert (
        spoken("Siehe https://www.example.de/seite jetzt", "de") == "Siehe example Punkt de jetzt"
    )
    assert spoken("Brot & Butter", "de") == "Brot und Butter"
    assert spoken("und/oder", "de") == "und oder"
    assert spoken("Er sagte—leise—nein", "de") == "Er sagte, leise, nein"


def test_unknown_language_gets_only_neutral_rules():
    text = "Visit https://www.example.com/a — 1948 (90%) U.S."
    assert spoken(text, "xx") == "Visit example.com, 1948, 90%, U.S."


def test_british_english_keeps_and_and_day_first_dates():
    assert spoken("105 people on 4/9/2025", "en-GB") == (
        "one hundred and five people on the fourth of September, twenty twenty-five"
    )
    assert spoken("105 people on 9/4/2025", "en-US") == (
        "one hundred five people on September fourth, twenty twenty-five"
    )


def test_options_switch_rule_families_off():
    text = "In 1948 (or so) the U.S. paid $5 — see https://example.com/x or a@b.org."
    plain = NormalizeOptions(numbers=False, pauses=False, urls="drop", emails="drop")
    assert spoken(text, "en", None, plain) == "In 1948 (or so) the U.S paid $5 — see  or ."
    assert spoken("the XKCD site", "en", None, NormalizeOptions(spell_unknown_acronyms=False)) == (
        "the XKCD site"
    )
    assert (
        spoken("a test [3].", "en", None, NormalizeOptions(citations="read")) == "a test [three]."
    )


def test_a_language_can_register_its_own_rules():
    def klingon(options):
        return [Rule("number.tlh", re.compile(r"\b1\b"), lambda m, c: "wa'")]

    register_language("tlh", klingon)
    spans = normalize("1 Qapla'", "tlh")
    assert [(s.written, s.spoken, s.rule) for s in spans][0] == ("1", "wa'", "number.tlh")
