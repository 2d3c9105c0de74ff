"""Raw audio passed between the engine, synthesis and assembly stages.

Engines return `PCM` (16-bit signed little-endian mono samples in memory, one utterance);
the synthesis stage stores each utterance as a WAV file in its cache and hands assembly a
`Clip` (a file reference), so a long episode never has to sit in memory whole.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

SAMPLE_WIDTH = 2  # bytes: 16-bit signed


@dataclass
class PCM:
    """Mono 16-bit little-endian samples at `sample_rate`."""

    data: bytes
    sample_rate: int

    @property
    def samples(self) -> int:
        return len(self.data) // SAMPLE_WIDTH

    @property
    def duration_ms(self) -> float:
        return 1000.0 * self.samples / self.sample_rate


@dataclass
class Clip:
    """One synthesized utterance on disk: a mono 16-bit WAV file."""

    path: Path
    samples: int
    sample_rate: int

    @property
    def duration_ms(self) -> float:
        return 1000.0 * self.samples / self.sample_rate

    def read(self) -> PCM:
        return read_wav(self.path)


def read_wav(path: Path) -> PCM:
    """Read a mono 16-bit WAV file."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != SAMPLE_WIDTH or wav.getnchannels() != 1:
            raise ValueError(f"{path}: expected mono 16-bit WAV")
        return PCM(wav.readframes(wav.getnframes()), wav.getframerate())


def write_wav(path: Path, pcm: PCM) -> None:
    """Write mono 16-bit WAV (the caller handles atomic rename)."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(pcm.sample_rate)
        wav.writeframes(pcm.data)
