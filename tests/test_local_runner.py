"""The local runner: threads take one utterance at a time, longest first within an article, and
hand back whole packets (pipeline.runner.LocalRunner)."""

from __future__ import annotations

import pytest
from engine_fakes import FakeEngine

from readaloud.engines.registry import get_engine, register_engine, unregister_engine
from readaloud.errors import EngineError
from readaloud.pipeline.runner import LocalRunner
from readaloud.synth.packets import Packet, Utterance
from readaloud.voices import VoicePreset

FAKE = VoicePreset(name="fake", engine="fake", language="en-US")


@pytest.fixture
def fake() -> FakeEngine:
    register_engine("fake", FakeEngine)
    yield get_engine("fake")
    unregister_engine("fake")


def packet(article: str, number: int, *texts: str) -> Packet:
    return Packet(article, number, FAKE, tuple(Utterance(f"{article}-{t}", t) for t in texts))


@pytest.mark.parametrize("jobs", [1, 2])
def test_utterances_run_longest_first_and_come_back_as_whole_packets(tmp_path, fake, jobs):
    packets = [
        packet("a", 0, "Short.", "A much longer sentence than the others."),
        packet("a", 1, "Medium length one."),
        packet("b", 0, "Tiny.", "The longest sentence of the second article, by far."),
    ]
    results = list(LocalRunner().synthesize(packets, tmp_path, jobs))
    assert sorted((r.article, r.number) for r in results) == [("a", 0), ("a", 1), ("b", 0)]
    for result in results:
        mine = next(p for p in packets if (p.article, p.number) == (result.article, result.number))
        assert [key for key, _ in result.clips] == [u.key for u in mine.utterances]
        assert result.error is None and result.synthesized == len(mine.utterances)
    if jobs == 1:  # one thread: the order is exactly the plan's
        assert fake.calls == [
            "A much longer sentence than the others.",
            "Medium length one.",
            "Short.",
            "The longest sentence of the second article, by far.",
            "Tiny.",
        ]
    else:  # every article's utterances start in order, longest first, articles in order
        assert fake.calls.index("Tiny.") > fake.calls.index("Short.")


def test_a_failing_utterance_fails_its_packet_and_skips_the_rest_of_its_article(tmp_path, fake):
    fake.fail_on = "Broken"
    packets = [
        packet("a", 0, "Broken sentence that is the longest of all here.", "Fine."),
        packet("a", 1, "Never needed."),
        packet("b", 0, "Other article."),
    ]
    results = {(r.article, r.number): r for r in LocalRunner().synthesize(packets, tmp_path, 1)}
    assert isinstance(results[("a", 0)].error, EngineError)
    assert results[("a", 1)].clips == () and "Never needed." not in fake.calls
    assert results[("b", 0)].error is None and len(results[("b", 0)].clips) == 1


def test_one_packet_of_several_utterances_still_gets_every_worker(tmp_path, fake, monkeypatch):
    told = []
    monkeypatch.setattr(fake, "prepare", lambda preset, jobs: told.append(jobs), raising=False)
    list(LocalRunner().synthesize([packet("a", 0, "One.", "Two.", "Three.")], tmp_path, 2))
    assert told == [2]
