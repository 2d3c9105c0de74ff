"""Sentence splitting: one utterance per sentence, never at abbreviations, decimals, initials."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readaloud.script.sentences import MAX_CHARS, split_sentences

KEEP_TOGETHER = [
    "Former U.S. President Donald Trump reacted.",
    "The U.K. and the U.N. agreed.",
    "Dr. Smith met Mr. Jones and Mrs. Lee.",
    "They live at 5 St. James St. in London.",
    "See No. 5 on the list.",
    "It happened on Sept. 4 in Beijing.",
    "Fruit, e.g. Apples and Pears, is healthy.",
    "One option, i.e. The first one, won.",
    "The rate rose to 3.2 percent.",
    "J. R. R. Tolkien wrote it.",
    "George W. Bush spoke.",
    "Wait... what happened?",
    "Visit www.example.com or mail jane.doe@example.com for more.",
    "Apple Inc. Chief Executive Tim Cook spoke.",
    "Prof. Lee and Gen. Patton met at 10 a.m. Eastern time.",
    "He cited Fig. 3 and pp. 10-12.",
]

SPLITS = [
    ("It ended in 1948. The war began.", ["It ended in 1948.", "The war began."]),
    (
        "They conspired against the U.S. However, Putin disagreed.",
        ["They conspired against the U.S.", "However, Putin disagreed."],
    ),
    ('He said "Stop." Then he left!', ['He said "Stop."', "Then he left!"]),
    ("Why? Because. 2025 will tell.", ["Why?", "Because.", "2025 will tell."]),
    ("Apples, pears, etc. The list goes on.", ["Apples, pears, etc.", "The list goes on."]),
    ("We met at 10 a.m. The talks lasted.", ["We met at 10 a.m.", "The talks lasted."]),
    ("It was Plan B. The rest failed.", ["It was Plan B.", "The rest failed."]),
    ("Really?! (Yes.) Fine.", ["Really?!", "(Yes.)", "Fine."]),
    ("He paused… Then he spoke.", ["He paused…", "Then he spoke."]),
    ("The U.S. said no. Talks go on.", ["The U.S. said no.", "Talks go on."]),
    (
        "It began in Dec. The end came in Jan. 2025.",
        ["It began in Dec.", "The end came in Jan. 2025."],
    ),
]


@pytest.mark.parametrize("text", KEEP_TOGETHER)
def test_does_not_split(text):
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_splits(text, expected):
    assert split_sentences(text) == expected


def test_whitespace_is_normalized_and_empty_text_gives_nothing():
    assert split_sentences("  One.\n\n  Two  words. ") == ["One.", "Two words."]
    assert split_sentences(" \n ") == []


def test_long_sentences_are_cut_near_the_middle_at_punctuation():
    clauses = [f"clause number {i} goes on for a while" for i in range(40)]
    text = "; ".join(clauses[:20]) + ", " + ", ".join(clauses[20:]) + "."
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces) == text
    assert pieces[0].endswith(";") or pieces[0].endswith(",")


def test_a_long_sentence_without_punctuation_is_cut_at_spaces():
    text = " ".join(["word"] * 300)
    pieces = split_sentences(text)
    assert all(len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces) == text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "The",
                "U.S.",
                "Dr.",
                "Smith",
                "said",
                "3.2",
                "no.",
                "5",
                "It",
                "ended.",
                "Why?",
                "...",
                "e.g.",
                "J.",
                "R.",
                "x" * 30,
                ",",
                ";",
                "“Quote.”",
                "(aside)",
                "\n",
                "  ",
            ]
        ),  # fmt: skip
        max_size=120,
    )
)
def test_joining_gives_back_the_text(words):
    text = " ".join(words)
    pieces = split_sentences(text)
    assert " ".join(pieces) == " ".join(text.split())
    assert all(p == p.strip() and p for p in pieces)
