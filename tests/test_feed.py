"""The podcast feed: required tags, real enclosure sizes, order, determinism, escaping, config."""

from __future__ import annotations

import json
import logging
import os
import shutil
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from readaloud.errors import ConfigError, InputError
from readaloud.ffmpeg import run_ffmpeg
from readaloud.publish.feed import (
    NOT_XML,
    FeedSettings,
    build_feed,
    check_feed,
    load_feed_config,
    write_feed,
)

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
}
BASE = "https://pod.example.org/shows/readaloud/"
SHOW = {"title": "Read Aloud Weekly", "author": "Readaloud Desk"}
SETTINGS = FeedSettings(base_url=BASE, category="News/Tech News", image="cover.png", **SHOW)


def artwork(path: Path, side: int = 1400, mode: str = "RGB", height: int | None = None) -> Path:
    """A real image file (format from the suffix) for the artwork checks."""
    Image.new(mode, (side, height or side), "navy").save(path)
    return path


@pytest.fixture(scope="module")
def mp3(tmp_path_factory) -> Path:
    """A real one-second MP3 made with ffmpeg."""
    path = tmp_path_factory.mktemp("audio") / "tone.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=d=1", "-c:a", "libmp3lame", "-b:a", "32k", str(path)])
    return path


def add_episode(folder: Path, audio: Path, slug: str, **fields) -> dict:
    """Write an episode like `convert` does: audio, chapters JSON, VTT, SRT and the manifest."""
    audio_name = f"{slug}{audio.suffix}"
    shutil.copyfile(audio, folder / audio_name)
    chapters = [
        {"title": "Introduction", "start_ms": 0, "end_ms": 400},
        {"title": "The rest", "start_ms": 400, "end_ms": 1000},
    ]
    chapters_json = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Introduction"}]}
    (folder / f"{slug}.chapters.json").write_text(json.dumps(chapters_json))
    (folder / f"{slug}.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello.\n")
    (folder / f"{slug}.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello.\n")
    (folder / f"{slug}.ssml").write_text("<speak/>")
    (folder / f"{slug}.transcript.json").write_text('{"version": "1.0.0", "segments": []}')

    def entry(name: str, kind: str) -> dict:
        return {"name": name, "bytes": (folder / name).stat().st_size, "sha256": "0", "type": kind}

    manifest = {
        "manifest_version": 1,
        "generator": "readaloud 0.1.0",
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "author": "Ada Writer",
        "language": "en-US",
        "date": "2025-09-01",
        "description": f"About {slug}.",
        "site_name": "Example News",
        "url": f"https://news.example.org/{slug}",
        "image": None,
        "source": f"https://news.example.org/{slug}",
        "source_sha256": "a" * 64,
        "settings_sha256": "b" * 64,
        "guid": f"readaloud:{slug}",
        "duration_ms": 1049,
        "engine": "piper",
        "voice": "joe",
        "chapters": chapters,
        "files": {
            "audio": entry(audio_name, "audio/mpeg"),
            "chapters": entry(f"{slug}.chapters.json", "application/json+chapters"),
            "vtt": entry(f"{slug}.vtt", "text/vtt"),
            "srt": entry(f"{slug}.srt", "application/x-subrip"),
            "ssml": entry(f"{slug}.ssml", "application/ssml+xml"),
            "transcript": entry(f"{slug}.transcript.json", "application/json"),
        },
    }
    manifest.update(fields)
    (folder / f"{slug}.json").write_text(json.dumps(manifest, indent=2))
    return manifest


@pytest.fixture
def show(tmp_path, mp3) -> Path:
    """A folder with three episodes, cover art, and non-manifest JSON that must be ignored."""
    folder = tmp_path / "out"
    folder.mkdir()
    artwork(folder / "cover.png")
    add_episode(folder, mp3, "older-story", date="2025-08-30")
    add_episode(folder, mp3, "newest-story", date="2025-09-04")
    add_episode(folder, mp3, "middle-story", date="2025-09-02")
    (folder / "notes.json").write_text('{"not": "a manifest"}')
    return folder


