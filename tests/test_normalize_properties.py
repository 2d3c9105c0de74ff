"""Property tests: normalize never crashes, its spans cover the input exactly, and the spoken
text never carries characters that XML (and so the SSML) cannot hold."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readaloud.script.normalize import NormalizeOptions, normalize

XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Pieces that exercise many rules at once, mixed with arbitrary text.
PIECES = st.sampled_from(
    [
        "U.S.", "DPRK-China", "World War II", "80th", "1950-1953", "90%", "$3.2bn", "Sept. 4",
        "10:30 a.m.", "https://www.example.com/a", "jane@example.com", "(", ")", "—", "...",
        "3/4", "2024–25", "No. 5", "St.", "Dr.", "#1", "&", "@x", "Xi Jinping's", "½", "-", "'",
        "1,000", "0.5", "555-123-4567", "IV", "I", "MIX", "e.g.", " ", "\n", "\x00", "\ud800",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=30).map("".join)
OPTIONS = st.builds(
    NormalizeOptions,
    urls=st.sampled_from(["domain", "drop"]),
    emails=st.sampled_from(["read", "drop"]),
    spell_unknown_acronyms=st.booleans(),
    numbers=st.booleans(),
    pauses=st.booleans(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(["en", "en-GB", "de", "fr", "xx", ""]), OPTIONS)
def test_spans_cover_the_text_exactly(text, language, options):
    spans = normalize(text, language, None, options)
    assert "".join(s.written for s in spans) == text
    for span in spans:
        assert span.written  # no empty pieces
        assert not XML_BAD.search(span.spoken)
        if not span.changed:
            assert span.rule == ""
        else:
            assert span.rule


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_unicode_never_crashes(text):
    spans = normalize(text)
    assert "".join(s.written for s in spans) == text


RUNS = ((" ", 30_000), (".", 30_000), ("1-", 15_000), ("…", 30_000), ("a-", 15_000))


def test_long_runs_are_read_whole_and_do_not_hang():
    """Regexes that could backtrack on long runs (spaces, dots, "1-1-1") took 3-70 s each before
    their patterns were anchored to the start of a run. Here: the runs round-trip, in a child
    process that a hang guard (60 s, ~30x the normal time) stops. Their speed and linear growth
    are measured by `benchmarks/normalize_speed.py --runs`, not asserted here."""
    import subprocess
    import sys

    code = (
        "from readaloud.script.normalize import normalize\n"
        "from readaloud.script.sentences import split_sentences\n"
        f"for unit, times in {RUNS!r}:\n"
        "    text = unit * times\n"
        "    assert ''.join(s.written for s in normalize(text)) == text, text[:10]\n"
        "    split_sentences(text)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
