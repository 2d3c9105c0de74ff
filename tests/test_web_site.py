"""The podcast's page DIR/index.html written by `readaloud feed`: order, links, determinism."""

from __future__ import annotations

import os

import test_feed
from click.testing import CliRunner
from lxml import html as lxml_html

from readaloud.cli import main
from readaloud.publish.feed import write_feed

BASE, SETTINGS = test_feed.BASE, test_feed.SETTINGS
mp3, show = test_feed.mp3, test_feed.show  # the feed tests' fixtures: three episodes and a cover


def index_of(folder):
    return lxml_html.document_fromstring((folder / "index.html").read_text(encoding="utf-8"))


def test_feed_writes_the_index_newest_first_with_player_links(show):
    (show / "middle-story.html").write_text("<!DOCTYPE html><title>player</title>")
    write_feed(show, SETTINGS)
    doc = index_of(show)
    titles = [h.text_content() for h in doc.xpath("//ol[@class='episodes']//h3")]
    assert titles == ["Newest Story", "Middle Story", "Older Story"]
    # an episode with a player page links to it; the others link to their audio
    assert doc.xpath("//h3/a/@href") == ["newest-story.mp3", "middle-story.html", "older-story.mp3"]
    assert "middle-story.html" in doc.xpath("//ul[@class='links']//a/@href")
    assert doc.xpath("//time/@datetime")[:2] == ["2025-09-04", "PT0M1S"]


def test_index_has_subscribe_links_artwork_and_description(show):
    write_feed(show, SETTINGS)
    doc = index_of(show)
    subscribe = doc.xpath("//ul[@class='subscribe']//a/@href")
    assert subscribe == ["podcast://pod.example.org/shows/readaloud/feed.xml", "feed.xml"]
    assert BASE + "feed.xml" in doc.xpath("//ul[@class='subscribe']//code/text()")
    assert doc.xpath("//link[@rel='alternate']/@href") == ["feed.xml"]
    art = doc.xpath("//img[@class='art']")[0]
    assert art.get("src") == "cover.png" and art.get("alt")  # a local file, relative
    assert doc.xpath("//h1/text()") == [test_feed.SHOW["title"]]
    assert doc.xpath("//p[@class='description']/text()") == [
        f"Articles from {test_feed.SHOW['title']}, read aloud."
    ]
    assert doc.get("lang") == "en-us"
    assert not doc.xpath("//script[@src] | //link[@rel='stylesheet']")


def test_index_is_deterministic(show):
    write_feed(show, SETTINGS)
    first = (show / "index.html").read_bytes()
    for path in show.iterdir():
        os.utime(path, (1, 1))
    write_feed(show, SETTINGS)
    assert (show / "index.html").read_bytes() == first


def test_an_index_readaloud_did_not_write_is_kept(show, caplog):
    (show / "index.html").write_text("<h1>My own site</h1>")
    write_feed(show, SETTINGS)
    assert (show / "index.html").read_text() == "<h1>My own site</h1>"
    assert "not written by readaloud" in caplog.text


def test_feed_command_no_index(show):
    args = ["feed", str(show), "--base-url", BASE, "--category", "News", "--image", "cover.png"]
    args += ["--title", "Example News", "--author", "Ada Writer"]
    result = CliRunner().invoke(main, [*args, "--no-index"])
    assert result.exit_code == 0, result.output
    assert (show / "feed.xml").is_file() and not (show / "index.html").exists()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (show / "index.html").is_file()
