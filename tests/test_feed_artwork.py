"""Channel artwork is checked against Apple's rules (or converted on request); podcast:locked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image
from test_feed import BASE, NS, SHOW, add_episode, artwork, parse

from readaloud.cli import main
from readaloud.errors import ConfigError
from readaloud.publish.feed import FeedSettings, build_feed
from readaloud.publish.feed.artwork import artwork_problem, convert_artwork


@pytest.fixture
def mp3(tmp_path):
    audio = tmp_path / "fake.mp3"
    audio.write_bytes(b"ID3" + b"\0" * 1021)  # the feed only needs the size, not real audio
    return audio


@pytest.fixture
def folder(tmp_path, mp3):
    show = tmp_path / "show"
    show.mkdir()
    add_episode(show, mp3, "story", date="2025-09-01")
    return show


def feed_args(folder, *more):
    return [
        "feed",
        str(folder),
        "--base-url",
        BASE,
        "--title",
        SHOW["title"],
        "--author",
        SHOW["author"],
        "--category",
        "News",
        *more,
    ]


def test_small_cover_is_refused_with_one_error_line(folder):
    artwork(folder / "cover.jpg", 1000)
    result = CliRunner().invoke(main, feed_args(folder))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: Artwork cover.jpg is JPEG 1000x1000 RGB: not 1400-3000 px")
    assert "--fix-image" in lines[0]
    assert not (folder / "feed.xml").exists()


@pytest.mark.parametrize(
    ("name", "size", "mode", "problem"),
    [
        ("wide.png", (2000, 1500), "RGB", "PNG 2000x1500 RGB: not square"),
        ("huge.png", (3001, 3001), "RGB", "not 1400-3000 px"),
        ("print.jpg", (1400, 1400), "CMYK", "JPEG 1400x1400 CMYK: not RGB"),
        ("grey.png", (1400, 1400), "L", "PNG 1400x1400 L: not RGB"),
        ("alpha.png", (1400, 1400), "RGBA", "PNG 1400x1400 RGBA: not RGB"),
        ("cover.gif", (1400, 1400), "P", "GIF 1400x1400 P, not JPEG or PNG"),
    ],
)
def test_artwork_rules(tmp_path, name, size, mode, problem):
    path = tmp_path / name
    Image.new(mode, size).save(path)
    assert problem in artwork_problem(path)


def test_good_artwork_and_misnamed_or_fake_files(tmp_path):
    assert artwork_problem(artwork(tmp_path / "ok.jpg", 3000)) is None
    assert artwork_problem(artwork(tmp_path / "ok.png", 1400)) is None
    Image.new("RGB", (1400, 1400)).save(tmp_path / "png.jpg", "PNG")
    assert "is PNG but named png.jpg" in artwork_problem(tmp_path / "png.jpg")
    (tmp_path / "fake.png").write_bytes(b"\x89PNG not really")
    assert artwork_problem(tmp_path / "fake.png") == "is not a JPEG or PNG image"


def test_fix_image_converts_and_the_feed_uses_the_copy(folder):
    Image.new("RGBA", (1800, 1000), (200, 0, 0, 128)).save(folder / "banner.png")
    result = CliRunner().invoke(main, feed_args(folder, "--image", "banner.png", "--fix-image"))
    assert result.exit_code == 0, result.output
    fixed = folder / "banner-podcast.jpg"
    with Image.open(fixed) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (1400, 1400), "RGB")
    channel = parse((folder / "feed.xml").read_text()).find("channel")
    assert channel.xpath("itunes:image/@href", namespaces=NS) == [BASE + "banner-podcast.jpg"]
    # converting again gives the same bytes (the feed stays byte-identical)
    first = fixed.read_bytes()
    convert_artwork(folder / "banner.png")
    assert fixed.read_bytes() == first


def test_fix_image_keeps_good_artwork_and_config_can_ask_for_it(folder):
    artwork(folder / "cover.png", 2000)
    settings = FeedSettings(base_url=BASE, category="News", fix_image=True, **SHOW)
    channel = parse(build_feed(folder, settings)).find("channel")
    assert channel.xpath("itunes:image/@href", namespaces=NS) == [BASE + "cover.png"]
    assert not (folder / "cover-podcast.png").exists()
    (folder / "cover.png").unlink()
    artwork(folder / "cover.jpg", 900)
    (folder / "readaloud-feed.toml").write_text("fix_image = true\n")
    channel = parse(build_feed(folder, FeedSettings(base_url=BASE, category="News", **SHOW)))
    assert channel.xpath("//itunes:image/@href", namespaces=NS)[0] == BASE + "cover-podcast.jpg"


def test_artwork_url_is_not_fetched_and_outside_file_is_refused(folder, tmp_path):
    settings = FeedSettings(
        base_url=BASE, category="News", image="https://img.example/a.png", **SHOW
    )
    assert "https://img.example/a.png" in build_feed(folder, settings)
    artwork(tmp_path / "outside.png")
    settings.image = "../outside.png"
    with pytest.raises(ConfigError, match="not in"):
        build_feed(folder, settings)


def test_episode_art_that_breaks_the_rules_is_left_out(folder, mp3, caplog):
    artwork(folder / "cover.png")
    artwork(folder / "small.jpg", 600)
    add_episode(folder, mp3, "small-art", date="2025-09-09", image="small.jpg")
    settings = FeedSettings(base_url=BASE, category="News", **SHOW)
    item = parse(build_feed(folder, settings)).find("channel/item")
    assert item.findtext("title") == "Small Art"
    assert item.xpath("itunes:image", namespaces=NS) == []
    assert "small.jpg is JPEG 600x600 RGB: not 1400-3000 px" in caplog.text


def test_locked_needs_an_owner_email(folder):
    artwork(folder / "cover.png")
    result = CliRunner().invoke(main, feed_args(folder, "--locked"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: A locked feed (podcast:locked yes) needs the owner's e-mail: pass --owner-email "
        f"or set owner_email in {folder / 'readaloud-feed.toml'}."
    ]
    result = CliRunner().invoke(main, feed_args(folder, "--locked", "--owner-email", "a@b.org"))
    assert result.exit_code == 0, result.output
    locked = parse((folder / "feed.xml").read_text()).find("channel/podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "a@b.org")