def parse(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def test_feed_has_apple_required_and_recommended_tags(show):
    feed = write_feed(show, SETTINGS)
    assert feed == show / "feed.xml"
    assert check_feed(feed, show) == []
    channel = parse(feed.read_text()).find("channel")
    for path in [
        "title",
        "description",
        "link",
        "language",
        "generator",
        "lastBuildDate",
        "itunes:image/@href",
        "itunes:category/@text",
        "itunes:explicit",
        "itunes:author",
        "itunes:owner/itunes:name",
        "itunes:type",
        "atom:link[@rel='self']/@href",
    ]:
        assert channel.xpath(path, namespaces=NS), path
    assert channel.findtext("language") == "en-us"
    assert channel.xpath("itunes:explicit/text()", namespaces=NS) == ["false"]
    assert channel.xpath("itunes:image/@href", namespaces=NS) == [BASE + "cover.png"]
    assert channel.xpath("atom:link/@href", namespaces=NS) == [BASE + "feed.xml"]
    category = channel.xpath("itunes:category", namespaces=NS)[0]
    assert category.get("text") == "News"
    assert category.xpath("itunes:category/@text", namespaces=NS) == ["Tech News"]
    items = channel.findall("item")
    assert len(items) == 3  # notes.json is not an episode
    for item in items:
        for path in [
            "title",
            "description",
            "content:encoded",
            "enclosure/@url",
            "enclosure/@length",
            "guid",
            "pubDate",
            "link",
            "itunes:duration",
            "itunes:episodeType",
            "itunes:author",
        ]:
            assert item.xpath(path, namespaces=NS), path
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.find("enclosure").get("type") == "audio/mpeg"
        assert item.xpath("itunes:duration/text()", namespaces=NS) == ["1"]
        assert item.xpath("podcast:chapters/@type", namespaces=NS) == ["application/json+chapters"]
        transcripts = item.xpath("podcast:transcript", namespaces=NS)
        assert [(t.get("type"), t.get("rel")) for t in transcripts] == [
            ("text/vtt", "captions"),
            ("application/x-subrip", None),
            ("application/json", None),
        ]
    assert channel.xpath("podcast:locked/text()", namespaces=NS) == ["no"]


def test_enclosure_length_is_the_file_size_and_urls_map_to_files(show, caplog):
    manifest = json.loads((show / "middle-story.json").read_text())
    manifest["files"]["audio"]["bytes"] = 12  # a stale claim
    (show / "middle-story.json").write_text(json.dumps(manifest))
    with caplog.at_level(logging.WARNING):
        channel = parse(build_feed(show, SETTINGS)).find("channel")
    assert "manifest says 12 bytes" in caplog.text
    for item in channel.findall("item"):
        url = item.find("enclosure").get("url")
        assert url.startswith(BASE)
        local = show / url.removeprefix(BASE)
        assert item.find("enclosure").get("length") == str(local.stat().st_size)
        links = item.xpath("podcast:chapters/@url | podcast:transcript/@url", namespaces=NS)
        assert len(links) == 4
        assert all((show / link.removeprefix(BASE)).is_file() for link in links)


def test_items_newest_first_ties_by_title(show, mp3):
    add_episode(show, mp3, "b-same-day", date="2025-09-02")
    add_episode(show, mp3, "a-same-day", date="2025-09-02")
    channel = parse(build_feed(show, SETTINGS)).find("channel")
    slugs = [i.findtext("guid").removeprefix("readaloud:") for i in channel.findall("item")]
    assert slugs == ["newest-story", "a-same-day", "b-same-day", "middle-story", "older-story"]
    dates = [i.findtext("pubDate") for i in channel.findall("item")]
    assert dates[0] == "Thu, 04 Sep 2025 12:00:00 GMT"
    assert channel.findtext("lastBuildDate") == dates[0]
    parsed = [parsedate_to_datetime(d) for d in dates]
    assert parsed == sorted(parsed, reverse=True)


def test_undated_article_is_dated_when_readaloud_first_published_it(show, mp3):
    add_episode(show, mp3, "no-date", date=None, published="2025-09-03T08:00:00+00:00")
    channel = parse(build_feed(show, SETTINGS)).find("channel")
    item = channel.findall("item")[1]
    assert item.findtext("title") == "No Date"
    assert item.findtext("pubDate") == "Wed, 03 Sep 2025 08:00:00 GMT"


def test_old_manifest_without_published_is_dated_by_its_file(show, mp3):
    add_episode(show, mp3, "legacy", date=None)
    os.utime(show / "legacy.json", (1_757_000_000, 1_757_000_000))
    item = parse(build_feed(show, SETTINGS)).find("channel/item")
    assert item.findtext("title") == "Legacy"
    assert parsedate_to_datetime(item.findtext("pubDate")).timestamp() == 1_757_000_000


def test_output_is_deterministic_across_rebuilds_and_mtimes(show):
    first = write_feed(show, SETTINGS).read_bytes()
    for path in show.iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))
    second = write_feed(show, SETTINGS).read_bytes()
    assert first == second
    assert build_feed(show, SETTINGS).encode("utf-8") == first
    # Files listed in a different order on disk (renamed manifests) give the same feed too.
    (show / "older-story.json").rename(show / "zzz.json")
    assert build_feed(show, SETTINGS).encode("utf-8") == first


