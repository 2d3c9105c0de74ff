"""Synthesis stage: alignment, cache hits/misses, edits, no-cache runs, retries, jobs, progress."""

from __future__ import annotations

import dataclasses
import io
import os
import threading
import time
from pathlib import Path

import pytest
from engine_fakes import FakeEngine, tone

from readaloud.engines.base import Engine
from readaloud.engines.registry import get_engine, register_engine, unregister_engine
from readaloud.errors import EngineError
from readaloud.pcm import read_wav
from readaloud.script.model import Chapter, Segment, SpeechScript
from readaloud.synth import run as synth
from readaloud.synth import synthesize_script
from readaloud.synth.progress import Progress
from readaloud.voices import VoicePreset, load_presets

FAKE = VoicePreset(name="fake", engine="fake", language="en-US")


def make_script(*chapters: list[str]) -> SpeechScript:
    return SpeechScript(
        title="Test",
        chapters=[
            Chapter(f"Chapter {n}", [Segment(text, pause_after_ms=200) for text in texts])
            for n, texts in enumerate(chapters, 1)
        ],
    )


@pytest.fixture
def fake() -> FakeEngine:
    register_engine("fake", FakeEngine)
    yield get_engine("fake")
    unregister_engine("fake")


def test_clips_align_with_segments_and_skip_unspeakable(tmp_path, fake):
    script = make_script(["Hello there.", "...", ""], ["Second chapter.", "- - -"])
    result = synthesize_script(script, FAKE, cache_dir=tmp_path, progress=False)
    assert [c is not None for c in result.clips] == [True, False, False, True, False]
    assert result.misses == 2 and result.hits == 0 and result.synthesized == [0, 3]
    assert fake.calls == ["Hello there.", "Second chapter."]
    clip = result.clips[0]
    assert clip.path.is_file() and clip.path.is_relative_to(tmp_path)
    assert read_wav(clip.path).samples == clip.samples > 0
    assert result.audio_seconds == pytest.approx((12 + 15) * 0.04, rel=0.01)


def test_second_run_is_all_hits_and_an_edit_redoes_only_that_segment(tmp_path, fake):
    texts = [f"Sentence number {n} is here." for n in range(6)]
    first = synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path, progress=False)
    assert first.misses == 6
    again = synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path, progress=False)
    assert (again.hits, again.misses, again.synthesized) == (6, 0, [])
    assert [c.path for c in again.clips] == [c.path for c in first.clips]
    texts[3] = "Sentence number three was edited."
    edited = synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path, progress=False)
    assert (edited.hits, edited.misses, edited.synthesized) == (5, 1, [3])
    assert fake.calls[-1] == "Sentence number three was edited."


def test_cache_key_covers_voice_and_rate(tmp_path, fake):
    script = make_script(["Same words."])
    base = synthesize_script(script, FAKE, cache_dir=tmp_path, progress=False)
    for changed in (
        VoicePreset(name="f", engine="fake", language="en-US", rate=1.5),
        VoicePreset(name="f", engine="fake", language="en-US", voice="other"),
        VoicePreset(name="f", engine="fake", language="fr"),
    ):
        result = synthesize_script(script, changed, cache_dir=tmp_path, progress=False)
        assert result.misses == 1
        assert result.clips[0].path != base.clips[0].path
    # The preset's name and pause scale do not change the audio: still a hit.
    renamed = VoicePreset(name="other-name", engine="fake", language="en-US", pause_scale=2)
    assert synthesize_script(script, renamed, cache_dir=tmp_path, progress=False).hits == 1


def test_repeated_text_is_synthesized_once(tmp_path, fake):
    result = synthesize_script(
        make_script(["Next.", "Body one.", "Next.", "Next."]), FAKE, cache_dir=tmp_path
    )
    assert fake.calls.count("Next.") == 1
    assert (result.misses, result.hits, result.synthesized) == (2, 2, [0, 1])
    assert result.clips[0] is result.clips[3]


def test_no_cache_uses_a_temporary_folder_removed_on_close(tmp_path, fake):
    cache = tmp_path / "cache"
    script = make_script(["One.", "Two."])
    with synthesize_script(script, FAKE, cache_dir=cache, use_cache=False) as result:
        folder = result.clips[0].path.parent.parent
        assert result.clips[0].path.is_file() and not cache.exists()
        assert result.misses == 2
    assert not folder.exists()
    # Nothing was cached, so a no-cache run never reads stale clips either.
    again = synthesize_script(script, FAKE, cache_dir=cache, use_cache=False)
    assert again.misses == 2
    again.close()


