"""The feed as podcast apps read it: podcastparser (gPodder) and feedparser, real parsers."""

from __future__ import annotations

import datetime as dt
import json
import time
from email.utils import parsedate_to_datetime

import feedparser
import podcastparser
import pytest
from click.testing import CliRunner
from test_feed import BASE, SETTINGS, add_episode, artwork

from readaloud.cli import main
from readaloud.publish.feed import check_feed, write_feed


def test_podcastparser_and_feedparser_read_every_item_with_its_date(tmp_path):
    show = tmp_path / "show"
    show.mkdir()
    artwork(show / "cover.png")
    fake = tmp_path / "fake.mp3"
    fake.write_bytes(b"ID3" + b"\0" * 1021)  # the feed only needs the size, not real audio
    for slug, date in (("older", "2025-08-30"), ("newest", "2025-09-04"), ("middle", "2025-09-02")):
        add_episode(show, fake, slug, date=date)
    add_episode(show, fake, "undated", date=None, published="2025-09-03T08:00:00+00:00")
    feed = write_feed(show, SETTINGS)

    with feed.open("rb") as stream:
        podcast = podcastparser.parse(BASE + "feed.xml", stream)
    assert podcast["title"] == SETTINGS.title
    assert podcast["cover_url"] == BASE + "cover.png"
    # podcastparser 0.6.11 knows the podcast: namespace only by its old GitHub URI, not the
    # official https://podcastindex.org/namespace/1.0, so its podcast: tags are checked with
    # feedparser below.
    episodes = podcast["episodes"]
    assert len(episodes) == 4
    for episode in episodes:
        assert episode["published"] > 0  # podcastparser dates an item without pubDate 1970
        assert episode["enclosures"][0]["url"].startswith(BASE)
        assert episode["total_time"] == 1
    undated = next(e for e in episodes if e["title"] == "Undated")
    assert undated["published"] == 1756886400  # 2025-09-03T08:00:00Z

    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.podcast_locked == "no"
    assert len(parsed.entries) == 4
    for entry in parsed.entries:
        assert entry.published_parsed is not None
        assert entry.enclosures[0]["type"] == "audio/mpeg"
        assert entry.podcast_chapters["url"].endswith(".chapters.json")
        # feedparser keeps the attributes of the last podcast:transcript: the JSON one
        assert entry.podcast_transcript["type"] == "application/json"
        assert entry.podcast_transcript["url"].endswith(".transcript.json")


DATED = (
    "---\ntitle: Tea Time\ndate: 2025-03-01\nauthor: Ann Lee\n---\n\nTea is brewed in hot water.\n"
)
UNDATED = (
    "<html lang='en'><head><title>Rain Report</title></head><body><article><h1>Rain Report</h1>"
    "<p>Rain fell all day in the valley and the rivers rose by evening, the local office said, "
    "while farmers moved their animals to higher fields before the next storm arrived, and "
    "the roads to the northern villages were closed until the water went down again.</p>"
    "</article></body></html>"
)


@pytest.mark.slow
def test_converted_folder_published_with_feed_is_read_by_the_apps(tmp_path):
    """Must-show: real convert + feed; every item dated (stable across a re-render), locked, JSON
    transcript linked, and both parsers read it."""
    articles, out, cache = tmp_path / "articles", tmp_path / "out", tmp_path / "cache"
    articles.mkdir()
    (articles / "tea.md").write_text(DATED)
    (articles / "rain.html").write_text(UNDATED)
    convert = ["convert", str(articles), "-o", str(out), "--cache-dir", str(cache)]
    assert CliRunner().invoke(main, convert).exit_code == 0
    artwork(out / "cover.jpg")
    flags = ["--base-url", BASE, "--title", "Show", "--author", "Desk", "--category", "News"]
    result = CliRunner().invoke(main, ["feed", str(out), *flags])
    assert result.exit_code == 0, result.output
    feed = out / "feed.xml"
    assert check_feed(feed, out) == []
    first = feed.read_bytes()

    parsed = feedparser.parse(first)
    assert not parsed.bozo and parsed.feed.podcast_locked == "no"
    dates = {e.title: e.published for e in parsed.entries}
    assert dates["Tea Time"] == "Sat, 01 Mar 2025 12:00:00 GMT"  # the article's date
    manifest = json.loads((out / "rain-report.json").read_text())
    assert manifest["date"] is None and manifest["published"]  # first publication, recorded
    assert parsedate_to_datetime(dates["Rain Report"]) == dt.datetime.fromisoformat(
        manifest["published"]
    )
    for entry in parsed.entries:
        assert entry.podcast_transcript["type"] == "application/json"
        assert (out / entry.podcast_transcript["url"].removeprefix(BASE)).is_file()
    with feed.open("rb") as stream:
        episodes = podcastparser.parse(BASE + "feed.xml", stream)["episodes"]
    assert all(e["published"] > 0 for e in episodes) and len(episodes) == 2

    for vtt in out.glob("*.vtt"):  # every cue line within the Podcast Index's 65 characters
        lines = vtt.read_text(encoding="utf-8").split("\n\n", 1)[1].splitlines()
        text = [line for line in lines if line and "-->" not in line]
        assert text and max(map(len, text)) <= 65
    chapters = json.loads((out / "tea-time.chapters.json").read_text())
    assert "podcastName" not in chapters  # no show title was known: not the article's site

    time.sleep(1.1)  # a re-render a second later must not move the episode
    (out / "readaloud-feed.toml").write_text('title = "Show"\n')
    again = CliRunner().invoke(main, [*convert, "--force"])
    assert again.exit_code == 0, again.output
    chapters = json.loads((out / "tea-time.chapters.json").read_text())
    assert chapters["podcastName"] == "Show"
    assert json.loads((out / "rain-report.json").read_text())["published"] == manifest["published"]
    assert CliRunner().invoke(main, ["feed", str(out), *flags]).exit_code == 0
    # the album tag (now the show title) changed the MP3, but no episode moved
    assert {e.title: e.published for e in feedparser.parse(feed.read_bytes()).entries} == dates
