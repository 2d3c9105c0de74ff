"""The only network seam of the sources stage: fetch one http(s) URL with limits.

Everything that touches the network for article input goes through `fetch_url`, so tests can
point it at a local server and nothing else in `sources/` needs to know about sockets. Each fetch
has one total deadline (a server that drips a byte every few seconds still ends in time), a size
cap, a complete-body check against Content-Length, and, for URLs an article asks for, the
address guard of `netguard` on every hop.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

from readaloud._version import __version__
from readaloud.errors import InputError, NetworkError

from .netguard import BlockedAddressError, address_kind, allowed_addresses, resolve

logger = logging.getLogger(__name__)

USER_AGENT = (
    f"Mozilla/5.0 (compatible; readaloud/{__version__}; "
    "+https://github.com/readaloud/readaloud) article-to-audio converter"
)
DEFAULT_TIMEOUT = 60.0
CHUNK = 64 * 1024
MAX_REDIRECTS = 10
REDIRECTS = {301, 302, 303, 307, 308}
ACCEPT = "text/html,application/xhtml+xml,text/markdown,text/plain;q=0.9,*/*;q=0.5"


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


@dataclass(frozen=True)
class FetchPolicy:
    """How long a fetch may take and whether article-requested URLs may be internal."""

    timeout: float = DEFAULT_TIMEOUT
    """Total deadline of one fetch in seconds: look-up, connect, redirects and body."""
    allow_private: bool = False
    """Let articles and feeds make readaloud fetch loopback/private/link-local addresses."""


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to one already checked address (Host header and TLS name unchanged)."""

    candidates: list = []
    """(family, address) pairs to try in order; each was checked before."""

    def connect(self) -> None:
        error: OSError | None = None
        for family, ip in self.candidates:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect((str(ip), self.port))
            except OSError as exc:
                sock.close()
                error = exc
                continue
            self.sock = sock
            return
        raise error or OSError("no address to connect to")


class _PinnedHTTPS(http.client.HTTPSConnection, _PinnedHTTP):
    """HTTPSConnection.connect() wraps what _PinnedHTTP.connect() opened (MRO order)."""


class _Deadline:
    """The time left of one fetch; `arm` shuts the open socket down when it runs out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._timer: threading.Timer | None = None

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError
        return remaining

    def passed(self) -> bool:
        """True once the deadline is (about) reached: a socket timeout set to the time left
        may fire a moment before the watchdog does."""
        return self.expired or time.monotonic() >= self.end - 0.1

    def arm(self, conn: http.client.HTTPConnection) -> None:
        def expire() -> None:
            self.expired = True
            if conn.sock is not None:
                # The plain socket method, also for TLS sockets: it only wakes the reader.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(conn.sock, socket.SHUT_RDWR)

        self.disarm()
        self._timer = threading.Timer(max(self.end - time.monotonic(), 0.0), expire)
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _reason(exc: BaseException) -> str:
    """A short human reason for a failed request."""
    if isinstance(exc, socket.gaierror):
        return "host not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.IncompleteRead):
        return "the server closed the connection before the end of the body (truncated download)"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return str(getattr(exc, "strerror", None) or exc) or type(exc).__name__


def _connection(
    url: str, requested_by: str, policy: FetchPolicy, deadline: _Deadline, trusted_hop: bool
) -> tuple[http.client.HTTPConnection, bool]:
    """An unopened connection pinned to a checked address, and whether that address is public."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise NetworkError(f"refused to fetch {url}: only http(s) URLs are fetched.")
    port = parts.port or (443 if scheme == "https" else 80)
    addresses = resolve(parts.hostname, port, deadline.left())
    if not addresses:
        raise socket.gaierror("no address")
    public = address_kind(addresses[0][1]) is None
    if not (policy.allow_private or trusted_hop):
        addresses = allowed_addresses(url, parts.hostname, addresses)
    cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    conn = cls(parts.hostname, port, timeout=deadline.left())
    conn.candidates = addresses
    logger.debug("%s: %s resolves to %s", requested_by, parts.hostname, addresses)
    return conn, public


