"""The engine contract, checked against every available engine (Google's endpoint is faked)."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from engine_fakes import FakeEngine, FakeGoogle

from readaloud.engines import google_tts
from readaloud.engines.base import Engine
from readaloud.engines.registry import get_engine, register_engine, unregister_engine
from readaloud.errors import EngineError, NetworkError
from readaloud.pcm import PCM
from readaloud.voices import VoicePreset, load_presets


@dataclass
class Case:
    engine: Engine
    preset: VoicePreset
    breaks: Callable[[], VoicePreset]
    """Puts the engine in a failing state and returns the preset that must fail."""


def _piper(monkeypatch) -> Case:
    preset = load_presets()["default"]
    return Case(get_engine("piper"), preset, lambda: replace(preset, voice="/nowhere/x.onnx"))


def _gtts(monkeypatch) -> Case:
    pytest.importorskip("gtts")
    FakeGoogle().install(monkeypatch)
    monkeypatch.setattr(google_tts, "_probe_results", {})
    monkeypatch.setattr(google_tts, "probe_host", lambda *args, **kwargs: True)
    preset = load_presets()["gtts-en-us"]

    def offline() -> VoicePreset:
        monkeypatch.setattr(google_tts, "_probe_results", {})
        monkeypatch.setattr(google_tts, "probe_host", lambda *args, **kwargs: False)
        return preset

    return Case(get_engine("gtts"), preset, offline)


def _espeak(monkeypatch) -> Case:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng binary not installed")
    preset = load_presets()["espeak-en"]
    return Case(get_engine("espeak-ng"), preset, lambda: replace(preset, voice="xx-no-such"))


def _fake(monkeypatch) -> Case:
    register_engine("fake", FakeEngine)
    engine = get_engine("fake")
    engine.fail_on = "FAIL"
    preset = VoicePreset(name="fake", engine="fake", language="en-US")
    return Case(engine, preset, lambda: preset)


MAKERS = {"piper": _piper, "gtts": _gtts, "espeak-ng": _espeak, "fake": _fake}


@pytest.fixture(params=sorted(MAKERS))
def case(request, monkeypatch):
    made = MAKERS[request.param](monkeypatch)
    yield made
    unregister_engine("fake")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_check_never_touches_the_network(case, no_network):
    ready, reason = case.engine.check()
    assert ready is True
    assert isinstance(reason, str) and reason.startswith("ready")


def test_synthesize_gives_mono_pcm_at_the_declared_rate(case):
    pcm = case.engine.synthesize("Hello world, this is a short test.", case.preset)
    assert isinstance(pcm, PCM)
    assert pcm.sample_rate == case.engine.capabilities.sample_rate
    assert len(pcm.data) % 2 == 0
    assert pcm.duration_ms > 300
    assert any(pcm.data), "all-zero audio"


def test_voice_id_and_settings_are_stable_and_serializable(case):
    first = case.engine.voice_id(case.preset)
    assert first and first == case.engine.voice_id(case.preset)
    json.dumps(case.engine.settings(case.preset))
    assert case.engine.version()


def test_registry_name_matches(case):
    assert get_engine(case.engine.name) is case.engine


def test_empty_text_is_an_engine_error(case):
    with pytest.raises(EngineError):
        case.engine.synthesize("   ", case.preset)


def test_failures_are_readaloud_errors(case):
    broken = case.breaks()
    with pytest.raises((EngineError, NetworkError)) as info:
        case.engine.synthesize("FAIL this sentence, please.", broken)
    message = str(info.value)
    assert message and "\n" not in message


def test_ssml_only_where_declared(case):
    ssml = (
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">'
        'One <break time="500ms"/> two.</speak>'
    )
    if case.engine.capabilities.accepts_ssml:
        pcm = case.engine.synthesize_ssml(ssml, case.preset)
        assert pcm.duration_ms > 500
    else:
        with pytest.raises(EngineError):
            case.engine.synthesize_ssml(ssml, case.preset)
