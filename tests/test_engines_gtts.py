"""gTTS: fake HTTP for the happy path and retries; offline fails fast with one line."""

from __future__ import annotations

import threading
import time
import urllib.parse
from dataclasses import replace

import pytest
from engine_fakes import FakeGoogle

from readaloud.engines import google_tts
from readaloud.engines.google_tts import GoogleEngine
from readaloud.errors import EngineError, NetworkError
from readaloud.voices import load_presets

pytest.importorskip("gtts")


@pytest.fixture
def online(monkeypatch):
    monkeypatch.setattr(google_tts, "_probe_results", {})
    monkeypatch.setattr(google_tts, "probe_host", lambda *args, **kwargs: True)


@pytest.fixture
def engine():
    made = GoogleEngine()
    made.sleeps = []
    made.sleep = made.sleeps.append
    return made


@pytest.fixture
def preset():
    return load_presets()["gtts-en-gb"]


def test_request_carries_language_and_accent_host(monkeypatch, online, engine, preset):
    google = FakeGoogle().install(monkeypatch)
    pcm = engine.synthesize("Good morning.", preset)
    assert pcm.sample_rate == 24000
    assert 500 < pcm.duration_ms < 800  # the fake MP3 holds 0.6 s
    assert len(google.requests) == 1
    request = google.requests[0]
    assert request.url.startswith("https://translate.google.co.uk/")
    sent = urllib.parse.unquote(request.body)
    assert '\\"Good morning.\\",\\"en\\"' in sent


def test_rate_changes_duration_through_ffmpeg(monkeypatch, online, engine, preset):
    FakeGoogle().install(monkeypatch)
    normal = engine.synthesize("Hello.", preset).duration_ms
    fast = engine.synthesize("Hello.", replace(preset, rate=1.5)).duration_ms
    assert fast == pytest.approx(normal / 1.5, rel=0.1)


def test_retries_429_and_5xx_with_backoff(monkeypatch, online, engine, preset):
    google = FakeGoogle(statuses=[429, 503]).install(monkeypatch)
    pcm = engine.synthesize("Hello again.", preset)
    assert pcm.samples > 0
    assert len(google.requests) == 3
    assert len(engine.sleeps) == 2 and engine.sleeps[1] > engine.sleeps[0]


def test_retries_connection_errors_then_gives_up(monkeypatch, online, engine, preset):
    google = FakeGoogle(errors=10).install(monkeypatch)
    with pytest.raises(NetworkError, match="after 4 attempts") as info:
        engine.synthesize("Hello.", preset)
    assert len(google.requests) == google_tts.MAX_ATTEMPTS
    assert "--engine piper" in str(info.value)


def test_forbidden_is_not_retried(monkeypatch, online, engine, preset):
    google = FakeGoogle(statuses=[403]).install(monkeypatch)
    with pytest.raises(EngineError, match="403"):
        engine.synthesize("Hello.", preset)
    assert len(google.requests) == 1


def test_offline_fails_fast_with_one_line(monkeypatch, engine, preset):
    monkeypatch.setattr(google_tts, "_probe_results", {})
    google = FakeGoogle().install(monkeypatch)
    # The real probe against a name that can never resolve (RFC 6761 .invalid).
    monkeypatch.setattr(GoogleEngine, "lang_tld", lambda self, p: ("en", "invalid"))
    started = time.monotonic()
    with pytest.raises(NetworkError) as info:
        engine.prepare(preset, 1)
    assert time.monotonic() - started < 1.0
    assert str(info.value) == (
        "gTTS needs the internet and translate.google.invalid cannot be reached. "
        "Use the offline voice: --engine piper"
    )
    assert google.requests == []


def test_probe_result_is_cached_per_process(monkeypatch, engine, preset):
    calls = []
    monkeypatch.setattr(google_tts, "_probe_results", {})
    monkeypatch.setattr(google_tts, "probe_host", lambda *a, **k: calls.append(a) or False)
    for _ in range(3):
        with pytest.raises(NetworkError):
            engine.synthesize("Hello.", preset)
    assert len(calls) == 1


def test_probe_is_bounded_even_when_dns_hangs(monkeypatch):
    release = threading.Event()

    def hang(*args, **kwargs):
        release.wait(5)
        raise OSError("resolver gave up")

    monkeypatch.setattr(google_tts.socket, "create_connection", hang)
    started = time.monotonic()
    try:
        assert google_tts.probe_host("example.com", 443, timeout=0.2) is False
        assert time.monotonic() - started < 0.5
    finally:
        release.set()


def test_unsupported_language_is_explained(engine, preset):
    with pytest.raises(EngineError, match="does not speak 'tlh'"):
        engine.lang_tld(replace(preset, language="tlh"))


@pytest.mark.parametrize(
    ("language", "tld", "expected"),
    [
        ("en-GB", None, ("en", "co.uk")),
        ("en-AU", None, ("en", "com.au")),
        ("fr-FR", None, ("fr", "fr")),
        ("en-US", "ie", ("en", "ie")),
        ("zh-TW", None, ("zh-TW", "com")),
    ],
)
def test_language_and_accent_mapping(engine, preset, language, tld, expected):
    options = (("tld", tld),) if tld else ()
    assert engine.lang_tld(replace(preset, language=language, options=options)) == expected


@pytest.mark.net
def test_real_google_round_trip(engine, preset):
    pcm = engine.synthesize("This is a test.", preset)
    assert pcm.duration_ms > 500
