"""Plan one article: read it, decide its slug, check whether it is up to date, and split the
utterances its clip cache does not hold yet into synthesis packets.

Planning runs on the client (it reads the source, the output folder and the clip cache); the
packets can run anywhere; `finish.finish_article` runs on the client again.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..books.editions import Editions, add_editions, kept_editions
from ..document import Article
from ..engines.registry import get_engine
from ..errors import EngineError
from ..options import ConvertOptions
from ..pcm import Clip
from ..publish.manifest import Identity, read_manifest
from ..script.model import SpeechScript
from ..synth.cache import ClipStore
from ..synth.packets import Packet, Utterance, make_packets, utterances
from ..voices import VoicePreset
from .load import Loaded, episode_guid, load_source, settings_digest
from .outcome import Outcome, Status

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticlePlan:
    """One article, ready for synthesis: its script and voice, where it goes, and its packets."""

    id: str
    source: str
    output_dir: Path
    slug: str
    script: SpeechScript
    preset: VoicePreset
    identity: Identity
    options: ConvertOptions
    utterances: dict[int, Utterance]
    """The utterance of every speakable segment, by segment index."""
    packets: tuple[Packet, ...]
    cached: dict[str, Clip]
    """Clips the client's cache already holds, by key."""
    image: str | None = None
    """The article's image (a URL for a web article), a cover candidate."""
    source_url: str | None = None
    article: Article | None = None
    """The cleaned article (None for SSML input), for the sync map of the text editions."""
    editions: Editions = field(default_factory=Editions)
    """The talking books to write: those asked for and those the episode already had."""

    @property
    def segment_count(self) -> int:
        return len(self.utterances)


class SlugBook:
    """The slugs taken in one batch, so two articles of it never share a name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken: dict[tuple[Path, str], str] = {}

    def reserve(self, title: str, out_dir: Path, guid: str) -> str:
        from ..publish.slug import choose_slug

        with self._lock:
            base = slug = choose_slug(title, out_dir, guid)
            number = 2
            while self._taken.get((out_dir.resolve(), slug), guid) != guid:
                slug = f"{base}-{number}"
                number += 1
            self._taken[(out_dir.resolve(), slug)] = guid
            return slug


def plan_article(
    source: str,
    output_dir: Path,
    options: ConvertOptions,
    store: ClipStore,
    slugs: SlugBook,
    article_id: str,
) -> ArticlePlan | Outcome:
    """The plan of one source, or its Outcome when it is up to date. `article_id` names the
    plan in its packets (unique in the batch).

    Raises ReadaloudError when the source cannot be read or its voice cannot be used.
    """
    loaded = load_source(source, options.script)
    for warning in loaded.warnings:
        logger.warning("%s: %s", loaded.source_name, warning)
    script = loaded.script
    if not script.metadata.source:
        script.metadata = replace(script.metadata, source=loaded.source_name)
    preset = loaded.preset
    guid = episode_guid(loaded)
    identity = Identity(
        source=loaded.source_url or loaded.source_name,
        source_sha256=loaded.source_sha256,
        settings_sha256=settings_digest(script, preset, options.audio, options.publish),
        guid=guid,
        engine=preset.engine,
        voice=preset.voice or preset.name,
    )
    slug = slugs.reserve(script.title, output_dir, guid)
    manifest_path = output_dir / f"{slug}.json"
    manifest = None if options.force else read_manifest(manifest_path)
    if manifest and manifest.is_current(identity.source_sha256, identity.settings_sha256):
        missing = options.editions.missing(manifest)
        if missing.keys():  # written from the episode's audio and sync map, no synthesis
            manifest = add_editions(manifest_path, missing)
        if manifest is not None:
            files = {key: output_dir / entry.name for key, entry in manifest.files.items()}
            return Outcome(source, Status.UP_TO_DATE, manifest_path, files=files)
    plan = _packets(article_id, source, output_dir, options, store, loaded, slug, identity)
    return replace(plan, editions=kept_editions(read_manifest(manifest_path), options.editions))


def _packets(
    article_id: str,
    source: str,
    output_dir: Path,
    options: ConvertOptions,
    store: ClipStore,
    loaded: Loaded,
    slug: str,
    identity: Identity,
) -> ArticlePlan:
    engine = get_engine(loaded.preset.engine)
    ready, reason = engine.check_voice(loaded.preset)
    if not ready:
        raise EngineError(f"Voice '{loaded.preset.name}' cannot be used: {reason}")
    chapters = [chapter for chapter, _ in loaded.script.segments()]
    segments = [segment for _, segment in loaded.script.segments()]
    spoken = utterances(engine, loaded.preset, segments)
    cached: dict[str, Clip] = {}
    todo: dict[int, Utterance] = {}
    for index, utterance in spoken.items():
        clip = cached.get(utterance.key) or store.get(utterance.key)
        if clip is None:
            todo[index] = utterance
        else:
            cached[utterance.key] = clip
    packets = make_packets(article_id, loaded.preset, chapters, todo)
    return ArticlePlan(
        id=article_id,
        source=source,
        output_dir=output_dir,
        slug=slug,
        script=loaded.script,
        preset=loaded.preset,
        identity=identity,
        options=options,
        utterances=spoken,
        packets=packets,
        cached=cached,
        image=loaded.script.metadata.image,
        source_url=loaded.source_url,
        article=loaded.article,
    )