def test_text_is_escaped_and_round_trips(show, mp3):
    title = "Cats & Dogs <live> \"together\" 'again'"
    add_episode(
        show,
        mp3,
        "escape-me",
        date="2025-09-05",
        title=title,
        description="A < B && C > D",
        url="https://news.example.org/a?x=1&y=<2>",
        author="O'Brien & Sons",
    )
    xml = build_feed(
        show, FeedSettings(base_url=BASE, title="Q&A <show>", author="Q", category="News")
    )
    item = parse(xml).find("channel/item")
    assert item.findtext("title") == title
    assert item.findtext("description") == "A < B && C > D"
    assert item.findtext("link") == "https://news.example.org/a?x=1&y=<2>"
    assert item.xpath("itunes:author/text()", namespaces=NS) == ["O'Brien & Sons"]
    # Show notes are HTML inside XML: escaped twice in the file, once after parsing.
    notes = item.xpath("content:encoded/text()", namespaces=NS)[0]
    assert "<p>A &lt; B &amp;&amp; C &gt; D</p>" in notes
    assert parse(xml).findtext("channel/title") == "Q&A <show>"


def test_file_names_are_url_quoted(tmp_path, mp3):
    folder = tmp_path / "show"
    folder.mkdir()
    artwork(folder / "cover art.png")
    add_episode(folder, mp3, "Café story #1")
    settings = FeedSettings(base_url=BASE, category="News", image="cover art.png", **SHOW)
    feed = write_feed(folder, settings)
    channel = parse(feed.read_text()).find("channel")
    assert channel.find("item/enclosure").get("url") == BASE + "Caf%C3%A9%20story%20%231.mp3"
    assert channel.xpath("itunes:image/@href", namespaces=NS) == [BASE + "cover%20art.png"]
    assert check_feed(feed, folder) == []


def test_m4b_enclosure_type_and_episode_image(show, tmp_path):
    m4b = tmp_path / "book.m4b"
    m4b.write_bytes(b"\0" * 321)
    artwork(show / "art.jpg")
    add_episode(show, m4b, "audiobook", date="2025-09-10", image="art.jpg")
    feed = write_feed(show, SETTINGS)
    item = parse(feed.read_text()).find("channel/item")
    assert item.find("enclosure").get("type") == "audio/x-m4a"
    assert item.find("enclosure").get("length") == "321"
    assert item.xpath("itunes:image/@href", namespaces=NS) == [BASE + "art.jpg"]
    assert check_feed(feed, show) == []


def test_missing_audio_skips_episode_and_missing_sidecars_drop_their_tags(show, caplog):
    (show / "middle-story.mp3").unlink()
    (show / "newest-story.chapters.json").unlink()
    (show / "newest-story.srt").unlink()
    feed = write_feed(show, SETTINGS)
    assert "audio file middle-story.mp3 is missing" in caplog.text
    channel = parse(feed.read_text()).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Newest Story", "Older Story"]
    assert items[0].xpath("podcast:chapters", namespaces=NS) == []
    assert items[0].xpath("podcast:transcript/@type", namespaces=NS) == [
        "text/vtt",
        "application/json",
    ]
    assert check_feed(feed, show) == []