def test_default_cache_dir_follows_env(tmp_path, monkeypatch, fake):
    monkeypatch.setenv("READALOUD_CACHE_DIR", str(tmp_path))
    result = synthesize_script(make_script(["Hello."]), FAKE)
    assert result.clips[0].path.is_relative_to(tmp_path / "audio")


def test_short_audio_is_retried_once(tmp_path, fake):
    fake.short_replies = 1
    result = synthesize_script(make_script(["A proper sentence."]), FAKE, cache_dir=tmp_path)
    assert len(fake.calls) == 2
    assert result.clips[0].duration_ms > 500


def test_short_audio_twice_is_an_error_not_silence(tmp_path, fake):
    fake.short_replies = 2
    with pytest.raises(EngineError, match="no usable audio"):
        synthesize_script(make_script(["A proper sentence."]), FAKE, cache_dir=tmp_path)
    assert not list(tmp_path.rglob("*.wav"))


def test_very_short_words_may_be_short(tmp_path, fake):
    fake.short_replies = 1
    result = synthesize_script(make_script(["Ok."]), FAKE, cache_dir=tmp_path)
    assert len(fake.calls) == 1 and result.clips[0] is not None


def test_engine_error_stops_the_run_and_keeps_finished_clips(tmp_path, fake):
    fake.fail_on = "BOOM"
    texts = ["First one.", "Second one.", "BOOM goes this.", "Fourth one."]
    with pytest.raises(EngineError, match="BOOM"):
        synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path, jobs=1)
    fake.fail_on = None
    fake.calls.clear()
    result = synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path, jobs=1)
    assert result.hits == 2 and fake.calls == ["BOOM goes this.", "Fourth one."]


def test_unready_voice_is_refused_before_work(tmp_path):
    preset = VoicePreset(name="x", engine="piper", voice=str(tmp_path / "missing.onnx"))
    with pytest.raises(EngineError, match="cannot be used"):
        synthesize_script(make_script(["Hello."]), preset, cache_dir=tmp_path)


class SlowEngine(FakeEngine):
    """Sleeps per utterance and records how many run at once."""

    def __init__(self) -> None:
        super().__init__()
        self.running = 0
        self.peak = 0

    def synthesize(self, text, preset):
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.02)
        try:
            return super().synthesize(text, preset)
        finally:
            with self.lock:
                self.running -= 1


def test_jobs_run_in_parallel_with_identical_results(tmp_path):
    register_engine("fake", SlowEngine)
    try:
        texts = [f"Utterance {n}." for n in range(12)]
        parallel = synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path / "a", jobs=3)
        assert get_engine("fake").peak >= 2
        serial = synthesize_script(make_script(texts), FAKE, cache_dir=tmp_path / "b", jobs=1)
        assert [c.samples for c in parallel.clips] == [c.samples for c in serial.clips]
        assert parallel.synthesized == list(range(12))
    finally:
        unregister_engine("fake")


def test_engine_not_parallel_safe_runs_alone(tmp_path):
    class Serial(SlowEngine):
        parallel_safe = False

    register_engine("fake", Serial)
    try:
        synthesize_script(
            make_script([f"U {n}." for n in range(6)]), FAKE, cache_dir=tmp_path, jobs=4
        )
        assert get_engine("fake").peak == 1
    finally:
        unregister_engine("fake")


def test_default_jobs():
    assert synth.default_jobs(FakeEngine()) >= 1

    class Serial(FakeEngine):
        parallel_safe = False

    assert synth.default_jobs(Serial()) == 1


def test_default_jobs_stay_within_the_memory_budget(monkeypatch):
    class Heavy(FakeEngine):
        worker_memory_mb = 400

    monkeypatch.setattr(synth.os, "cpu_count", lambda: 8)
    monkeypatch.delenv("READALOUD_MEMORY_MB", raising=False)
    assert synth.default_jobs(Heavy()) == 1  # (1024 - 300) // 400
    monkeypatch.setenv("READALOUD_MEMORY_MB", "2048")
    assert synth.default_jobs(Heavy()) == 4  # min(cap of 4, (2048 - 300) // 400)
    assert synth.default_jobs(FakeEngine()) == 4


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_and_quiet_modes():
    stream = FakeTTY()
    bar = Progress(4, 1, stream=stream)
    bar.bar.start_t -= 10
    bar.advance(2.5)
    line = bar.line()
    assert "2/4 utterances" in line and "2.5 s audio" in line and "ETA 00:20" in line
    bar.advance(1.0, 2)
    bar.close()
    assert "4/4" in stream.getvalue() and stream.getvalue().endswith("\n")
    quiet = io.StringIO()  # not a terminal
    bar = Progress(2, stream=quiet)
    bar.advance(1.0)
    bar.close()
    assert quiet.getvalue() == ""
    disabled = FakeTTY()
    bar = Progress(2, enabled=False, stream=disabled)
    bar.advance(1.0)
    bar.close()
    assert disabled.getvalue() == ""


