"""Pronunciation lexicons: PLS and TOML loading, precedence, matching, fingerprint, explain."""

import pytest

from readaloud.errors import ConfigError
from readaloud.script.lexicon import (
    Lexicon,
    LexiconEntry,
    builtin_lexicon,
    explain_lines,
    load_lexicon,
)
from readaloud.script.model import Chapter, Segment, SpeechScript
from readaloud.script.normalize import normalize, spoken

PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Nguyen</grapheme><alias>Win</alias></lexeme>
  <lexeme><grapheme>Pyongyang</grapheme><phoneme>ˈpjʌŋjæŋ</phoneme></lexeme>
  <lexeme><grapheme>W3C</grapheme><grapheme>W.3.C</grapheme>
    <alias>World Wide Web Consortium</alias></lexeme>
</lexicon>
"""

TOML = """
"Xi Jinping" = "shee jin-ping"
"Guo Jiakun" = { alias = "Gwo Jyah-koon", ipa = "kwo tɕja kʰwən" }

[de]
"Xi Jinping" = "Schi Dschinping"

[en]
"NASA" = { alias = "Nasa", case_sensitive = true }
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pls_aliases_and_phonemes(tmp_path):
    lexicon = load_lexicon(write(tmp_path, "names.pls", PLS))
    assert lexicon.lookup("nguyen", "en").alias == "Win"
    entry = lexicon.lookup("Pyongyang", "en")
    assert entry.ipa == "ˈpjʌŋjæŋ" and entry.alias is None and entry.language == "en-us"
    assert lexicon.lookup("W.3.C", "en").alias == "World Wide Web Consortium"
    # An en-US lexicon does not apply to British English or to German.
    assert lexicon.lookup("Nguyen", "en-GB") is None
    assert lexicon.lookup("Nguyen", "de") is None


def test_toml_language_tables_and_inline_entries(tmp_path):
    lexicon = load_lexicon(write(tmp_path, "names.toml", TOML))
    assert lexicon.lookup("Xi  Jinping", "en").alias == "shee jin-ping"
    assert lexicon.lookup("Xi Jinping", "de").alias == "Schi Dschinping"
    assert lexicon.lookup("guo jiakun", "fr").ipa == "kwo tɕja kʰwən"
    assert lexicon.lookup("NASA", "en").alias == "Nasa"
    assert lexicon.lookup("nasa", "en") is None  # case-sensitive entry


def test_entries_change_spoken_text_and_carry_ipa(tmp_path):
    lexicon = load_lexicon(write(tmp_path, "names.toml", TOML))
    spans = normalize("Spokesperson Guo Jiakun said", "en", lexicon)
    (change,) = [s for s in spans if s.changed]
    assert (change.written, change.spoken) == ("Guo Jiakun", "Gwo Jyah-koon")
    assert change.rule == "lexicon:Guo Jiakun" and change.ipa == "kwo tɕja kʰwən"
    assert spoken("Xi Jinping spoke", "de", lexicon) == "Schi Dschinping spoke"


def test_entries_win_over_built_in_rules():
    lexicon = Lexicon([LexiconEntry("U.S.", "United States"), LexiconEntry("NATO", "nay-toe")])
    assert spoken("the U.S. and NATO met", "en", lexicon) == "the United States and nay-toe met"
    assert spoken("World War II", "en", Lexicon([LexiconEntry("II", "too")])) == "World War too"


def test_whole_words_longest_first_and_possessive():
    lexicon = Lexicon([LexiconEntry("Kim", "Keem"), LexiconEntry("Kim Jong Un", "Kim Jong Oon")])
    assert spoken("Kim Jong Un’s visit", "en", lexicon) == "Kim Jong Oon’s visit"
    assert spoken("Kimberly and Kim", "en", lexicon) == "Kimberly and Keem"


def test_merge_later_sources_win():
    a = Lexicon([LexiconEntry("Xi", "zee"), LexiconEntry("Kim", "Keem")], source="a")
    b = Lexicon([LexiconEntry("xi", "shee")], source="b")
    merged = Lexicon.merge(a, b)
    assert merged.lookup("Xi").alias == "shee"
    assert merged.lookup("Kim").alias == "Keem"
    assert a.merge(b).lookup("XI").alias == "shee"
    assert b.merge(a).lookup("Xi").alias == "zee"


def test_fingerprint_is_stable_and_changes_with_entries():
    a = Lexicon([LexiconEntry("Xi", "shee"), LexiconEntry("Kim", "Keem")])
    b = Lexicon([LexiconEntry("Kim", "Keem"), LexiconEntry("Xi", "shee")])
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != Lexicon([LexiconEntry("Xi", "see")]).fingerprint()
    # An overridden entry no longer counts.
    c = Lexicon([LexiconEntry("Xi", "zee")]).merge(b)
    assert c.fingerprint() == a.fingerprint()


def test_builtin_lexicon_reads_xi_as_shee():
    lexicon = builtin_lexicon()
    assert lexicon.lookup("Xi Jinping", "en").alias == "Shee Jinping"
    assert spoken("Xi Jinping's speech", "en", lexicon) == "Shee Jinping's speech"
    assert spoken("Xi Jinping's speech", "en", Lexicon()) == "Xi Jinping's speech"
    assert spoken("Xi Jinping's speech") == "Xi Jinping's speech"  # None: no lexicon


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.toml", '"Xi" = ', "not valid TOML"),
        ("bad.toml", '"Xi" = 5', "must be a string or a table"),
        ("bad.toml", '"Xi" = { alais = "shee" }', "neither an entry"),
        ("bad.toml", '"Xi" = { case_sensitive = true }', "neither an entry"),
        ("bad.toml", '[Names]\n"x" = "y"', "neither an entry"),
        ("bad.toml", '[en]\n"Xi" = { alias = "shee", stress = 1 }', "unknown key"),
        ("bad.toml", '[en]\n"Xi" = { case_sensitive = "yes", alias = "x" }', "true/false"),
        ("bad.toml", '"Xi" = "a\\u0001b"', "control characters"),
        ("bad.pls", "<lexicon><lexeme>", "not well-formed XML"),
        ("bad.pls", "<html/>", "PLS <lexicon>"),
        ("bad.pls", "<lexicon><lexeme><alias>x</alias></lexeme></lexicon>", "no <grapheme>"),
        ("bad.pls", "<lexicon><lexeme><grapheme>x</grapheme></lexeme></lexicon>", "no <alias>"),
    ],
)
def test_bad_files_raise_one_line_config_errors(tmp_path, name, text, message):
    with pytest.raises(ConfigError) as info:
        load_lexicon(write(tmp_path, name, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_lexicon(tmp_path / "nope.toml")


def test_explain_lines_list_every_change_with_location():
    first = normalize("the 80th anniversary")
    second = normalize("Xi Jinping's visit", "en", builtin_lexicon())
    script = SpeechScript(
        title="t",
        chapters=[
            Chapter("one", [Segment("x", spans=[])]),
            Chapter("two", [Segment("a", spans=first), Segment("b", spans=second)]),
        ],
    )
    lines = explain_lines(script)
    assert lines == [
        'chapter 2, segment 1: "80th" -> "eightieth" [number.ordinal]',
        'chapter 2, segment 2: "Xi Jinping" -> "Shee Jinping" /ʃi dʒɪnˈpɪŋ/ [lexicon:Xi Jinping]',
    ]
