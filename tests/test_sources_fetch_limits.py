"""fetch_url against hostile local servers: truncated bodies, slow drips, internal addresses."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner
from conftest import serve

from readaloud.cli import main
from readaloud.errors import NetworkError
from readaloud.sources import fetch as fetch_module
from readaloud.sources.fetch import FetchPolicy, fetch_url
from readaloud.sources.netguard import BlockedAddressError, address_kind

PAGE = (
    b"<html lang='en'><head><title>Three Paragraphs</title></head><body><article>"
    b"<h1>Three Paragraphs</h1><p>The first paragraph tells how the river rose overnight.</p>"
    b"<p>The second paragraph tells how the town moved its cars to higher ground.</p>"
    b"<p>The third paragraph tells how the water went down again by Sunday.</p>"
    b"</article></body></html>"
)
DRIP_BYTES = 120
DRIP_EVERY_S = 0.5
STATE: dict[str, object] = {"paths": [], "drip_done": False}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        STATE["paths"].append(self.path)
        if self.path == "/page":
            self._send(PAGE)
        elif self.path == "/truncated":
            # Promises the whole page, sends two thirds, then closes the connection.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE[: len(PAGE) * 2 // 3])
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/chunked-cut":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(PAGE), PAGE))
            self.wfile.write(b"400\r\nonly a little")
            self.wfile.flush()
            self.close_connection = True
        elif self.path == "/drip":
            # A valid page, one byte every half second: a minute in all.
            body = (PAGE * 2)[:DRIP_BYTES]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._drip(body)
        elif self.path == "/drip-headers":
            self.wfile.flush()
            self._drip(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * DRIP_BYTES + b"\r\n\r\n")
        elif self.path == "/to-internal":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, data: bytes) -> None:
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP_EVERY_S)
            STATE["drip_done"] = True
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """A tripwire: should the guard ever fail, no test connects beyond this machine."""
    connect = fetch_module._PinnedHTTP.connect

    def checked(self):
        assert all(str(ip).startswith("127.") or str(ip) == "::1" for _, ip in self.candidates)
        connect(self)

    monkeypatch.setattr(fetch_module._PinnedHTTP, "connect", checked)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(Handler) as base:
        yield base


def test_complete_page_is_fetched(server):
    assert fetch_url(f"{server}/page").data == PAGE


@pytest.mark.parametrize("path", ["/truncated", "/chunked-cut"])
def test_truncated_body_is_refused_with_one_line(server, path):
    with pytest.raises(NetworkError, match="truncated") as info:
        fetch_url(f"{server}{path}")
    assert "\n" not in str(info.value)


def test_truncated_page_ends_in_one_error_line_on_the_cli(server):
    result = CliRunner().invoke(main, ["script", f"{server}/truncated"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and "truncated" in lines[0]
    assert "second paragraph" not in result.output


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_slow_drip_server_ends_in_one_error_line_at_the_deadline(server, path):
    STATE["drip_done"] = False
    result = CliRunner().invoke(main, ["script", f"{server}{path}", "--timeout", "2"])
    # The server would drip for a minute; the command ended long before it was done.
    assert STATE["drip_done"] is False
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:")
    assert "no complete answer within 2 s" in lines[0] and "--timeout" in lines[0]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.0.1", "private"),
        ("100.64.0.1", "non-public"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "private"),
        ("240.0.0.1", "private"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:7f00:1::1", "loopback"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_kinds(address, kind):
    import ipaddress

    assert address_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/page",
        "http://localhost:{port}/page",  # a name: checked after DNS resolution
        "http://[::1]:{port}/page",
        "http://169.254.169.254/latest/meta-data/",  # refused before any packet is sent
        "http://10.0.0.1/",
    ],
)
def test_article_requested_urls_may_not_reach_internal_addresses(server, url):
    port = server.rsplit(":", 1)[1]
    before = len(STATE["paths"])
    with pytest.raises(BlockedAddressError, match="--allow-private-urls") as info:
        fetch_url(url.format(port=port), requested_by="article")
    assert "\n" not in str(info.value)
    assert len(STATE["paths"]) == before  # the server never saw a request


def test_allow_private_lets_article_requests_through(server):
    policy = FetchPolicy(allow_private=True)
    assert fetch_url(f"{server}/page", requested_by="article", policy=policy).data == PAGE


def test_user_url_is_fetched_as_asked(server):
    assert fetch_url(f"{server}/to-internal").data == PAGE  # private start: a private redirect


def test_redirect_from_a_public_address_into_a_private_one_is_refused(server, monkeypatch):
    # The test server is on 127.0.0.1; let its first hop count as a public address.
    calls = []

    def first_hop_public(ip):
        calls.append(ip)
        return None if len(calls) == 1 else address_kind(ip)

    monkeypatch.setattr(fetch_module, "address_kind", first_hop_public)
    before = list(STATE["paths"])
    with pytest.raises(BlockedAddressError, match="loopback"):
        fetch_url(f"{server}/to-internal")
    assert STATE["paths"][len(before) :] == ["/to-internal"]  # /page was never requested


def test_the_checked_address_is_the_one_connected_to(server, monkeypatch):
    """One look-up per hop: http.client never resolves the name again (no DNS rebinding)."""
    port = int(server.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    lookups = []

    def fake_getaddrinfo(host, *args, **kwargs):
        if host == "rebind.test":
            lookups.append(host)
            if len(lookups) > 1:  # a second answer would point elsewhere
                return real("127.0.0.2", *args, **kwargs)
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    policy = FetchPolicy(allow_private=True)
    result = fetch_url(f"http://rebind.test:{port}/page", policy=policy, requested_by="article")
    assert result.data == PAGE and lookups == ["rebind.test"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(NetworkError, match="only http"):
        fetch_url(url, requested_by="article")
