"""The engine registry: entry points, registration of plugins, helpful unknown-engine errors."""

from __future__ import annotations

import pytest
from engine_fakes import FakeEngine

from readaloud.engines.registry import (
    available_engines,
    get_engine,
    register_engine,
    unregister_engine,
)
from readaloud.errors import EngineError


@pytest.fixture
def fake():
    register_engine("fake", FakeEngine)
    yield
    unregister_engine("fake")


def test_builtins_come_from_entry_points():
    engines = available_engines()
    assert {"piper", "gtts", "espeak-ng"} <= set(engines)
    assert type(engines["piper"]).__name__ == "PiperEngine"
    assert type(engines["gtts"]).__name__ == "GoogleEngine"
    assert type(engines["espeak-ng"]).__name__ == "EspeakEngine"


def test_one_instance_per_process():
    assert get_engine("piper") is get_engine("piper")


def test_unknown_engine_lists_known_ones():
    with pytest.raises(EngineError) as info:
        get_engine("nope")
    message = str(info.value)
    assert "Unknown engine 'nope'" in message
    for name in ("piper", "gtts", "espeak-ng"):
        assert name in message


def test_registered_plugin_is_listed_and_usable(fake):
    assert "fake" in available_engines()
    engine = get_engine("fake")
    assert isinstance(engine, FakeEngine)
    assert available_engines()["fake"] is engine


def test_plugin_that_fails_to_start_is_reported(fake):
    def broken():
        raise RuntimeError("no licence key")

    register_engine("broken", broken)
    try:
        with pytest.raises(EngineError, match="no licence key"):
            get_engine("broken")
        assert "broken" not in available_engines()
    finally:
        unregister_engine("broken")
