"""The episode manifest (`<slug>.json`): what the feed and batch re-runs read about an episode."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from ..audio.timeline import ChapterMark
from ..errors import InputError

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1

# Key order of the JSON document (deterministic output); the feed reads these names.
KEYS = (
    "manifest_version",
    "generator",
    "slug",
    "title",
    "author",
    "language",
    "date",
    "published",
    "description",
    "site_name",
    "url",
    "image",
    "source",
    "source_sha256",
    "settings_sha256",
    "guid",
    "duration_ms",
    "engine",
    "voice",
    "chapters",
    "files",
)
FILE_KEYS = (
    "audio",
    "chapters",
    "vtt",
    "srt",
    "ssml",
    "transcript",
    "sync",
    "epub",
    "daisy",
    "html",
    "embed",
)


@dataclass
class FileEntry:
    """One output file of the episode, next to the manifest."""

    name: str
    bytes: int
    sha256: str
    type: str

    @classmethod
    def of(cls, path: Path, mime_type: str, *, name: str | None = None) -> FileEntry:
        """Describe `path` from its contents (size and sha256, read in blocks).

        `name` is the file's final name when `path` is still a temp file.
        """
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
        return cls(name or Path(path).name, size, digest.hexdigest(), mime_type)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "bytes": self.bytes, "sha256": self.sha256, "type": self.type}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileEntry:
        return cls(
            name=str(data.get("name") or ""),
            bytes=int(data.get("bytes") or 0),
            sha256=str(data.get("sha256") or ""),
            type=str(data.get("type") or ""),
        )


@dataclass
class Identity:
    """Where an episode came from and who spoke it: what the manifest records for the feed,
    the slugs and the up-to-date check (handed to `publish.episode.write_episode`)."""

    source: str | None = None
    source_sha256: str | None = None
    settings_sha256: str | None = None
    guid: str | None = None
    engine: str | None = None
    voice: str | None = None


@dataclass(kw_only=True)
class Manifest(Identity):
    """Everything known about one rendered episode (see KEYS for the JSON layout)."""

    slug: str
    title: str
    duration_ms: int
    author: str | None = None
    language: str | None = None
    date: str | None = None
    published: str | None = None
    """When readaloud first rendered this episode (UTC ISO 8601): the feed's date for an
    undated article, kept across re-renders so the episode never moves in the feed."""
    description: str | None = None
    site_name: str | None = None
    url: str | None = None
    image: str | None = None
    """Cover file name next to the manifest, or an absolute URL."""
    chapters: list[ChapterMark] = field(default_factory=list)
    files: dict[str, FileEntry] = field(default_factory=dict)
    generator: str = f"readaloud {__version__}"
    manifest_version: int = MANIFEST_VERSION
    path: Path | None = None
    """Where the manifest was written or read (not part of the JSON)."""
    created: str | None = None
    """When the episode was first made, in manifests that record it (read, never written):
    dates an undated article in the feed."""

    def to_dict(self) -> dict[str, Any]:
        values = {key: getattr(self, key) for key in KEYS if key not in ("chapters", "files")}
        values["chapters"] = [
            {"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms} for c in self.chapters
        ]
        ordered = sorted(self.files, key=lambda k: (FILE_KEYS + (k,)).index(k))
        values["files"] = {key: self.files[key].to_dict() for key in ordered}
        return {key: values[key] for key in KEYS}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> Manifest:
        simple = {k: data.get(k) for k in KEYS if k not in ("chapters", "files", "duration_ms")}
        simple["manifest_version"] = int(data.get("manifest_version") or MANIFEST_VERSION)
        simple["generator"] = data.get("generator") or ""
        files = data.get("files") or {}
        return cls(
            **simple,
            duration_ms=int(data.get("duration_ms") or 0),
            chapters=[ChapterMark.from_dict(c) for c in data.get("chapters") or [] if _is_dict(c)],
            files={k: FileEntry.from_dict(v) for k, v in files.items() if _is_dict(v)},
            path=path,
            created=data.get("created"),
        )

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read a manifest; InputError naming the file when it is missing or not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return cls.from_dict(data, Path(path))
        except (
            OSError,
            UnicodeDecodeError,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
        ) as exc:
            raise InputError(f"{path} is not a readable readaloud manifest: {exc}") from exc

    def is_current(self, source_sha256: str | None, settings_sha256: str | None) -> bool:
        """True when the episode was made from this source with these settings and every
        file it lists is still there, at its recorded size."""
        if self.settings_sha256 != settings_sha256 or self.source_sha256 != source_sha256:
            return False
        folder = self.path.parent if self.path else Path(".")
        return all(
            (folder / f.name).is_file() and (folder / f.name).stat().st_size == f.bytes
            for f in self.files.values()
        )


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


def is_manifest(data: object) -> bool:
    """Manifests are told from other JSON in the folder (chapters, config) by these two keys."""
    return isinstance(data, dict) and "manifest_version" in data and "files" in data


def manifests_in(folder: Path) -> Iterator[Manifest]:
    """Every manifest in `folder`, by file name; other and unreadable JSON files are skipped
    (with a warning for the unreadable); a damaged manifest is an InputError naming it."""
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            logger.warning("Skipping %s: not readable JSON (%s)", path.name, exc)
            continue
        if not is_manifest(data):
            continue
        try:
            yield Manifest.from_dict(data, path)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            message = f"{path}: not a valid manifest ({exc!r}). Re-convert the article."
            raise InputError(message) from exc


def read_manifest(path: Path) -> Manifest | None:
    """The manifest at `path`, or None when there is none or it cannot be read."""
    try:
        return Manifest.load(path)
    except InputError:
        return None


def modified_at(path: Path) -> dt.datetime:
    """A file's modification time in UTC, to the second."""
    return dt.datetime.fromtimestamp(int(Path(path).stat().st_mtime), dt.UTC)


def first_published(manifest_path: Path, guid: str | None) -> str:
    """The `published` stamp for a render of episode `guid` whose manifest goes to `manifest_path`.

    A re-render keeps the stamp of the manifest it replaces (for a manifest written before the
    field existed: its modification time, which is what the feed showed); a new episode gets now.
    """
    old = read_manifest(manifest_path)
    if old is not None and old.guid == guid:
        return (old.published or "").strip() or modified_at(manifest_path).isoformat()
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