def test_duplicate_guid_is_an_error(show, mp3):
    add_episode(show, mp3, "copy-of-newest", guid="readaloud:newest-story")
    with pytest.raises(InputError, match="same guid"):
        build_feed(show, SETTINGS)


def test_show_title_and_author_never_come_from_an_episode(show):
    with pytest.raises(ConfigError) as info:
        build_feed(show, FeedSettings(base_url=BASE, category="News"))
    message = str(info.value)
    assert "No podcast title and author: pass --title and --author" in message
    assert "set title and author in" in message and "readaloud-feed.toml" in message
    assert "Example News" not in message
    with pytest.raises(ConfigError, match="No podcast author: pass --author"):
        build_feed(show, FeedSettings(base_url=BASE, category="News", title="Mine"))


def test_channel_defaults(show):
    settings = FeedSettings(base_url=BASE, category="News", **SHOW)
    channel = parse(build_feed(show, settings)).find("channel")
    assert channel.findtext("title") == "Read Aloud Weekly"
    assert channel.xpath("itunes:author/text()", namespaces=NS) == ["Readaloud Desk"]
    assert channel.findtext("description") == "Articles from Read Aloud Weekly, read aloud."
    assert channel.findtext("language") == "en-us"  # what the episodes are in
    assert channel.findtext("link") == BASE
    assert channel.xpath("itunes:image/@href", namespaces=NS) == [BASE + "cover.png"]


