"""The only network seam of the sources stage: fetch one http(s) URL with limits.

Everything that touches the network for article input goes through `fetch_url`, so tests can
point it at a local server and nothing else in `sources/` needs to know about sockets.
"""

from __future__ import annotations

import http.client
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from readaloud._version import __version__
from readaloud.errors import InputError, NetworkError

logger = logging.getLogger(__name__)

USER_AGENT = (
    f"Mozilla/5.0 (compatible; readaloud/{__version__}; "
    "+https://github.com/readaloud/readaloud) article-to-audio converter"
)
DEFAULT_TIMEOUT = 20.0
CHUNK = 64 * 1024
MAX_REDIRECTS = 10


@dataclass
class FetchResult:
    """The body of a fetched URL and what the server said about it."""

    data: bytes
    url: str
    """The final URL after redirects."""
    content_type: str | None = None
    """The media type without parameters, e.g. "text/html"."""
    charset: str | None = None
    """The charset parameter of the Content-Type header, when given."""


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS


def _reason(exc: BaseException) -> str:
    """A short human reason for a failed request."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        inner = exc.reason
        if isinstance(inner, socket.timeout | TimeoutError):
            return "timed out"
        if isinstance(inner, socket.gaierror):
            return "host not found"
        if isinstance(inner, ConnectionRefusedError):
            return "connection refused"
        return str(getattr(inner, "strerror", None) or inner)
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__


def fetch_url(
    url: str,
    *,
    max_bytes: int = 10_000_000,
    timeout: float = DEFAULT_TIMEOUT,
) -> FetchResult:
    """Download `url` (following redirects) and return its body, refusing more than `max_bytes`.

    Raises NetworkError when the server cannot be reached or answers with an error status, and
    InputError when the body is larger than `max_bytes` (checked while streaming, so a huge
    response is never held in memory).
    """
    try:
        urllib.parse.urlsplit(url).port  # noqa: B018 - raises ValueError on a bad host or port
    except ValueError as exc:
        raise InputError(f"{url} is not a valid URL ({exc}). Check the address.") from exc
    opener = urllib.request.build_opener(_LimitedRedirects())
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,text/markdown,text/plain;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "identity",
        },
    )
    logger.info("fetching %s", url)
    try:
        with opener.open(request, timeout=timeout) as response:
            headers: Message = response.headers
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise _too_large(url, max_bytes)
            chunks: list[bytes] = []
            total = 0
            while chunk := response.read(CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise _too_large(url, max_bytes)
                chunks.append(chunk)
            final_url = response.geturl()
            content_type = headers.get_content_type() if headers.get("Content-Type") else None
            charset = headers.get_content_charset()
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise NetworkError(
            f"cannot reach {url}: {_reason(exc)}. Check the address or your connection."
        ) from exc
    logger.info("fetched %d bytes from %s", total, final_url)
    return FetchResult(b"".join(chunks), final_url, content_type, charset)


def _too_large(url: str, max_bytes: int) -> InputError:
    return InputError(
        f"{url} is larger than the {max_bytes:,} byte limit. "
        "Raise the limit (max_bytes) or save a smaller page."
    )
