"""Bytes to text: BOM, declared charsets (HTML meta / XML declaration, HTTP header), detection."""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

from readaloud.errors import InputError

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I | re.S
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)

# Characters that never occur in real prose; many of them means a wrong decoding.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")


def _codec(name: str | None) -> str | None:
    """The Python codec for a declared charset name, or None when unknown."""
    if not name:
        return None
    name = name.strip().lower()
    # Browsers treat these labels as windows-1252 (WHATWG Encoding Standard).
    if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1"):
        name = "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset declared inside the document (HTML meta or XML declaration), if any."""
    head = data[:8192]
    match = _XML_DECL_RE.match(head) or _META_CHARSET_RE.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _plausible(text: str) -> bool:
    if not text:
        return True
    bad = len(_CONTROL_RE.findall(text[:100_000]))
    return bad <= max(2, len(text[:100_000]) // 200)


def decode_bytes(data: bytes, *, header_charset: str | None = None, name: str = "input") -> str:
    """Decode `data` to text: BOM, then strict UTF-8, then the in-document declaration (HTML meta,
    XML declaration), then the HTTP header charset, then statistical detection
    (charset-normalizer, preferring cp1252 on a tie).

    Raises InputError when nothing gives plausible text.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name} starts with a {codec} byte-order mark but is not valid {codec}. "
                    "Re-save it as UTF-8."
                ) from exc
    # Strict UTF-8 first: legacy text that happens to be valid UTF-8 is vanishingly rare, while
    # servers and templates that declare latin-1 for UTF-8 pages are common.
    candidates = ["utf-8", _codec(declared_charset(data)), _codec(header_charset)]
    for codec in dict.fromkeys(c for c in candidates if c):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            logger.debug("%s is not valid %s", name, codec)
            continue
        if _plausible(text):
            return text
    sample = data[:2_000_000]
    best = from_bytes(sample).best()
    if best is not None and best.encoding:
        encoding = best.encoding
        # Short Western samples fit several code pages equally well; cp1252 is by far the
        # most common of them, so it wins a tie.
        western = from_bytes(sample, cp_isolation=["cp1252"]).best()
        if western is not None and western.chaos <= best.chaos + 0.01:
            encoding = "cp1252"
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            text = ""
        if text and _plausible(text):
            logger.info("%s decoded as %s (detected)", name, encoding)
            return text
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible(text):
        return text
    raise InputError(
        f"cannot decode {name}: it is not UTF-8 or any text encoding readaloud recognises. "
        "Re-save it as UTF-8 text."
    )
