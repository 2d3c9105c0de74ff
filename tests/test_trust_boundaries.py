"""Hostile articles and feeds: no local file or internal URL is read, fetched or published."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import logging
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import serve

from readaloud.errors import InputError
from readaloud.ffmpeg import run_ffmpeg
from readaloud.publish.cover_image import article_cover, clean_image
from readaloud.sources.article_feed import read_article_feed
from readaloud.sources.image_ref import article_image

SECRET = b"PRIVATE-KEY-4471"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def picture(tmp_path: Path, name: str, color: str = "red") -> Path:
    path = tmp_path / name
    run_ffmpeg(["-f", "lavfi", "-i", f"color=c={color}:s=16x16", "-frames:v", "1", str(path)])
    return path


def secret_png(tmp_path: Path, name: str = "secret.png") -> Path:
    """A valid PNG with the secret in a text chunk and again after its end marker."""
    clean = picture(tmp_path, "plain-" + name).read_bytes()
    head, iend = clean[:33], clean[33:]  # signature + IHDR, then the rest
    path = tmp_path / name
    path.write_bytes(head + png_chunk(b"tEXt", b"Comment\x00" + SECRET) + iend + SECRET * 40)
    return path


def test_png_is_rebuilt_without_text_chunks_or_trailing_bytes(tmp_path):
    data = secret_png(tmp_path).read_bytes()
    cleaned = clean_image(data, "x.png")
    assert SECRET not in cleaned and cleaned.endswith(png_chunk(b"IEND", b""))
    assert cleaned == picture(tmp_path, "again.png").read_bytes()  # pixels and IHDR untouched
    out = tmp_path / "cleaned.png"
    out.write_bytes(cleaned)
    run_ffmpeg(["-i", str(out), "-f", "null", "-"])  # still a readable picture


def test_jpeg_is_rebuilt_without_exif_comments_or_trailing_bytes(tmp_path):
    jpeg = picture(tmp_path, "p.jpg", "blue").read_bytes()
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 6 + len(SECRET)) + b"Exif\x00\x00" + SECRET
    comment = b"\xff\xfe" + struct.pack(">H", 2 + len(SECRET)) + SECRET
    hostile = jpeg[:2] + exif + comment + jpeg[2:] + SECRET * 40
    cleaned = clean_image(hostile, "x.jpg")
    assert SECRET not in cleaned
    assert cleaned.startswith(b"\xff\xd8") and cleaned.endswith(b"\xff\xd9")
    out = tmp_path / "cleaned.jpg"
    out.write_bytes(cleaned)
    run_ffmpeg(["-i", str(out), "-f", "null", "-"])


@pytest.mark.parametrize(
    ("cut", "message"), [(40, "cut short|ends before"), (-30, "IEND|cut short|ends before")]
)
def test_truncated_or_damaged_png_is_refused(tmp_path, cut, message):
    data = picture(tmp_path, "p.png").read_bytes()
    with pytest.raises(InputError, match=message):
        clean_image(data[:cut], "p.png")
    damaged = bytearray(data)
    damaged[40] ^= 0xFF
    with pytest.raises(InputError, match="damaged|cut short"):
        clean_image(bytes(damaged), "p.png")


def test_truncated_jpeg_and_other_formats_are_refused(tmp_path):
    data = picture(tmp_path, "p.jpg").read_bytes()
    with pytest.raises(InputError, match="ends"):
        clean_image(data[: len(data) // 2], "p.jpg")
    with pytest.raises(InputError, match="not a JPEG or PNG"):
        clean_image(b"GIF89a" + bytes(100), "p.gif")


@pytest.fixture
def article_dir(tmp_path):
    folder = tmp_path / "site" / "posts"
    folder.mkdir(parents=True)
    (folder / "img").mkdir()
    picture(folder / "img", "ok.png")
    secret_png(tmp_path)  # tmp_path/secret.png: outside the article's folder
    (folder / "img" / "escape.png").symlink_to(tmp_path / "secret.png")
    return folder


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("{outside}", "absolute path"),
        ("file://{outside}", "absolute path"),
        ("../../secret.png", "leaves the article's folder"),
        ("img/../../../secret.png", "leaves the article's folder"),
        ("img/escape.png", "points out of the article's folder"),
        ("ftp://example.org/x.png", "ftp: links are not followed"),
    ],
)
def test_local_article_images_must_stay_in_the_articles_folder(article_dir, image, reason, caplog):
    outside = str(article_dir.parent.parent / "secret.png")
    with caplog.at_level(logging.WARNING):
        assert article_image(image.format(outside=outside), str(article_dir / "a.md"), None) is None
    assert reason in caplog.text


def test_images_that_are_allowed(article_dir):
    source = str(article_dir / "a.md")
    assert article_image("img/ok.png", source, None) == str(article_dir / "img" / "ok.png")
    assert article_image("./img/ok.png", source, None) == str(article_dir / "img" / "ok.png")
    assert article_image("https://cdn.example/p.png", source, None) == "https://cdn.example/p.png"
    page = "https://news.example/a/b.html"
    assert article_image("../p.png", page, page) == "https://news.example/p.png"
    assert article_image("/etc/secret.png", page, page) == "https://news.example/etc/secret.png"
    assert article_image("file:///etc/secret.png", page, page) is None
    assert article_image("img/ok.png", "-", None) is None  # stdin has no folder


def test_article_cover_is_cleaned_copy(article_dir, tmp_path):
    hostile = article_dir / "img" / "hostile.png"
    hostile.write_bytes(secret_png(tmp_path, "h.png").read_bytes())
    out = tmp_path / "cover"
    out.mkdir()
    cover = article_cover(str(hostile), out, remote=False)
    assert cover is not None and cover.parent == out
    assert SECRET not in cover.read_bytes() and hostile.read_bytes() != cover.read_bytes()


def test_a_web_feed_may_not_list_local_files(tmp_path, caplog):
    secret = tmp_path / "secret.txt"
    secret.write_text("a secret")
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>t</title>"
        f"<item><title>S</title><link>{secret.as_uri()}</link></item>"
        "<item><title>J</title><link>javascript:alert(1)</link></item>"
        "<item><title>A</title><link>https://example.org/a</link></item>"
        "<item><title>L</title><link>article.md</link></item></channel></rss>"
    )
    (tmp_path / "article.md").write_text("# A\n\ntext\n")
    with caplog.at_level(logging.WARNING):
        entries = read_article_feed(str(feed))
    # A local feed: its own files only when asked, and never outside its folder.
    assert [e.link for e in entries] == ["https://example.org/a"]
    assert "--allow-local-items" in caplog.text and "only http(s)" in caplog.text
    entries = read_article_feed(str(feed), local_items=True)
    assert [e.link for e in entries] == [
        str(secret.resolve()),
        "https://example.org/a",
        str((tmp_path / "article.md").resolve()),
    ]
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "feed.xml").write_text(feed.read_text().replace("article.md", "../article.md"))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        entries = read_article_feed(str(sub / "feed.xml"), local_items=True)
    assert [e.link for e in entries] == ["https://example.org/a"]
    assert "outside the feed file's folder" in caplog.text


ARTICLE_HTML = (
    "<html lang='en'><head><title>River Report</title>{meta}</head><body><article>"
    "<h1>River Report</h1><p>The river rose overnight and the town moved its cars to higher "
    "ground before the water reached the old bridge.</p></article></body></html>"
)


@pytest.mark.slow
def test_hostile_feed_page_and_article_publish_nothing_private(tmp_path):
    """Must show 1: a web feed linking file:///, a page whose og:image is internal, a Markdown
    article whose image is an absolute path: nothing private is read or published, each
    refusal says why in one line, and the rest of the batch converts."""
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.txt").write_bytes(b"The vault code is " + SECRET + b".\n")
    secret_png(private)
    site = tmp_path / "site"
    (site / "internal").mkdir(parents=True)
    (site / "internal" / "secret.png").write_bytes((private / "secret.png").read_bytes())
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    with serve(functools.partial(Handler, directory=str(site))) as base:
        meta = f"<meta property='og:image' content='{base}/internal/secret.png'>"
        (site / "page.html").write_text(ARTICLE_HTML.format(meta=meta))
        (site / "feed.rss").write_text(
            "<rss version='2.0'><channel><title>News</title>"
            f"<item><title>Secret</title><link>{(private / 'secret.txt').as_uri()}</link></item>"
            f"<item><title>Internal</title><link>{base}/internal/secret.png</link></item>"
            "</channel></rss>"
        )
        articles = tmp_path / "articles"
        articles.mkdir()
        (articles / "tea.md").write_text(
            f"---\ntitle: Tea Time\nimage: {private / 'secret.png'}\n---\n\n"
            "Tea is brewed in hot water, and green tea needs cooler water than black tea.\n"
        )
        out = tmp_path / "out"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "readaloud",
                "convert",
                f"{base}/page.html",
                str(articles / "tea.md"),
                "--from-feed",
                f"{base}/feed.rss",
                "-o",
                str(out),
                "--cache-dir",
                str(tmp_path / "cache"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    output = result.stderr
    assert result.returncode == 1, output  # the internal feed item failed
    assert "Traceback" not in output
    assert "2 converted, 0 up to date, 1 failed" in output
    # Each refusal is one line naming its reason.
    assert "a feed fetched from the web may not point at local files" in output
    assert "absolute path; only pictures in the article's own folder are used" in output
    refusals = [line for line in output.splitlines() if "loopback address" in line]
    assert any("internal/secret.png" in line for line in refusals), output
    assert "/internal/secret.png" not in requests  # neither the og:image nor the feed item
    # Nothing private anywhere in the output folder: no text, no picture, no cover frame.
    published = sorted(p.name for p in out.iterdir())
    assert len([n for n in published if n.endswith(".mp3")]) == 2
    assert not [n for n in published if n.endswith((".png", ".jpg"))]
    for path in out.iterdir():
        data = path.read_bytes()
        assert SECRET not in data and b"vault code" not in data.lower(), path.name
    from mutagen.id3 import ID3

    for mp3 in out.glob("*.mp3"):
        assert ID3(mp3).getall("APIC") == []


def test_ssml_metadata_image_passes_the_same_check(tmp_path, caplog):
    from readaloud.options import ScriptOptions
    from readaloud.pipeline.load import load_source
    from readaloud.script.ssml import RA_NS, render_ssml

    secret = secret_png(tmp_path)
    folder = tmp_path / "scripts"
    folder.mkdir()
    source = folder / "episode.ssml"
    source.write_text(
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" '
        f'xmlns:ra="{RA_NS}"><metadata>'
        f'<ra:script title="T" image="{secret}"/></metadata><s>Hello there.</s></speak>'
    )
    with caplog.at_level(logging.WARNING):
        loaded = load_source(str(source), ScriptOptions())
    assert loaded.script.metadata.image is None
    assert "absolute path" in caplog.text
    # ... and a local picture's path is never written into a published SSML file.
    loaded.script.metadata = dataclasses.replace(loaded.script.metadata, image=str(secret))
    assert str(secret) not in render_ssml(loaded.script)
    loaded.script.metadata = dataclasses.replace(
        loaded.script.metadata, image="https://cdn.example/p.png"
    )
    assert "https://cdn.example/p.png" in render_ssml(loaded.script)
