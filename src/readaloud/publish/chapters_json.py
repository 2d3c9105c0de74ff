"""Podcasting 2.0 JSON chapters (version 1.2.0) from the episode's chapter marks."""

from __future__ import annotations

import json
from typing import Any

from ..audio.timeline import ChapterMark
from ..timefmt import json_seconds

VERSION = "1.2.0"
MIME_TYPE = "application/json+chapters"


def chapters_document(
    chapters: list[ChapterMark],
    *,
    title: str | None = None,
    author: str | None = None,
    podcast_name: str | None = None,
    file_name: str | None = None,
) -> dict[str, Any]:
    """The chapters document as a dict (startTime ascending, endTime and url where known)."""
    doc: dict[str, Any] = {"version": VERSION}
    for key, value in (
        ("title", title),
        ("author", author),
        ("podcastName", podcast_name),
        ("fileName", file_name),
    ):
        if value:
            doc[key] = value
    items = []
    for mark in sorted(chapters, key=lambda m: (m.start_ms, m.end_ms)):
        item: dict[str, Any] = {"startTime": json_seconds(mark.start_ms), "title": mark.title}
        item["endTime"] = json_seconds(mark.end_ms)
        if mark.url:
            item["url"] = mark.url
        items.append(item)
    doc["chapters"] = items
    return doc


def chapters_json(chapters: list[ChapterMark], **fields: str | None) -> str:
    """Serialized JSON chapters (UTF-8 text, stable key order, trailing newline)."""
    return json.dumps(chapters_document(chapters, **fields), ensure_ascii=False, indent=2) + "\n"