def fetch_url(
    url: str,
    *,
    max_bytes: int = 10_000_000,
    policy: FetchPolicy | None = None,
    requested_by: Literal["user", "article"] = "user",
    accept: str = ACCEPT,
) -> FetchResult:
    """Download `url` (following redirects) and return its body, refusing more than `max_bytes`.

    `requested_by="user"`: the URL the user gave is fetched as asked; a redirect from a public
    address may not lead into a private one. `requested_by="article"` (an article's image, a
    feed's items): no hop may reach a non-public address unless `policy.allow_private`.

    Raises NetworkError when the server cannot be reached, answers with an error status, sends
    less than its Content-Length, or the deadline passes; InputError when the body is larger
    than `max_bytes` (checked while streaming, so a huge response is never held in memory).
    """
    try:
        urlsplit(url).port  # noqa: B018 - raises ValueError on a bad host or port
    except ValueError as exc:
        raise InputError(f"{url} is not a valid URL ({exc}). Check the address.") from exc
    policy = policy or FetchPolicy()
    deadline = _Deadline(policy.timeout)
    current = url
    first_public = True
    logger.info("fetching %s", url)
    try:
        for hop in range(MAX_REDIRECTS + 1):
            trusted = requested_by == "user" and (hop == 0 or not first_public)
            conn, public = _connection(current, requested_by, policy, deadline, trusted)
            if hop == 0:
                first_public = public
            try:
                deadline.arm(conn)
                location, result = _exchange(conn, current, max_bytes, deadline, accept)
            finally:
                deadline.disarm()
                conn.close()
            if result is not None:
                logger.info("fetched %d bytes from %s", len(result.data), current)
                return result
            current = urljoin(current, location)
            logger.info("redirected to %s", current)
        raise NetworkError(f"cannot reach {url}: more than {MAX_REDIRECTS} redirects.")
    except (BlockedAddressError, InputError):
        raise
    except NetworkError as exc:
        if deadline.passed():
            raise _timed_out(url, policy.timeout) from exc
        raise
    except (http.client.HTTPException, OSError, ValueError) as exc:
        if deadline.passed():
            raise _timed_out(url, policy.timeout) from exc
        raise NetworkError(
            f"cannot reach {url}: {_reason(exc)}. Check the address or your connection."
        ) from exc


def _exchange(
    conn: http.client.HTTPConnection, url: str, max_bytes: int, deadline: _Deadline, accept: str
) -> tuple[str, FetchResult | None]:
    """One request: ("", result) for a body, (location, None) for a redirect."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"}
    conn.request("GET", target, headers=headers)
    response = conn.getresponse()
    if response.status in REDIRECTS and response.getheader("Location"):
        return response.getheader("Location", ""), None
    if response.status >= 400:
        raise NetworkError(
            f"cannot reach {url}: HTTP {response.status} {response.reason}. "
            "Check the address or your connection."
        )
    length_header = response.getheader("Content-Length", "")
    length = int(length_header) if length_header.strip().isdigit() else None
    if length is not None and length > max_bytes:
        raise _too_large(url, max_bytes)
    chunks: list[bytes] = []
    total = 0
    while True:
        if conn.sock is not None:
            conn.sock.settimeout(deadline.left())
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(url, max_bytes)
        chunks.append(chunk)
    deadline.left()  # an expired deadline may have ended the body early
    if length is not None and total < length:
        raise NetworkError(
            f"cannot use {url}: the server sent {total:,} of {length:,} bytes and closed the "
            "connection (truncated download). Try again later."
        )
    headers_msg = response.msg
    content_type = headers_msg.get_content_type() if headers_msg.get("Content-Type") else None
    return "", FetchResult(b"".join(chunks), url, content_type, headers_msg.get_content_charset())


def _timed_out(url: str, seconds: float) -> NetworkError:
    return NetworkError(
        f"cannot reach {url}: no complete answer within {seconds:g} s. "
        "Try again later or raise --timeout."
    )


def _too_large(url: str, max_bytes: int) -> InputError:
    return InputError(
        f"{url} is larger than the {max_bytes:,} byte limit. "
        "Raise the limit (max_bytes) or save a smaller page."
    )
