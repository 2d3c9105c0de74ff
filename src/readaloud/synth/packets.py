"""Synthesis packets: the unit of work a runner (local threads, a Dask cluster) executes.

A packet is about ten distinct utterances of one article, never crossing a chapter, with the
voice preset that speaks them. It is plain, picklable data: `synthesize_packet` can run in
another process or on another machine, where the engine is looked up by name in the registry
(and so loaded once per process).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..engines.base import Engine
from ..engines.registry import get_engine
from ..errors import EngineError, ReadaloudError
from ..pcm import PCM, Clip
from ..script.model import Segment
from ..script.ssml import segment_ssml
from ..voices import VoicePreset
from .cache import ClipStore, clip_key

logger = logging.getLogger(__name__)

PACKET_SIZE = 10
# An utterance with more than this many letters must last at least MIN_CLIP_MS.
MIN_LETTERS_FOR_CHECK = 3
MIN_CLIP_MS = 50.0


@dataclass(frozen=True)
class Utterance:
    """One distinct thing to say: its cache key, its text, and its SSML for engines that read it."""

    key: str
    text: str
    ssml: str | None = None


@dataclass(frozen=True)
class Packet:
    """A few utterances of one article, to be synthesized together with one preset."""

    article: str
    number: int
    preset: VoicePreset
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)
class PacketResult:
    """The audio of a packet: a `Clip` (a file on this machine) or a `PCM` (in memory, for a
    runner whose workers are elsewhere) per utterance key, or the error that stopped it."""

    article: str
    number: int
    clips: tuple[tuple[str, Clip | PCM], ...] = ()
    synthesized: int = 0
    """How many of the utterances were made now (the others came from the cache)."""
    error: ReadaloudError | None = None

    @property
    def audio_seconds(self) -> float:
        return sum(audio.duration_ms for _, audio in self.clips) / 1000.0


def speakable(text: str) -> bool:
    """True when the text holds something to say (a letter or a digit)."""
    return any(ch.isalnum() for ch in text)


def utterances(
    engine: Engine, preset: VoicePreset, segments: list[Segment]
) -> dict[int, Utterance]:
    """The utterance of every speakable segment, by segment index (repeated texts share a key)."""
    voice_id, version, settings = engine.voice_id(preset), engine.version(), engine.settings(preset)
    found: dict[int, Utterance] = {}
    for index, segment in enumerate(segments):
        if not speakable(segment.text):
            continue
        ssml = segment_ssml(segment, preset.language) if engine.capabilities.accepts_ssml else None
        key = clip_key(
            engine=engine.name,
            engine_version=version,
            voice_id=voice_id,
            settings=settings,
            text=ssml or segment.text,
        )
        found[index] = Utterance(key, segment.text, ssml)
    return found


def make_packets(
    article: str,
    preset: VoicePreset,
    chapters: Iterable[int],
    todo: dict[int, Utterance],
    size: int = PACKET_SIZE,
) -> tuple[Packet, ...]:
    """Group the distinct utterances of `todo` (by segment index; `chapters` gives each segment's
    chapter, in segment order) into packets of at most `size`, never crossing a chapter."""
    groups: list[list[Utterance]] = []
    seen: set[str] = set()
    current_chapter = None
    for index, chapter in enumerate(chapters):
        utterance = todo.get(index)
        if utterance is None or utterance.key in seen:
            continue
        seen.add(utterance.key)
        if not groups or chapter != current_chapter or len(groups[-1]) >= size:
            groups.append([])
            current_chapter = chapter
        groups[-1].append(utterance)
    return tuple(
        Packet(article, number, preset, tuple(group)) for number, group in enumerate(groups)
    )


def _plausible(text: str, pcm: PCM) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    if pcm.samples == 0:
        return False
    return not (letters > MIN_LETTERS_FOR_CHECK and pcm.duration_ms < MIN_CLIP_MS)


def synthesize_checked(
    engine: Engine, text: str, preset: VoicePreset, ssml: str | None = None
) -> PCM:
    """Synthesize one utterance (as SSML when given); retry once on empty or implausibly
    short audio, then fail."""
    for attempt in (1, 2):
        pcm = engine.synthesize_ssml(ssml, preset) if ssml else engine.synthesize(text, preset)
        if _plausible(text, pcm):
            return pcm
        logger.warning(
            "%s returned %.0f ms of audio for %r (attempt %d)",
            engine.name,
            pcm.duration_ms,
            text[:60],
            attempt,
        )
    raise EngineError(
        f"The {engine.name} engine returned no usable audio for {text[:60]!r} "
        f"({pcm.duration_ms:.0f} ms). Try another voice or check the text."
    )


def synthesize_packet(
    packet: Packet, cache_dir: Path | None, *, inline_audio: bool = True
) -> PacketResult:
    """Make the audio of one packet; runs wherever the runner puts it.

    With `cache_dir`, clips found there are reused and new ones are stored there. With
    `inline_audio` the result carries the PCM itself (for a client on another machine);
    otherwise it carries the clip files in `cache_dir`. A ReadaloudError (a bad voice, an engine
    failure) comes back in the result, never as an exception.
    """
    if cache_dir is None and not inline_audio:
        raise ValueError("synthesize_packet needs a cache_dir when the audio is not inline")
    store = ClipStore(cache_dir) if cache_dir is not None else None
    clips: list[tuple[str, Clip | PCM]] = []
    made = 0
    try:
        engine = get_engine(packet.preset.engine)
        for utterance in packet.utterances:
            clip = store.get(utterance.key) if store else None
            if clip is None:
                pcm = synthesize_checked(engine, utterance.text, packet.preset, utterance.ssml)
                made += 1
                if store is None:
                    clips.append((utterance.key, pcm))
                    continue
                clip = store.put(utterance.key, pcm)
            clips.append((utterance.key, clip.read() if inline_audio else clip))
    except ReadaloudError as exc:
        return PacketResult(packet.article, packet.number, error=exc)
    return PacketResult(packet.article, packet.number, tuple(clips), made)
