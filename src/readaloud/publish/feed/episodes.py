"""Episodes for the feed: read the manifests in a folder and check their files on disk."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1

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
    published: dt.datetime | None  # article date, else the manifest's "created"; None = undated
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

    def sort_key(self) -> tuple:
        """Newest first; ties by title then slug; undated episodes last, by slug.

        Undated episodes have no deterministic time to sort by (file mtimes change on every
        re-render), so they go last in slug order, which is stable across re-renders.
        """
        if self.published is None:
            return (1, 0.0, "", self.slug)
        return (0, -self.published.timestamp(), self.title.casefold(), self.slug)


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


def is_manifest(data: object) -> bool:
    """Manifests are told from other JSON in the folder (chapters, config) by these two keys."""
    return isinstance(data, dict) and "manifest_version" in data and "files" in data


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _sidecar(folder: Path, files: dict, key: str, default_type: str, manifest: Path):
    entry = files.get(key)
    if not isinstance(entry, dict) or not entry.get("name"):
        return None
    name = str(entry["name"])
    if not (folder / name).is_file():
        # A feed must never point at a missing file: leave the tag out and say so.
        logger.warning(
            "%s: %s file %s is missing; leaving it out of the feed", manifest.name, key, name
        )
        return None
    return Sidecar(name=name, type=str(entry.get("type") or default_type))


def load_episode(path: Path, data: dict | None = None) -> Episode | None:
    """Read one manifest (`data` if already parsed); None, with a warning, if its audio is missing.

    A missing audio file means the episode was removed (manifests are written after the audio),
    so the feed skips it rather than failing the whole feed or publishing a dead enclosure.
    """
    folder = path.parent
    if data is None:
        data = json.loads(path.read_text(encoding="utf-8"))
    version = data.get("manifest_version")
    if version != MANIFEST_VERSION:
        raise InputError(
            f"{path}: manifest_version {version!r} is not supported (expected {MANIFEST_VERSION}). "
            "Upgrade readaloud or re-convert the article."
        )
    files = data.get("files") or {}
    audio = files.get("audio") if isinstance(files, dict) else None
    guid = _text(data, "guid")
    title = _text(data, "title")
    if not isinstance(audio, dict) or not audio.get("name") or not guid or not title:
        raise InputError(
            f"{path}: manifest lacks title, guid or files.audio.name. Re-convert the article."
        )
    audio_name = str(audio["name"])
    audio_path = folder / audio_name
    if not audio_path.is_file():
        logger.warning("%s: audio file %s is missing; episode left out", path.name, audio_name)
        return None
    size = audio_path.stat().st_size
    claimed = audio.get("bytes")
    if claimed is not None and claimed != size:
        logger.warning(
            "%s: manifest says %s bytes but %s has %d; using the file's size",
            path.name,
            claimed,
            audio_name,
            size,
        )
    audio_type = AUDIO_TYPES.get(audio_path.suffix.lower()) or str(audio.get("type") or "")
    if not audio_type:
        raise InputError(f"{path}: unknown audio type for {audio_name}. Use MP3 or M4A/M4B.")
    image = _text(data, "image")
    if image and _is_url(image):
        # A page's own image (often a wide social card) is not known to meet Apple's artwork
        # rules; only covers readaloud checked and published next to the audio are used.
        logger.debug("%s: remote article image %s not used as episode art", path.name, image)
        image = None
    if image and not (folder / image).is_file():
        logger.warning("%s: cover image %s is missing; episode image left out", path.name, image)
        image = None
    chapters = [c for c in data.get("chapters") or [] if isinstance(c, dict)]
    published = parse_date(data.get("date")) or parse_date(data.get("created"))
    return Episode(
        manifest=path,
        slug=_text(data, "slug") or path.stem,
        guid=guid,
        title=title,
        author=_text(data, "author"),
        language=_text(data, "language"),
        site_name=_text(data, "site_name"),
        description=_text(data, "description"),
        url=_text(data, "url"),
        published=published,
        audio_name=audio_name,
        audio_bytes=size,
        audio_type=audio_type,
        duration_ms=int(data.get("duration_ms") or 0),
        chapter_titles=tuple(str(c.get("title") or "") for c in chapters),
        chapter_starts_ms=tuple(int(c.get("start_ms") or 0) for c in chapters),
        image=image,
        chapters=_sidecar(folder, files, "chapters", "application/json+chapters", path),
        vtt=_sidecar(folder, files, "vtt", "text/vtt", path),
        srt=_sidecar(folder, files, "srt", "application/x-subrip", path),
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
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            logger.warning("Skipping %s: not readable JSON (%s)", path.name, exc)
            continue
        if not is_manifest(data):
            continue
        episode = load_episode(path, data)
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
