"""The episode manifest (`<slug>.json`): what the feed and batch re-runs read about an episode."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..audio.timeline import ChapterMark

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
FILE_KEYS = ("audio", "chapters", "vtt", "srt", "ssml", "transcript", "sync", "epub", "daisy")


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


@dataclass
class Manifest:
    """Everything known about one rendered episode (see KEYS for the JSON layout)."""

    slug: str
    title: str
    duration_ms: int
    author: str | None = None
    language: str | None = None
    date: str | None = None
    description: str | None = None
    site_name: str | None = None
    url: str | None = None
    image: str | None = None
    """Cover file name next to the manifest, or an absolute URL."""
    source: str | None = None
    source_sha256: str | None = None
    settings_sha256: str | None = None
    guid: str | None = None
    engine: str | None = None
    voice: str | None = None
    chapters: list[ChapterMark] = field(default_factory=list)
    files: dict[str, FileEntry] = field(default_factory=dict)
    generator: str = f"readaloud {__version__}"
    manifest_version: int = MANIFEST_VERSION
    path: Path | None = None
    """Where the manifest was written or read (not part of the JSON)."""

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
        return cls(
            **simple,
            duration_ms=int(data.get("duration_ms") or 0),
            chapters=[ChapterMark.from_dict(c) for c in data.get("chapters") or []],
            files={k: FileEntry(**v) for k, v in (data.get("files") or {}).items()},
            path=path,
        )

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), path)
