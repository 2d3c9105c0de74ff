"""URL input against a local HTTP server: redirects, charset header, size cap, unreachable."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from readaloud.errors import InputError, NetworkError
from readaloud.sources import load_article, read_source
from readaloud.sources.fetch import USER_AGENT, fetch_url

PAGE = (
    "<!DOCTYPE html><html lang='de'><head><title>Grüße aus Köln</title></head><body><article>"
    "<h1>Grüße aus Köln</h1><p>Der Dom steht seit Jahrhunderten am Rhein, und jedes Jahr "
    "kommen Millionen Besucher, um die Türme und die Fenster zu sehen.</p>"
    "<p>Im Winter ist der Weihnachtsmarkt vor dem Dom besonders schön und gut besucht.</p>"
    "</article></body></html>"
)
SEEN_AGENTS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/article")
            self.end_headers()
        elif self.path == "/article":
            body = PAGE.encode("cp1252")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=windows-1252")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/notes.md":
            body = b"# Notes\n\nSome notes in Markdown with a [link](http://x.y).\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/huge":
            # No Content-Length: the cap must hold while streaming.
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x" * 1024)
        elif self.path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_redirect_and_charset_header(server):
    raw = read_source(f"{server}/old")
    assert raw.url == f"{server}/article"
    assert raw.kind == "html"
    assert "Grüße aus Köln" in raw.text
    assert SEEN_AGENTS[-1] == USER_AGENT and "readaloud" in USER_AGENT


def test_load_article_from_url(server):
    article = load_article(f"{server}/article")
    assert article.title == "Grüße aus Köln"
    assert article.language == "de"
    assert article.url == f"{server}/article"
    assert article.source == f"{server}/article"


def test_extension_hint_for_text_plain(server):
    assert read_source(f"{server}/notes.md").kind == "markdown"


def test_size_cap_while_streaming(server):
    with pytest.raises(InputError, match="larger than the 10,000 byte limit"):
        fetch_url(f"{server}/huge", max_bytes=10_000)
    assert len(fetch_url(f"{server}/huge", max_bytes=200_000).data) == 100 * 1024


def test_size_cap_from_content_length(server):
    with pytest.raises(InputError, match="byte limit"):
        read_source(f"{server}/declared-huge")


def test_http_error(server):
    with pytest.raises(NetworkError, match="HTTP 404") as exc:
        read_source(f"{server}/missing")
    assert "\n" not in str(exc.value)


def test_unreachable_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The port is closed now: nothing listens there.
    with pytest.raises(NetworkError) as exc:
        read_source(f"http://127.0.0.1:{port}/article")
    message = str(exc.value)
    assert message.startswith(f"cannot reach http://127.0.0.1:{port}/article: ")
    assert message.endswith("Check the address or your connection.")
    assert "\n" not in message
