"""Cutting a long sentence's phonemes into model runs (engines.piper_session.split_phonemes)."""

from readaloud.engines.piper_session import split_phonemes


def test_short_sentence_is_one_piece():
    phonemes = list("hˈɛloʊ wˈɜːld.")
    assert split_phonemes(phonemes, 120) == [phonemes]


def test_cut_prefers_the_pause_nearest_the_middle():
    phonemes = list("aaaa bbbb, cccc dddd eeee, ffff gggg hhhh iiii.")
    pieces = split_phonemes(phonemes, 30)
    assert ["".join(p) for p in pieces] == ["aaaa bbbb, cccc dddd eeee,", "ffff gggg hhhh iiii."]


def test_without_pauses_it_cuts_at_word_gaps_and_every_piece_fits():
    phonemes = list(" ".join(["wɜːd"] * 60) + ".")
    pieces = split_phonemes(phonemes, 50)
    assert all(0 < len(p) <= 50 for p in pieces)
    assert all(p[0] != " " and p[-1] != " " for p in pieces)
    # nothing lost but the word gaps at the cuts
    assert sum(len(p) for p in pieces) == len(phonemes) - (len(pieces) - 1)


def test_a_run_without_any_gap_is_still_bounded():
    phonemes = list("x" * 1000)
    pieces = split_phonemes(phonemes, 120)
    assert all(len(p) <= 120 for p in pieces) and sum(map(len, pieces)) == 1000
