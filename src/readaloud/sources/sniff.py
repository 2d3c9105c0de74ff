"""Guess what a source is: binary or text, and which text kind (html, markdown, text, ssml)."""

from __future__ import annotations

import re

KINDS = ("html", "markdown", "text", "ssml")

EXTENSION_KINDS: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
    ".ssml": "ssml",
}

CONTENT_TYPE_KINDS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/ssml+xml": "ssml",
    "text/plain": "text",
}

# Leading bytes of common binary formats, so the error can name what was given.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WAV/WebP/AVI) file"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/EPUB)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"ID3", "an MP3 file"),
    (b"\x7fELF", "a program (ELF)"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC file"),
)

_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# Every pattern here must stay linear on hostile text (200,000 spaces, 50,000 "[" or comments):
# no two adjacent unbounded repeats of the same characters, comments matched one way only, and
# [ \t] rather than \s after a line anchor so one run of blank lines is not rescanned per line.
_COMMENT = r"<!--(?:[^-]|-(?!->))*+-->\s*+"
_SSML_RE = re.compile(rf"^\s*+(?:<\?xml[^>]*+>\s*+)?(?:{_COMMENT})*+<speak[\s>]", re.I)
_HTML_START_RE = re.compile(
    rf"^\s*+(?:{_COMMENT})*+(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I
)
_HTML_TAG_RE = re.compile(
    r"<(?:html|head|body|p|div|article|section|main|h[1-6]|ul|ol|li|table|tr|td|span|a|br|meta)"
    r"\b[^<>]*>",
    re.I,
)
_MD_SIGNALS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\A\s*+(?:---[ \t]*+\n.*?\n---|\+\+\+[ \t]*+\n.*?\n\+\+\+)[ \t]*+\n", re.S),
    re.compile(r"^#{1,6}[ \t]++\S", re.M),
    re.compile(r"^[ \t]*+(?:\|[ \t]*+)?:?-{3,}+:?[ \t]*+\|", re.M),
    re.compile(r"\[[^\[\]\n]++\]\([^()\s]++\)"),
    re.compile(r"^(?:```|~~~)", re.M),
    re.compile(r"\*\*[^*\n]++\*\*|__[^_\n]++__"),
    re.compile(r"^[ \t]*+[-*+][ \t]++\S", re.M),
    re.compile(r"^>\s", re.M),
)


def binary_kind(data: bytes) -> str | None:
    """Describe `data` when it is a binary (non-text) file, else None."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    # PDF readers accept the header anywhere in the first 1024 bytes (after a BOM or junk).
    if re.search(rb"(?:^|[\r\n])%PDF-\d", data[:1024]):
        return "a PDF document"
    if data.startswith(_TEXT_BOMS):
        return None
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 without a BOM has NULs in every other byte of ASCII text.
        if _looks_utf16(head):
            return None
        return "a binary file"
    return None


def _looks_utf16(head: bytes) -> bool:
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = max(1, len(head) // 2)
    return max(even, odd) > 0.4 * half and min(even, odd) < 0.05 * half


def markdown_score(text: str) -> int:
    """How many distinct Markdown signals `text` shows (front matter counts twice)."""
    head = text[:200_000]
    score = sum(1 for pattern in _MD_SIGNALS if pattern.search(head))
    if _MD_SIGNALS[0].search(head):
        score += 1
    return score


def sniff_kind(text: str) -> str:
    """The kind `text` looks like from its content alone."""
    head = text[:200_000]
    if _SSML_RE.match(head):
        return "ssml"
    if _HTML_START_RE.match(head):
        return "html"
    # Tags in a document that is otherwise clearly Markdown are inline HTML, not a page.
    if len(_HTML_TAG_RE.findall(head[:50_000])) >= 3 and markdown_score(head) < 3:
        return "html"
    if markdown_score(head) >= 2:
        return "markdown"
    return "text"


def choose_kind(text: str, hint: str | None) -> str:
    """Pick the kind from a hint (extension or content type) unless the content contradicts it.

    A hint is trusted when the content is compatible with it; strong content signals (an SSML
    root, an HTML document, clear Markdown) override a hint that lies.
    """
    sniffed = sniff_kind(text)
    if hint is None or hint == sniffed:
        return sniffed
    if sniffed in ("ssml", "html"):
        return sniffed
    if hint == "html":
        # Declared HTML without any tag is really text or Markdown.
        return sniffed
    if hint == "ssml":
        return sniffed
    if hint == "markdown":
        # Plain text is valid Markdown; keep the author's declaration.
        return "markdown"
    # hint == "text": clear Markdown wins.
    return sniffed if markdown_score(text) >= 3 else "text"
