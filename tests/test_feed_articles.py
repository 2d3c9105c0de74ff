"""read_article_feed: RSS and Atom feeds of articles from files, file:// URLs and a local server."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from readaloud.errors import InputError, NetworkError
from readaloud.sources.article_feed import FeedEntry, read_article_feed
from readaloud.sources.fetch import FetchPolicy

FIXTURES = Path(__file__).parent / "fixtures" / "feed"
LOCAL = FetchPolicy(allow_private=True)


@pytest.fixture
def server():
    """A local HTTP server over the feed fixtures; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FIXTURES))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_local_rss_resolves_relative_links_to_paths():
    entries = read_article_feed(str(FIXTURES / "articles.rss"), local_items=True)
    first = FIXTURES / "articles" / "first.html"
    assert [e.link for e in entries] == [
        str(first),
        str(FIXTURES / "articles" / "second part.md"),
        "https://example.org/posts/remote",
        "https://example.org/posts/guid-only",
    ]
    # Relative entries point at real files next to the feed.
    assert Path(entries[0].link).is_file() and Path(entries[1].link).is_file()
    assert entries[0] == FeedEntry(
        link=str(first),
        title="First article: cats & dogs",
        published="2025-09-04T08:30:00+02:00",
        content_html="<p>Full <b>content</b> of the first article.</p>",
    )
    # An unreadable date is passed on as written; escaped HTML in description is unescaped once.
    assert entries[1].published == "not a date"
    assert entries[1].content_html == "<p>Escaped <i>HTML</i> summary.</p>"
    assert entries[2].content_html is None and entries[2].published is None


def test_rss_entry_without_link_is_skipped_with_warning(caplog):
    entries = read_article_feed(str(FIXTURES / "articles.rss"), local_items=True)
    assert "No link at all" not in [e.title for e in entries]
    assert "First article again" not in [e.title for e in entries]  # duplicate link
    assert "No link at all" in caplog.text


def test_file_url_source_and_file_url_entries(tmp_path):
    article = tmp_path / "a b.html"
    article.write_text("<p>x</p>")
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f"""<rss version="2.0"><channel><title>t</title>
        <item><title>A</title><link>{article.as_uri()}</link></item>
        </channel></rss>"""
    )
    entries = read_article_feed(feed.as_uri(), local_items=True)
    assert [e.link for e in entries] == [str(article)]


def test_local_atom_feed():
    entries = read_article_feed(str(FIXTURES / "articles.atom"), local_items=True)
    assert [e.link for e in entries] == [
        str(FIXTURES / "articles" / "first.html"),  # rel=alternate wins over rel=related
        "https://mirror.example.net/blog/post.html",  # xml:base honoured
    ]
    first, second = entries
    assert first.title == "Atom & friends"
    assert first.published == "2025-09-05T10:00:00Z"  # published preferred over updated
    assert "<em>body</em>" in first.content_html and "XHTML" in first.content_html
    assert second.published == "2025-09-01T00:00:00Z"
    assert second.content_html == "Just a summary &lt;b&gt;escaped&lt;/b&gt;"


def test_rss_1_0_rdf_feed(tmp_path):
    feed = tmp_path / "rdf.xml"
    feed.write_text(
        """<?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel rdf:about="https://example.org/"><title>t</title></channel>
          <item rdf:about="https://example.org/x"><title>X</title>
            <link>https://example.org/x</link><dc:date>2025-01-02T03:04:05Z</dc:date></item>
        </rdf:RDF>"""
    )
    [entry] = read_article_feed(str(feed))
    assert entry.link == "https://example.org/x"
    assert entry.title == "X"
    assert entry.published == "2025-01-02T03:04:05Z"


def test_feed_over_local_http_server(server):
    entries = read_article_feed(f"{server}/articles.rss", policy=LOCAL)
    assert entries[0].link == f"{server}/articles/first.html"
    assert entries[1].link == f"{server}/articles/second%20part.md"
    atom = read_article_feed(f"{server}/articles.atom", policy=LOCAL)
    assert atom[0].link == f"{server}/articles/first.html"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not xml", "not a valid RSS or Atom feed"),
        ("<html><body><p>page</p></body></html>", "not <rss> or <feed>"),
        ('<rss version="2.0"><channel><title>t</title></channel></rss>', "no articles"),
        ("", "not a valid RSS or Atom feed"),
    ],
)
def test_bad_feeds_raise_one_line_input_error(tmp_path, content, message):
    feed = tmp_path / "bad.xml"
    feed.write_text(content)
    with pytest.raises(InputError, match=message) as info:
        read_article_feed(str(feed))
    assert "\n" not in str(info.value)


def test_missing_feed_file(tmp_path):
    with pytest.raises(InputError, match="Cannot read feed"):
        read_article_feed(str(tmp_path / "nope.xml"))


def test_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    feed = tmp_path / "xxe.xml"
    feed.write_text(
        f"""<?xml version="1.0"?>
        <!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
        <rss version="2.0"><channel><item><title>&xxe;</title>
        <link>https://example.org/a</link></item></channel></rss>"""
    )
    [entry] = read_article_feed(str(feed))
    assert "TOP SECRET" not in (entry.title or "")


def test_http_error_is_reported(server):
    with pytest.raises(NetworkError, match="404"):
        read_article_feed(f"{server}/missing.rss")