# --- real Piper -------------------------------------------------------------------------


def test_piper_cache_hits_and_single_edit(tmp_path):
    preset = load_presets()["default"]
    texts = ["Good morning.", "This is the second sentence.", "And a third one.", "The end."]
    cold = synthesize_script(make_script(texts[:2], texts[2:]), preset, cache_dir=tmp_path)
    assert (cold.misses, cold.hits) == (4, 0)
    assert all(c.sample_rate == 22050 and c.duration_ms > 300 for c in cold.clips)
    warm = synthesize_script(make_script(texts[:2], texts[2:]), preset, cache_dir=tmp_path)
    assert (warm.misses, warm.hits, warm.synthesized) == (0, 4, [])
    texts[1] = "This is the edited second sentence."
    edited = synthesize_script(make_script(texts[:2], texts[2:]), preset, cache_dir=tmp_path)
    assert (edited.misses, edited.hits, edited.synthesized) == (1, 3, [1])


def test_piper_parallel_jobs_share_nothing_unsafe(tmp_path):
    preset = load_presets()["default"]
    texts = [f"Sentence {word} is spoken now." for word in "abcdefgh"]
    result = synthesize_script(make_script(texts), preset, cache_dir=tmp_path, jobs=2)
    assert result.misses == 8
    assert all(c.duration_ms > 800 for c in result.clips)
    assert threading.active_count() < 10  # the worker pool is gone


def test_cached_damaged_clip_is_redone(tmp_path, fake):
    script = make_script(["Hello there."])
    first = synthesize_script(script, FAKE, cache_dir=tmp_path)
    Path(first.clips[0].path).write_bytes(b"RIFF garbage")
    again = synthesize_script(script, FAKE, cache_dir=tmp_path)
    assert again.misses == 1 and again.clips[0].samples == first.clips[0].samples


def test_engine_base_defaults():
    assert Engine.settings(FakeEngine(), FAKE) == {"language": "en-US", "rate": 1.0}


def test_stale_partial_files_of_killed_runs_are_swept(tmp_path, fake):
    synthesize_script(make_script(["Hello."]), FAKE, cache_dir=tmp_path)
    folder = next(p for p in tmp_path.iterdir() if p.is_dir())
    stale, fresh = folder / ".abc.wav.x1.part", folder / ".abd.wav.x2.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    synthesize_script(make_script(["Hello."]), FAKE, cache_dir=tmp_path)
    assert not stale.exists() and fresh.exists()


def test_offline_gtts_fails_fast_and_writes_nothing(tmp_path, monkeypatch):
    pytest.importorskip("gtts")
    from engine_fakes import FakeGoogle

    from readaloud.engines import google_tts
    from readaloud.errors import NetworkError

    google = FakeGoogle().install(monkeypatch)
    monkeypatch.setattr(google_tts, "_probe_results", {})
    monkeypatch.setattr(google_tts, "probe_host", lambda *args, **kwargs: False)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="--engine piper"):
        synthesize_script(
            make_script(["One.", "Two."]), load_presets()["gtts-en-us"], cache_dir=tmp_path
        )
    assert time.monotonic() - started < 1.0
    assert google.requests == [] and not list(tmp_path.rglob("*.wav"))


class SsmlEngine(FakeEngine):
    """A fake engine that reads SSML, as espeak-ng does."""

    capabilities = dataclasses.replace(FakeEngine.capabilities, accepts_ssml=True)

    def synthesize_ssml(self, ssml: str, preset):
        with self.lock:
            self.calls.append(ssml)
        return tone(40 * len(ssml) / preset.rate)


def test_ssml_engines_receive_each_utterance_as_ssml(tmp_path):
    import xml.etree.ElementTree as ET

    from readaloud.script.model import Span

    register_engine("fake", SsmlEngine)
    try:
        segment = Segment(
            "It cost three dollars.",
            300,
            spans=[
                Span("It cost ", "It cost "),
                Span("$3", "three dollars", "money"),
                Span(".", "."),
            ],
        )
        script = SpeechScript("T", language="en-GB", chapters=[Chapter("T", [segment])])
        synthesize_script(script, FAKE, cache_dir=tmp_path, progress=False)
        (sent,) = get_engine("fake").calls
        root = ET.fromstring(sent)
        assert root.tag.endswith("speak") and '<sub alias="three dollars">$3</sub>' in sent
        assert "break" not in sent  # pauses are silence inserted at assembly
    finally:
        unregister_engine("fake")
