"""Read a source (path, http(s) URL or "-" for stdin) into a decoded RawSource."""

from __future__ import annotations

import logging
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from readaloud.errors import InputError
from readaloud.sources.decode import decode_bytes
from readaloud.sources.fetch import FetchPolicy, fetch_url
from readaloud.sources.sniff import CONTENT_TYPE_KINDS, EXTENSION_KINDS, binary_kind, choose_kind

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10_000_000


@dataclass
class RawSource:
    """A source's decoded text and what kind of document it is."""

    text: str
    kind: str
    """"html", "markdown", "text" or "ssml"."""
    name: str
    """What the user gave: a path, a URL or "-"."""
    url: str | None = None
    """For URLs: the final URL after redirects."""
    data: bytes = b""
    """The raw bytes, for content hashing."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _too_large(name: str, max_bytes: int) -> InputError:
    return InputError(
        f"{name} is larger than the {max_bytes:,} byte limit. "
        "Raise the limit (max_bytes) or split the article."
    )


CHUNK = 1 << 20


def _read_stream(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    # In chunks: read(max_bytes + 1) would allocate the whole limit (`--max-size 10**12`).
    chunks, total = [], 0
    while chunk := stream.read(min(CHUNK, max_bytes + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(name, max_bytes)
    return b"".join(chunks)


def _read_path(source: str, max_bytes: int) -> bytes:
    path = Path(source).expanduser()
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise InputError(f"{source} does not exist. Check the path.") from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{source} is a directory, not a file. Give the article file inside it."
        ) from exc
    except PermissionError as exc:
        raise InputError(
            f"cannot read {source}: permission denied. Check its permissions."
        ) from exc
    except OSError as exc:  # a name too long, a loop of links, a component that is a file ...
        raise InputError(f"cannot read {source}: {exc.strerror or exc}. Check the path.") from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(
                f"{source} is a directory, not a file. Give the article file inside it."
            )
        # a FIFO, socket or device would block or never end; stdin is "-"
        raise InputError(
            f"{source} is not a regular file (a pipe, socket or device). "
            "Save the article to a file, or pipe it in with - as SOURCE."
        )
    with os.fdopen(fd, "rb") as stream:
        if info.st_size > max_bytes:
            raise _too_large(source, max_bytes)
        try:
            return _read_stream(stream, source, max_bytes)
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}.") from exc


def read_source(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    policy: FetchPolicy | None = None,
    requested_by: Literal["user", "article"] = "user",
) -> RawSource:
    """Load `source` (a file path, an http(s) URL, or "-" for stdin) and decode it.

    `policy` and `requested_by` go to `fetch_url`: "article" for a URL that came from a feed.
    The kind comes from the extension or Content-Type when the content agrees, else from the
    content. Raises InputError for missing, empty, binary, undecodable or too-large input and
    NetworkError when a URL cannot be fetched.
    """
    header_charset = None
    final_url = None
    hint: str | None = None
    if source == "-":
        data = _read_stream(sys.stdin.buffer, "standard input", max_bytes)
        label = "standard input"
    elif is_url(source):
        result = fetch_url(source, max_bytes=max_bytes, policy=policy, requested_by=requested_by)
        data, final_url, header_charset = result.data, result.url, result.charset
        hint = CONTENT_TYPE_KINDS.get(result.content_type or "")
        if hint in (None, "text"):
            hint = EXTENSION_KINDS.get(Path(final_url.split("?")[0]).suffix.lower(), hint)
        label = source
    else:
        data = _read_path(source, max_bytes)
        hint = EXTENSION_KINDS.get(Path(source).suffix.lower())
        label = source
    if not data.strip():
        raise InputError(f"{label} is empty. Give a file with article text.")
    what = binary_kind(data)
    if what:
        raise InputError(
            f"{label} looks like {what}, not an article. Give an HTML, Markdown, text or SSML file."
        )
    text = decode_bytes(data, header_charset=header_charset, name=label)
    if not text.strip():
        raise InputError(f"{label} is empty. Give a file with article text.")
    kind = choose_kind(text, hint)
    logger.info("read %s: %d bytes, kind %s", label, len(data), kind)
    return RawSource(text=text, kind=kind, name=source, url=final_url, data=data)
