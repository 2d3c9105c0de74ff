"""Test doubles for the engine layer: a fake engine and a fake Google TTS endpoint."""

from __future__ import annotations

import base64
import functools
import math
import struct
import threading
from dataclasses import dataclass

import requests

from readaloud.engines.base import Capabilities, Engine
from readaloud.errors import EngineError
from readaloud.ffmpeg import run_ffmpeg
from readaloud.pcm import PCM

FAKE_RATE = 16000


def tone(duration_ms: float, rate: int = FAKE_RATE, freq: float = 440.0) -> PCM:
    """A sine tone of `duration_ms` as PCM."""
    count = int(rate * duration_ms / 1000)
    samples = (int(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(count))
    return PCM(struct.pack(f"<{count}h", *samples), rate)


class FakeEngine(Engine):
    """Speaks 40 ms of tone per character; counts calls; can be told to misbehave."""

    name = "fake"
    capabilities = Capabilities(
        needs_network=False, accepts_ssml=False, sample_rate=FAKE_RATE, languages=["*"]
    )
    parallel_safe = True

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.short_replies = 0  # next N calls return 10 ms of audio
        self.fail_on: str | None = None  # text that raises EngineError

    def version(self) -> str:
        return "1.0"

    def check(self) -> tuple[bool, str]:
        return True, "ready (fake)"

    def voice_id(self, preset) -> str:
        return f"fake:{preset.voice or 'default'}"

    def synthesize(self, text: str, preset) -> PCM:
        with self.lock:
            self.calls.append(text)
            short = self.short_replies > 0
            if short:
                self.short_replies -= 1
        if not text.strip():
            raise EngineError("fake engine: empty text")
        if self.fail_on is not None and self.fail_on in text:
            raise EngineError(f"fake engine refuses {text!r}")
        if short:
            return tone(10)
        return tone(40 * len(text) / preset.rate)


@dataclass(frozen=True)
class PitchOptions:
    """The `[pitchy]` table of a preset: the engine's own option."""

    pitch: float = 0.0
    """Semitones above (or below) the 440 Hz tone."""

    def __post_init__(self) -> None:
        value = self.pitch
        if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > 12:
            raise ValueError(f"pitch must be -12 to 12 semitones, not {value!r}")


class PitchEngine(FakeEngine):
    """A plugin engine with an option of its own (registered through an entry point in tests)."""

    name = "pitchy"
    Options = PitchOptions

    def synthesize(self, text: str, preset) -> PCM:
        self.calls.append(text)
        frequency = 440.0 * 2 ** (self.options(preset).pitch / 12)
        return tone(40 * len(text) / preset.rate, freq=frequency)


@functools.cache
def fake_mp3(duration_s: float = 0.6) -> bytes:
    """A real MP3 (24 kHz mono sine), as Google would send."""
    proc = run_ffmpeg(
        [
            "-loglevel", "error", "-f", "lavfi",
            "-i", f"sine=frequency=300:duration={duration_s}",
            "-ar", "24000", "-ac", "1", "-f", "mp3", "pipe:1",
        ]
    )  # fmt: skip
    return proc.stdout


def google_body(mp3: bytes) -> bytes:
    """The batchexecute answer gTTS parses: the MP3 base64-encoded inside a JSON line."""
    b64 = base64.b64encode(mp3).decode("ascii")
    return (
        ")]}'\n\n" + f'[["wrb.fr","jQ1olc","[\\"{b64}\\"]",null,null,null,"generic"]]\n'
    ).encode()


class FakeGoogle:
    """Replaces `requests.Session.send`: answers with queued statuses, then with audio."""

    def __init__(self, statuses: list[int] | None = None, errors: int = 0) -> None:
        self.statuses = list(statuses or [])
        self.errors = errors  # the first N calls raise a connection error
        self.requests: list[requests.PreparedRequest] = []

    def send(self, session, request, **kwargs) -> requests.Response:
        self.requests.append(request)
        if self.errors > 0:
            self.errors -= 1
            raise requests.exceptions.ConnectionError("fake: connection refused")
        status = self.statuses.pop(0) if self.statuses else 200
        response = requests.Response()
        response.status_code = status
        response.reason = "OK" if status == 200 else "Error"
        response.request = request
        response.url = request.url
        response._content = google_body(fake_mp3()) if status == 200 else b""
        response._content_consumed = True
        return response

    def install(self, monkeypatch) -> FakeGoogle:
        fake = self

        def send(session, request, **kwargs):
            return fake.send(session, request, **kwargs)

        monkeypatch.setattr(requests.Session, "send", send)
        return self
