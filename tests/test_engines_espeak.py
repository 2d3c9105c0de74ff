"""espeak-ng: SSML through -m, WAV from stdout, and a clear reason when the binary is missing."""

from __future__ import annotations

import shutil
import struct

import pytest

from readaloud.engines import espeak_ng
from readaloud.engines.espeak_ng import EspeakEngine, parse_wav_stream
from readaloud.errors import EngineError
from readaloud.voices import load_presets

HAVE_ESPEAK = shutil.which("espeak-ng") is not None


def _ssml(body: str) -> str:
    return (
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">'
        f"{body}</speak>"
    )


def test_missing_binary_is_not_ready_with_the_fix(monkeypatch):
    monkeypatch.setattr(espeak_ng.shutil, "which", lambda name: None)
    engine = EspeakEngine()
    assert engine.check() == (
        False,
        "espeak-ng binary not found; install it, e.g. apt-get install espeak-ng",
    )
    with pytest.raises(EngineError, match="apt-get install espeak-ng"):
        engine.synthesize("Hello.", load_presets()["espeak-en"])


def test_parse_wav_stream_with_bogus_sizes():
    samples = struct.pack("<4h", 1, -1, 300, -300)
    header = b"RIFF" + struct.pack("<I", 0x7FFFF000) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 22050, 44100, 2, 16)
    data = b"data" + struct.pack("<I", 0x7FFFF000) + samples
    pcm = parse_wav_stream(header + fmt + data)
    assert pcm.sample_rate == 22050 and pcm.data == samples


def test_parse_wav_stream_rejects_garbage():
    with pytest.raises(EngineError):
        parse_wav_stream(b"not a wav file at all")


@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng binary not installed")
def test_ssml_breaks_are_honoured():
    engine, preset = EspeakEngine(), load_presets()["espeak-en"]
    short = engine.synthesize_ssml(_ssml("One two."), preset).duration_ms
    long = engine.synthesize_ssml(_ssml('One <break time="1500ms"/> two.'), preset).duration_ms
    assert long - short > 1200


@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng binary not installed")
def test_plain_text_reads_markup_characters_as_text():
    engine, preset = EspeakEngine(), load_presets()["espeak-en"]
    pcm = engine.synthesize("Fish & chips < 5 pounds.", preset)
    assert pcm.duration_ms > 800
