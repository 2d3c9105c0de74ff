"""Table-driven normalization cases: each input and the exact text the voice gets.

The table lives in tests/fixtures/normalize_cases.tsv (category, input, expected), so an editor
can add a case without touching code.
"""

from collections import Counter
from pathlib import Path

import pytest

from readaloud.script.lexicon import builtin_lexicon
from readaloud.script.normalize import normalize, spoken

TABLE = Path(__file__).parent / "fixtures" / "normalize_cases.tsv"


def load_cases() -> list[tuple[str, str, str]]:
    cases = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, text, expected = line.split("\t")
        cases.append((category, text, expected))
    return cases


CASES = load_cases()


def test_table_is_large_and_covers_every_category():
    counts = Counter(category for category, _, _ in CASES)
    assert len(CASES) >= 150
    for category in (
        "cardinal", "ordinal", "year", "decade", "range", "fraction", "percent", "phone",
        "digits", "money", "unit", "date", "time", "abbrev", "acronym", "roman", "url",
        "email", "symbol", "pause", "lexicon",
    ):  # fmt: skip
        assert counts[category] >= 2, category


@pytest.mark.parametrize(
    ("category", "text", "expected"), CASES, ids=[f"{c}:{t[:30]}" for c, t, _ in CASES]
)
def test_case(category, text, expected):
    assert spoken(text, "en", builtin_lexicon()) == expected
    spans = normalize(text, "en", builtin_lexicon())
    assert "".join(s.written for s in spans) == text
