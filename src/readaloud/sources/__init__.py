"""Sources stage: read a path, URL or stdin and recover the article as a document model.

raw = read_source("article.html")          # bytes -> decoded text + kind
article = parse_article(raw)                # text -> Article (blocks + metadata)
article = load_article("https://...")       # both
"""

from __future__ import annotations

from pathlib import Path

from readaloud.document import Article
from readaloud.sources.article import parse_article
from readaloud.sources.loader import DEFAULT_MAX_BYTES, RawSource, read_source

__all__ = ["RawSource", "load_article", "parse_article", "read_source"]


def load_article(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extra_boilerplate: list[Path] | None = None,
) -> Article:
    """Read `source` (path, http(s) URL or "-") and recover its article; see read_source and
    parse_article for the errors raised."""
    raw = read_source(source, max_bytes=max_bytes)
    return parse_article(raw, extra_boilerplate=extra_boilerplate)