def test_config_file_fills_in_and_flags_win(show):
    (show / "readaloud-feed.toml").write_text(
        'base_url = "https://cdn.example.net/pod"\n'
        'title = "From config"\n'
        'author = "Config Author"\n'
        'category = "technology"\n'
        "explicit = true\n"
        'owner_email = "pod@example.net"\n'
        'language = "de"\n'
    )
    assert load_feed_config(show)["title"] == "From config"
    channel = parse(build_feed(show, FeedSettings(title="From flag"))).find("channel")
    assert channel.findtext("title") == "From flag"
    assert channel.xpath("itunes:author/text()", namespaces=NS) == ["Config Author"]
    assert channel.findtext("language") == "de"  # config beats the episodes' en-US
    assert channel.xpath("itunes:explicit/text()", namespaces=NS) == ["true"]
    assert channel.xpath("itunes:category/@text", namespaces=NS) == ["Technology"]
    assert channel.xpath("itunes:owner/itunes:email/text()", namespaces=NS) == ["pod@example.net"]
    assert channel.find("item/enclosure").get("url").startswith("https://cdn.example.net/pod/")
    channel = parse(build_feed(show, FeedSettings(explicit=False))).find("channel")
    assert channel.xpath("itunes:explicit/text()", namespaces=NS) == ["false"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("titel = 'typo'\n", "unknown key"),
        ("explicit = 'yes'\n", "explicit must be a boolean"),
        ("title = \n", "not valid TOML"),
    ],
)
def test_bad_config_file(show, text, message):
    (show / "readaloud-feed.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        build_feed(show, SETTINGS)


@pytest.mark.parametrize(
    ("settings", "remove", "flag", "key"),
    [
        (FeedSettings(category="News", **SHOW), None, "--base-url", "base_url"),
        (FeedSettings(base_url=BASE, **SHOW), None, "--category", "category"),
        (FeedSettings(base_url=BASE, category="News", **SHOW), "cover.png", "--image", "image"),
    ],
)
def test_missing_required_value_names_flag_and_key(show, settings, remove, flag, key):
    if remove:
        (show / remove).unlink()
    with pytest.raises(ConfigError) as info:
        build_feed(show, settings)
    assert flag in str(info.value) and f"set {key} in" in str(info.value)
    assert "readaloud-feed.toml" in str(info.value)


def test_base_url_must_be_http(show):
    with pytest.raises(ConfigError, match="http"):
        build_feed(show, FeedSettings(base_url="ftp://x/", category="News", **SHOW))


def test_long_description_is_cut_to_4000_bytes(show):
    settings = FeedSettings(base_url=BASE, category="News", description="é" * 3000, **SHOW)
    description = parse(build_feed(show, settings)).findtext("channel/description")
    assert len(description.encode("utf-8")) <= 4000
    assert description.endswith("…")


# --- the checker: each test breaks one thing in a good feed and expects it to be found ---


@pytest.fixture
def good_feed(show) -> Path:
    feed = write_feed(show, SETTINGS)
    assert check_feed(feed, show) == []
    return feed


def _edit(feed: Path, xpath: str, change) -> None:
    tree = etree.parse(str(feed))
    for el in tree.xpath(xpath, namespaces=NS):
        change(el)
    tree.write(str(feed), xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize(
    ("xpath", "problem"),
    [
        ("/rss/channel/itunes:category", "channel: missing itunes:category"),
        ("/rss/channel/itunes:image", "channel: missing itunes:image"),
        ("/rss/channel/itunes:explicit", "channel: missing itunes:explicit"),
        ("/rss/channel/language", "channel: missing language"),
        ("/rss/channel/description", "channel: missing description"),
        ("/rss/channel/item[2]/guid", "item 2 (Middle Story): missing guid"),
        ("/rss/channel/item[1]/enclosure", "item 1 (Newest Story): missing enclosure url"),
        ("/rss/channel/item[3]/title", "item 3 (untitled): missing title"),
    ],
)
def test_check_catches_missing_required_tag(show, good_feed, xpath, problem):
    _edit(good_feed, xpath, lambda el: el.getparent().remove(el))
    problems = check_feed(good_feed, show)
    assert any(p.startswith(problem) for p in problems), problems


def test_check_catches_wrong_enclosure_length(show, good_feed):
    with (show / "older-story.mp3").open("ab") as audio:
        audio.write(b"\0" * 10)  # the file changed after the feed was written
    problems = check_feed(good_feed, show)
    assert len(problems) == 1
    assert "enclosure length" in problems[0] and "older-story.mp3" in problems[0]


def test_check_catches_missing_chapters_and_transcript_files(show, good_feed):
    (show / "middle-story.chapters.json").unlink()
    (show / "newest-story.vtt").unlink()
    problems = check_feed(good_feed, show)
    assert any("podcast:chapters" in p and "middle-story.chapters.json" in p for p in problems)
    assert any("podcast:transcript" in p and "newest-story.vtt" in p for p in problems)
    assert len(problems) == 2


def test_check_catches_missing_audio_and_url_outside_base(show, good_feed):
    (show / "newest-story.mp3").unlink()
    _edit(
        good_feed,
        "/rss/channel/item[2]/podcast:chapters",
        lambda el: el.set("url", "https://elsewhere.example.com/x.json"),
    )
    problems = check_feed(good_feed, show)
    assert any("newest-story.mp3 does not exist" in p for p in problems)
    assert any("not under the feed's base URL" in p for p in problems)


def test_check_catches_bad_values(show, good_feed):
    _edit(good_feed, "/rss/channel/item[1]/itunes:duration", lambda el: setattr(el, "text", "1:05"))
    _edit(good_feed, "/rss/channel/item[2]/pubDate", lambda el: setattr(el, "text", "yesterday"))
    _edit(
        good_feed,
        "/rss/channel/item[3]/guid",
        lambda el: setattr(el, "text", "readaloud:newest-story"),
    )
    _edit(good_feed, "/rss/channel/itunes:explicit", lambda el: setattr(el, "text", "yes"))
    _edit(good_feed, "/rss/channel/language", lambda el: setattr(el, "text", "English"))
    problems = "\n".join(check_feed(good_feed, show))
    assert "itunes:duration '1:05'" in problems
    assert "pubDate 'yesterday'" in problems
    assert "repeats item 1" in problems
    assert "itunes:explicit is 'yes'" in problems
    assert "language 'English'" in problems


def test_check_catches_wrong_order(show, good_feed):
    def swap(channel):
        items = channel.findall("item")
        channel.remove(items[0])
        channel.append(items[0])

    _edit(good_feed, "/rss/channel", swap)
    assert any("newest first" in p for p in check_feed(good_feed, show))


def test_check_reports_unparseable_feed(show, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel>")
    [problem] = check_feed(bad, show)
    assert "does not parse" in problem


def test_golden_feed(tmp_path):
    """The whole feed, byte for byte (set READALOUD_UPDATE_GOLDEN=1 to rewrite the golden file)."""
    golden = Path(__file__).parent / "fixtures" / "feed" / "golden-feed.xml"
    folder = tmp_path / "show"
    folder.mkdir()
    audio = tmp_path / "fake.mp3"
    audio.write_bytes(b"ID3" + b"\0" * 4093)  # the feed only needs the size, not real audio
    artwork(folder / "cover.jpg")
    add_episode(folder, audio, "first-light", date="2025-09-01", duration_ms=754_500)
    add_episode(
        folder,
        audio,
        "rain & <reason>",
        date="2025-09-03T18:30:00-04:00",
        title='Rain & <Reason>: "why" it falls',
        description=None,
        author="Bea Author",
        language="en-GB",
        duration_ms=3_723_400,
    )
    add_episode(
        folder,
        audio,
        "undated-note",
        date=None,
        published="2025-08-28T06:15:09+00:00",
        url=None,
        language="en-US",
    )
    settings = FeedSettings(
        **SHOW,
        base_url="https://pod.example.org/feed",
        category="Science/Earth Sciences",
        owner_email="owner@example.org",
        copyright="© 2025 Example News",
        locked=True,
    )
    xml = build_feed(folder, settings)
    from readaloud import __version__

    xml = xml.replace(f"readaloud {__version__}</generator>", "readaloud VERSION</generator>")
    if os.environ.get("READALOUD_UPDATE_GOLDEN"):
        golden.write_text(xml, encoding="utf-8")
    assert xml == golden.read_text(encoding="utf-8")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1), description=st.text())
def test_any_text_gives_well_formed_xml(tmp_path_factory, title, description):
    assume(title.strip())
    folder = tmp_path_factory.mktemp("show")
    audio = folder / "x.bin"
    audio.write_bytes(b"\0" * 10)
    audio = audio.rename(folder / "x.mp3")
    add_episode(folder, audio, "ep", title=title, description=description, author=description)
    settings = FeedSettings(base_url=BASE, category="News", image="https://i/x.png", **SHOW)
    xml = build_feed(folder, settings)
    item = parse(xml).find("channel/item")  # parses: well-formed whatever the text
    assert item.findtext("title") == NOT_XML.sub("", title.strip())
    if description.strip():
        assert item.findtext("description") == NOT_XML.sub("", description.strip())


def test_empty_folder_needs_a_language_and_gives_an_empty_feed(tmp_path):
    settings = FeedSettings(
        base_url=BASE, category="News", image="https://img.example.org/a.png", **SHOW
    )
    with pytest.raises(ConfigError, match="--language"):
        build_feed(tmp_path, settings)
    settings.language = "en-US"
    feed = write_feed(tmp_path, settings)
    channel = parse(feed.read_text()).find("channel")
    assert channel.findall("item") == [] and channel.find("lastBuildDate") is None
    assert check_feed(feed, tmp_path) == []


def test_feed_written_elsewhere_links_itself_by_its_name(show, tmp_path):
    out = tmp_path / "public" / "podcast.rss"
    assert write_feed(show, SETTINGS, out) == out
    channel = parse(out.read_text()).find("channel")
    assert channel.xpath("atom:link/@href", namespaces=NS) == [BASE + "podcast.rss"]
    assert not (show / "feed.xml").exists()
    assert check_feed(out, show) == []


def test_remote_article_image_is_not_used_as_episode_art(show, mp3):
    add_episode(
        show, mp3, "remote-art", date="2025-09-11", image="https://example.com/wide-card.png"
    )
    root = parse(build_feed(show, SETTINGS))
    item = next(
        i
        for i in root.iter("item")
        if i.findtext("title") == "remote-art" or "remote-art" in (i.findtext("guid") or "")
    )
    assert item.xpath("itunes:image", namespaces=NS) == []
