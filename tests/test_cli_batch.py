"""Batch conversion and the feed through the CLI: folders, lists, article feeds, failures."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from click.testing import CliRunner

from readaloud.cli import main
from readaloud.publish.feed import check_feed

pytestmark = pytest.mark.slow

ARTICLES = {
    "tea.md": "---\ntitle: Tea Time\ndate: 2025-03-01\nauthor: Ann Lee\n---\n\nTea is brewed in hot water. "
    "Green tea needs cooler water.\n\n## Storing\n\nKeep it dry.\n",
    "rain.html": "<html lang='en'><head><title>Rain Report</title>"
    "<meta name='author' content='Bo Chen'></head><body><article><h1>Rain Report</h1>"
    "<p>Rain fell all day in the valley and the rivers rose by evening, the local office said.</p>"
    "<h2>Outlook</h2><p>More rain is expected on Friday, so farmers are moving their animals to "
    "higher fields for the weekend.</p></article></body></html>",
}
FEED_FLAGS = [
    "--base-url",
    "https://pod.example.com/ep/",
    "--title",
    "Read Aloud & Co",
    "--author",
    "Ed Reads",
    "--category",
    "News",
    "--image",
    "https://pod.example.com/art.png",
    "--owner-name",
    "Ed",
    "--owner-email",
    "ed@example.com",
    "--description",
    "Articles.",
]


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    return folder


def test_folder_batch_then_feed_then_rerun_is_all_up_to_date(tmp_path, library):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = invoke("convert", str(library), "-o", str(out), "--cache-dir", str(cache))
    assert first.exit_code == 0, first.output
    assert "2 converted, 0 up to date, 0 failed" in first.output
    assert invoke("feed", str(out), *FEED_FLAGS).exit_code == 0
    feed = out / "feed.xml"
    assert check_feed(feed, out) == []
    before = feed.read_bytes()

    # channel defaults in DIR/readaloud-feed.toml: `convert --feed` needs no feed flags
    (out / "readaloud-feed.toml").write_text(
        'base_url = "https://pod.example.com/ep/"\ntitle = "Read Aloud & Co"\ncategory = "News"\n'
        'author = "Ed Reads"\n'
        'image = "https://pod.example.com/art.png"\nowner_name = "Ed"\nowner_email = "ed@example.com"\n'
        'description = "Articles."\n'
    )
    again = invoke("convert", str(library), "-o", str(out), "--cache-dir", str(cache), "--feed")
    assert again.exit_code == 0, again.output
    assert "0 converted, 2 up to date, 0 failed" in again.output
    assert feed.read_bytes() == before

    # the checker is a user feature: no problem on this feed, a named one when audio is gone
    checked = invoke("feed", str(out), "--check")
    assert checked.exit_code == 0, checked.output
    assert "no problems found" in checked.output
    gone = sorted(out.glob("*.mp3"))[0]
    gone.unlink()
    broken = invoke("feed", str(out), "--check")
    assert broken.exit_code == 1
    lines = broken.output.splitlines()
    assert any(gone.name in line and "does not exist" in line for line in lines), lines
    assert lines[-1].startswith("Error: ") and "1 problem found" in lines[-1]
    assert feed.read_bytes() == before  # --check writes nothing


def test_changed_article_is_rerendered_and_keeps_its_guid(tmp_path, library):
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert invoke("convert", str(library), "-o", str(out), "--cache-dir", str(cache)).exit_code == 0
    invoke("feed", str(out), *FEED_FLAGS)
    guids = (out / "feed.xml").read_text().count("<guid")
    old = (out / "feed.xml").read_text()
    (library / "tea.md").write_text(
        ARTICLES["tea.md"].replace("Keep it dry.", "Keep it dry and dark.")
    )
    result = invoke("convert", str(library), "-o", str(out), "--cache-dir", str(cache))
    assert "1 converted, 1 up to date, 0 failed" in result.output
    invoke("feed", str(out), *FEED_FLAGS)
    new = (out / "feed.xml").read_text()
    assert new.count("<guid") == guids
    import re

    assert sorted(re.findall(r"<guid[^>]*>([^<]+)</guid>", new)) == sorted(
        re.findall(r"<guid[^>]*>([^<]+)</guid>", old)
    )


def test_one_bad_source_does_not_stop_the_others(tmp_path, library):
    out = tmp_path / "out"
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = invoke(
        "convert",
        str(library / "tea.md"),
        str(bad),
        str(library / "rain.html"),
        "-o",
        str(out),
        "--cache-dir",
        str(tmp_path / "cache"),
    )
    assert result.exit_code == 1
    assert "2 converted, 0 up to date, 1 failed" in result.output
    assert "broken.txt" in result.output
    assert len(list(out.glob("*.mp3"))) == 2


def test_from_list_and_from_feed_with_local_files_and_a_local_http_server(tmp_path, library):
    listing = tmp_path / "list.txt"
    listing.write_text("# my articles\narticles/tea.md\n\n")
    out = tmp_path / "out"
    result = invoke(
        "convert", "--from-list", str(listing), "-o", str(out), "--cache-dir", str(tmp_path / "c")
    )
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.mp3"))) == 1

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(library))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        rss = tmp_path / "articles.rss"
        rss.write_text(
            "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
            f"<item><title>Rain</title><link>http://127.0.0.1:{port}/rain.html</link></item>"
            "<item><title>Tea</title><link>articles/tea.md</link></item>"
            "</channel></rss>"
        )
        out2 = tmp_path / "out2"
        result = invoke(
            "convert",
            "--from-feed",
            str(rss),
            "--allow-local-items",
            "--allow-private-urls",  # the server is on 127.0.0.1
            "-o",
            str(out2),
            "--cache-dir",
            str(tmp_path / "c"),
        )
        assert result.exit_code == 0, result.output
        assert "2 converted" in result.output
        assert len(list(out2.glob("*.mp3"))) == 2
    finally:
        server.shutdown()


def test_url_source_gets_the_pages_image_as_cover(tmp_path):
    from mutagen.id3 import ID3

    from readaloud.ffmpeg import run_ffmpeg

    site = tmp_path / "site"
    site.mkdir()
    run_ffmpeg(
        ["-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", str(site / "cover.png")]
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        (site / "page.html").write_text(
            ARTICLES["rain.html"].replace(
                "</head>", f"<meta property='og:image' content='{base}/cover.png'></head>"
            )
        )
        out = tmp_path / "out"
        result = invoke(
            "convert",
            f"{base}/page.html",
            "--allow-private-urls",  # the image is on 127.0.0.1 too
            "-o",
            str(out),
            "--cache-dir",
            str(tmp_path / "c"),
        )
        assert result.exit_code == 0, result.output
    finally:
        server.shutdown()
    mp3 = next(out.glob("*.mp3"))
    (picture,) = ID3(mp3).getall("APIC")
    assert picture.mime == "image/png" and picture.data == (site / "cover.png").read_bytes()
    assert (out / f"{mp3.stem}.png").is_file()
