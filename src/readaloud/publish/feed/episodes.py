"""Episodes for the feed: read the manifests in a folder and check their files on disk."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ..manifest import MANIFEST_VERSION, Manifest, manifests_in, modified_at
from .artwork import RULE, artwork_problem

logger = logging.getLogger(__name__)

# Enclosure MIME types by audio file suffix (Apple wants audio/x-m4a for M4A and M4B).
AUDIO_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".m4b": "audio/x-m4a",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
}


@dataclass(frozen=True)
class Sidecar:
    """A file that sits next to the audio (chapters JSON, VTT, SRT) and exists on disk."""

    name: str
    type: str


@dataclass(frozen=True)
class Episode:
    """One episode as the feed sees it: manifest fields plus facts checked on disk."""

    manifest: Path
    slug: str
    guid: str
    title: str
    author: str | None
    language: str | None
    site_name: str | None
    description: str | None
    url: str | None
    published: dt.datetime  # the article's date, else when readaloud first published it
    audio_name: str
    audio_bytes: int  # the real size on disk, not the manifest's claim
    audio_type: str
    duration_ms: int
    chapter_titles: tuple[str, ...]
    chapter_starts_ms: tuple[int, ...]
    image: str | None  # a cover file name in the folder that exists
    chapters: Sidecar | None
    vtt: Sidecar | None
    srt: Sidecar | None
    transcript: Sidecar | None  # Podcasting 2.0 JSON transcript

    def sort_key(self) -> tuple:
        """Newest first; ties by title then slug."""
        return (-self.published.timestamp(), self.title.casefold(), self.slug)


def parse_date(value: object) -> dt.datetime | None:
    """An ISO date or datetime as an aware datetime; a bare date becomes 12:00 UTC.

    Noon UTC keeps the calendar date the same for listeners from UTC-12 to UTC+11, where
    midnight would show most of the Americas the day before.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        logger.warning("Ignoring unreadable date %r (expected ISO 8601 like 2025-09-04)", value)
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _sidecar(folder: Path, files: dict, key: str, default_type: str, manifest: Path):
    entry = files.get(key)
    if entry is None or not entry.name:
        return None
    name = entry.name
    if not (folder / name).is_file():
        # A feed must never point at a missing file: leave the tag out and say so.
        logger.warning(
            "%s: %s file %s is missing; leaving it out of the feed", manifest.name, key, name
        )
        return None
    return Sidecar(name=name, type=entry.type or default_type)


def load_episode(manifest: Manifest) -> Episode | None:
    """The feed's view of one manifest; None, with a warning, if its audio is missing.

    A missing audio file means the episode was removed (manifests are written after the audio),
    so the feed skips it rather than failing the whole feed or publishing a dead enclosure.
    """
    path = manifest.path or Path("manifest.json")
    folder = path.parent
    version = manifest.manifest_version
    if version != MANIFEST_VERSION:
        raise InputError(
            f"{path}: manifest_version {version!r} is not supported (expected {MANIFEST_VERSION}). "
            "Upgrade readaloud or re-convert the article."
        )
    files = manifest.files
    audio = files.get("audio")
    guid, title = _text(manifest.guid), _text(manifest.title)
    if audio is None or not audio.name or not guid or not title:
        raise InputError(
            f"{path}: manifest lacks title, guid or files.audio.name. Re-convert the article."
        )
    audio_path = folder / audio.name
    if not audio_path.is_file():
        logger.warning("%s: audio file %s is missing; episode left out", path.name, audio.name)
        return None
    size = audio_path.stat().st_size
    if audio.bytes and audio.bytes != size:
        logger.warning(
            "%s: manifest says %s bytes but %s has %d; using the file's size",
            path.name,
            audio.bytes,
            audio.name,
            size,
        )
    audio_type = AUDIO_TYPES.get(audio_path.suffix.lower()) or audio.type
    if not audio_type:
        raise InputError(f"{path}: unknown audio type for {audio.name}. Use MP3 or M4A/M4B.")
    image = _text(manifest.image)
    if image and _is_url(image):
        # A page's own image (often a wide social card) is not known to meet Apple's artwork
        # rules; only covers readaloud checked and published next to the audio are used.
        logger.debug("%s: remote article image %s not used as episode art", path.name, image)
        image = None
    if image and not (folder / image).is_file():
        logger.warning("%s: cover image %s is missing; episode image left out", path.name, image)
        image = None
    problem = artwork_problem(folder / image) if image else None
    if problem:
        logger.warning("%s: episode image %s %s (%s); left out", path.name, image, problem, RULE)
        image = None
    published = (
        parse_date(manifest.date)
        or parse_date(manifest.published)
        or parse_date(manifest.created)
        or modified_at(path)  # a manifest from before "published" (a re-render keeps this time)
    )
    return Episode(
        manifest=path,
        slug=_text(manifest.slug) or path.stem,
        guid=guid,
        title=title,
        author=_text(manifest.author),
        language=_text(manifest.language),
        site_name=_text(manifest.site_name),
        description=_text(manifest.description),
        url=_text(manifest.url),
        published=published,
        audio_name=audio.name,
        audio_bytes=size,
        audio_type=audio_type,
        duration_ms=manifest.duration_ms,
        chapter_titles=tuple(c.title for c in manifest.chapters),
        chapter_starts_ms=tuple(c.start_ms for c in manifest.chapters),
        image=image,
        chapters=_sidecar(folder, files, "chapters", "application/json+chapters", path),
        vtt=_sidecar(folder, files, "vtt", "text/vtt", path),
        srt=_sidecar(folder, files, "srt", "application/x-subrip", path),
        transcript=_sidecar(folder, files, "transcript", "application/json", path),
    )


def load_episodes(folder: Path) -> list[Episode]:
    """All episodes in `folder`, newest first; other JSON files are ignored.

    Two manifests with the same guid are an error: podcast apps would merge or drop them, and
    only the publisher knows which copy is stale.
    """
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder. Pass the folder that holds the episodes.")
    episodes: list[Episode] = []
    seen: dict[str, Path] = {}
    for manifest in manifests_in(folder):
        path = manifest.path
        episode = load_episode(manifest)
        if episode is None:
            continue
        if episode.guid in seen:
            raise InputError(
                f"{seen[episode.guid].name} and {path.name} have the same guid {episode.guid!r}. "
                "Delete the stale episode's files and rebuild the feed."
            )
        seen[episode.guid] = path
        episodes.append(episode)
    return sorted(episodes, key=Episode.sort_key)
