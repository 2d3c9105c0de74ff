"""espeak-ng (optional): the one local engine that reads SSML (`-m`). Needs the binary on PATH."""

from __future__ import annotations

import functools
import shutil
import struct
import subprocess
from typing import TYPE_CHECKING

from ..errors import EngineError
from ..pcm import PCM
from .base import Capabilities, Engine

if TYPE_CHECKING:
    from ..voices import VoicePreset

BINARY = "espeak-ng"
DEFAULT_WPM = 175  # espeak-ng's own default speed (words per minute)
MIN_WPM, MAX_WPM = 80, 450
TIMEOUT_S = 120
MISSING = f"{BINARY} binary not found; install it, e.g. apt-get install espeak-ng"


def parse_wav_stream(data: bytes) -> PCM:
    """PCM from a RIFF/WAVE byte stream whose sizes may be bogus (espeak-ng --stdout writes
    0x7ffff000 because it cannot seek back): the data chunk is taken to the end."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise EngineError("espeak-ng did not write WAV audio. Check the espeak-ng install.")
    pos, rate = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = pos + 8
        if chunk == b"fmt ":
            _fmt, channels, rate, _byte_rate, _align, bits = struct.unpack(
                "<HHIIHH", data[body : body + 16]
            )
            if channels != 1 or bits != 16:
                raise EngineError(f"espeak-ng wrote {channels}-channel {bits}-bit audio.")
        elif chunk == b"data":
            if rate is None:
                break
            samples = data[body : body + min(size, len(data) - body)]
            return PCM(samples[: len(samples) // 2 * 2], rate)
        pos = body + size + (size & 1)
    raise EngineError("espeak-ng wrote a WAV stream without audio data.")


@functools.cache
def _binary_version(path: str) -> str:
    proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    # "eSpeak NG text-to-speech: 1.51  Data at: ..."
    words = proc.stdout.split(":")[1].split() if ":" in proc.stdout else []
    return words[0] if words else "unknown"


class EspeakEngine(Engine):
    """eSpeak NG formant synthesizer: tiny, offline, many languages, SSML aware."""

    name = "espeak-ng"
    capabilities = Capabilities(
        needs_network=False,
        accepts_ssml=True,
        sample_rate=22050,
        languages=["*"],
        binaries=[BINARY],
    )
    parallel_safe = True  # one process per utterance

    def _path(self) -> str:
        path = shutil.which(BINARY)
        if path is None:
            raise EngineError(f"The {MISSING}.")
        return path

    def version(self) -> str:
        path = shutil.which(BINARY)
        return _binary_version(path) if path else "not installed"

    def check(self) -> tuple[bool, str]:
        if shutil.which(BINARY) is None:
            return False, MISSING
        return True, f"ready (offline, espeak-ng {self.version()}, reads SSML)"

    def _voice(self, preset: VoicePreset) -> str:
        return (preset.voice or preset.language).lower()

    def voice_id(self, preset: VoicePreset) -> str:
        return f"espeak-ng:{self._voice(preset)}"

    def settings(self, preset: VoicePreset) -> dict[str, object]:
        return {"voice": self._voice(preset), "wpm": self._wpm(preset)}

    @staticmethod
    def _wpm(preset: VoicePreset) -> int:
        return max(MIN_WPM, min(MAX_WPM, round(DEFAULT_WPM * preset.rate)))

    def _run(self, text: str, preset: VoicePreset, ssml: bool) -> PCM:
        if not text.strip():
            raise EngineError("espeak-ng was given an empty utterance.")
        cmd = [self._path(), "--stdout", "--stdin", "-b", "1", "-z"]
        cmd += ["-v", self._voice(preset), "-s", str(self._wpm(preset))]
        if ssml:
            cmd.append("-m")
        try:
            proc = subprocess.run(
                cmd, input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EngineError(f"espeak-ng failed to run: {exc}") from exc
        if proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
            raise EngineError(
                f"espeak-ng failed: {detail}. Check the voice name: espeak-ng --voices"
            )
        return parse_wav_stream(proc.stdout)

    def synthesize(self, text: str, preset: VoicePreset) -> PCM:
        return self._run(text, preset, ssml=False)

    def synthesize_ssml(self, ssml: str, preset: VoicePreset) -> PCM:
        return self._run(ssml, preset, ssml=True)
