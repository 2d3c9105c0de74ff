"""What the talking-book editions share: the book's metadata, clock values, the reading CSS."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from ..markup.tree import escape_attr, escape_text

ACTIVE_CLASS = "ra-active"
"""The class a reading system gives the sentence being read (EPUB `media:active-class`)."""


@dataclass
class BookMeta:
    """Facts about the episode that a book's package/NCC records."""

    identifier: str
    """The episode guid: stable across re-renders, so a library keeps one record."""
    title: str
    language: str = "en"
    author: str | None = None
    publisher: str | None = None
    """The site the article came from."""
    source: str | None = None
    """The article's URL when known."""
    date: str | None = None
    """Publication date (ISO 8601)."""
    description: str | None = None
    narrator: str | None = None
    """The synthetic voice, e.g. "piper joe"."""
    generator: str = "readaloud"

    @classmethod
    def from_manifest(cls, manifest) -> BookMeta:
        voice = " ".join(v for v in (manifest.engine, manifest.voice) if v) or None
        return cls(
            identifier=manifest.guid or f"readaloud:{manifest.slug}",
            title=manifest.title or manifest.slug,
            language=manifest.language or "en",
            author=manifest.author,
            publisher=manifest.site_name,
            source=manifest.url,
            date=manifest.date,
            description=manifest.description,
            narrator=voice,
            generator=manifest.generator or "readaloud",
        )


def modified_time() -> dt.datetime:
    """Now (UTC, whole seconds), or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def parse_clock(value: str) -> int:
    """Milliseconds of a SMIL clock value: full/partial clock, `12.5s`, `npt=12.5s`, `250ms`."""
    value = value.strip().removeprefix("npt=")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(h|min|s|ms)?", value)
    if match:
        scale = {"h": 3_600_000, "min": 60_000, "s": 1000, "ms": 1, None: 1000}[match.group(2)]
        return round(float(match.group(1)) * scale)
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        raise ValueError(f"not a clock value: {value!r}")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return round(seconds * 1000)


def attrs(**values: str | None) -> str:
    """` a="1" b="2"` for the values that are set (keyword `_` -> `-`, trailing `_` dropped)."""
    return "".join(
        f' {k.rstrip("_").replace("__", ":").replace("_", "-")}="{escape_attr(v)}"'
        for k, v in values.items()
        if v is not None
    )


def text(value: str) -> str:
    return escape_text(value)


BOOK_CSS = """\
body { font-family: serif; line-height: 1.5; margin: 0 4%; color: #111; background: #fff; }
h1, h2, h3, h4, h5, h6 { font-family: sans-serif; line-height: 1.25; }
table { border-collapse: collapse; margin: 1em 0; }
caption { font-weight: bold; text-align: left; padding: 0.25em 0; }
th, td { border: 1px solid #666; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
blockquote { margin: 1em 2em; font-style: italic; }
aside { border-left: 4px solid #555; padding: 0.25em 1em; margin: 1em 0; background: #f3f3f3; }
pre { white-space: pre-wrap; background: #f3f3f3; padding: 0.5em; }
dt { font-weight: bold; margin-top: 0.75em; }
dd { margin: 0.25em 0 0.5em 1.5em; }
figure { margin: 1em 0; }
.ra-image-description { font-style: italic; }
.ra-active { background-color: #fde047; color: #000; outline: 2px solid #000; }
"""
