"""The player page, its embed and the podcast's index.html in a real browser (Debian's Chromium
driven by Playwright), served from 127.0.0.1, with audio made by the real Piper voice.

Set READALOUD_SCREENSHOT=docs/player.png to refresh the README's screenshot from this run.
"""

from __future__ import annotations

import json
import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from browser_support import axe_version, axe_violations, browser, needs_chromium, serve  # noqa: F401
from click.testing import CliRunner
from conftest import SEED

from readaloud.cli import main

pytestmark = [pytest.mark.slow, needs_chromium]

SHORT = """---
title: Small Talk
author: Ada Writer
date: 2099-01-02
---
# Small Talk

The weather was fine on Monday.

## Plans

We will meet again next week.
"""
PAGE_LIMIT = 300_000


def png(size: int = 1400) -> bytes:
    """A small real PNG (solid blue), for the show artwork."""
    row = b"\x00" + b"\x1f\x4e\x9c" * size
    raw = zlib.compress(row * size)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def run(*args: str) -> None:
    result = CliRunner().invoke(main, ["--quiet", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The seed article and a short one converted into site/, plus the feed and its index.html.

    The served root is the folder above site/, so a request outside the episode's folder
    would still reach the server and be recorded."""
    root = tmp_path_factory.mktemp("web")
    out = root / "site"
    short = root / "small-talk.md"
    short.write_text(SHORT, encoding="utf-8")
    run("convert", str(SEED), "-o", str(out))
    run("convert", str(short), "-o", str(out))
    (out / "cover.png").write_bytes(png())
    run(
        "feed",
        str(out),
        "--base-url",
        "https://pod.example.org/show/",
        "--category",
        "News",
        "--title",
        "Example Show",
        "--author",
        "Ada Writer",
    )
    manifest = next(
        json.loads(p.read_text())
        for p in out.glob("*.json")
        if p.stem.count(".") == 0 and '"manifest_version"' in p.read_text() and "kim" in p.stem
    )
    with serve(root) as (base, recorded):
        yield {"dir": out, "base": base + "site/", "recorded": recorded, "manifest": manifest}


@pytest.fixture
def open_page(browser, site):  # noqa: F811
    contexts = []

    def opener(name: str | None = None, **context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.requested = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("request", lambda request: page.requested.append(request.url))
        page.goto(site["base"] + (name or site["manifest"]["slug"] + ".html"))
        return page

    yield opener
    for context in contexts:
        context.close()


def ready(page) -> None:
    page.wait_for_function("document.getElementById('audio').readyState >= 1", timeout=20_000)


def seek(page, seconds: float) -> None:
    page.evaluate(
        """t => new Promise(done => {
            const audio = document.getElementById('audio');
            audio.addEventListener('seeked', () => done(), {once: true});
            audio.currentTime = t;
        })""",
        seconds,
    )


def current_sentences(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".text [aria-current='true']",
        "els => els.map(e => ({id: e.id, start: parseFloat(e.dataset.start), text: e.textContent}))",
    )


def first_sentence_from(page, start: float) -> dict:
    """The first sentence element that starts at or after `start` (document order)."""
    return page.evaluate(
        """start => {
            const el = [...document.querySelectorAll('.text [data-start]')]
                .find(e => parseFloat(e.dataset.start) >= start - 0.0005);
            return {id: el.id, start: parseFloat(el.dataset.start), text: el.textContent};
        }""",
        start,
    )


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def test_chapter_nav_lists_all_twelve_chapters(open_page, site):
    page = open_page()
    titles = page.eval_on_selector_all(
        "nav[aria-label='Chapters'] a", "links => links.map(a => a.textContent)"
    )
    assert len(site["manifest"]["chapters"]) == 12
    assert titles == [c["title"] for c in site["manifest"]["chapters"]]
    hrefs = page.eval_on_selector_all("nav[aria-label='Chapters'] a", "ls => ls.map(a => a.href)")
    audio = site["manifest"]["files"]["audio"]["name"]
    for href, chapter in zip(hrefs, site["manifest"]["chapters"], strict=True):
        assert href.endswith(f"{audio}#t={chapter['start_ms'] / 1000:.3f}")
    assert page.errors == []


def test_seeking_to_each_chapter_marks_its_first_sentence(open_page, site):
    page = open_page()
    ready(page)
    for chapter in site["manifest"]["chapters"]:
        start = chapter["start_ms"] / 1000
        seek(page, start + 0.5)
        marked = current_sentences(page)
        assert len(marked) == 1, (chapter["title"], marked)
        expected = first_sentence_from(page, start)
        assert marked[0]["id"] == expected["id"], chapter["title"]
        assert abs(marked[0]["start"] - start) < 0.002, chapter["title"]
        # the chapter's first sentence is its heading (the title for the first chapter)
        assert words(marked[0]["text"])[:3] == words(chapter["title"])[:3], (marked, chapter)
    live = page.text_content("#now")
    assert live.startswith("Chapter 12 of 12: ")


def test_bracket_keys_move_between_chapters(open_page, site):
    chapters = site["manifest"]["chapters"]
    page = open_page()
    ready(page)
    seek(page, chapters[3]["start_ms"] / 1000 + 0.5)
    page.locator("body").click(position={"x": 2, "y": 2})  # focus the page, not a control
    page.evaluate("document.getElementById('audio').pause()")
    page.keyboard.press("]")
    page.wait_for_function(
        "t => Math.abs(document.getElementById('audio').currentTime - t) < 0.01",
        arg=chapters[4]["start_ms"] / 1000,
    )
    page.evaluate("document.getElementById('audio').pause()")
    assert (
        current_sentences(page)[0]["id"]
        == first_sentence_from(page, chapters[4]["start_ms"] / 1000)["id"]
    )
    page.keyboard.press("[")  # at a chapter's very start, "[" goes to the chapter before
    page.wait_for_function(
        "t => Math.abs(document.getElementById('audio').currentTime - t) < 0.01",
        arg=chapters[3]["start_ms"] / 1000,
    )


def test_clicking_a_sentence_plays_from_it(open_page):
    page = open_page()
    ready(page)
    sentence = page.locator(".text [data-start]").nth(40)
    start = float(sentence.get_attribute("data-start"))
    sentence.scroll_into_view_if_needed()
    sentence.click()
    page.wait_for_function("!document.getElementById('audio').paused")
    now = page.evaluate("document.getElementById('audio').currentTime")
    page.evaluate("document.getElementById('audio').pause()")
    assert start - 0.001 <= now < start + 1.5
    assert sentence.get_attribute("aria-current") == "true"
    assert page.text_content("#play") == "Play"


def test_keyboard_only_reaches_play_speed_and_every_chapter_in_order(open_page, site):
    page = open_page()
    ready(page)
    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || (e.closest('nav') ? 'chapter:' + e.textContent : e.tagName); }"
            )
        )
    chapters = [f"chapter:{c['title']}" for c in site["manifest"]["chapters"]]
    positions = [order.index(name) for name in ["play", "speed", *chapters]]
    assert positions == sorted(positions), order
    # Space on the focused play button, then on the page itself, toggles playback.
    page.focus("#play")
    assert page.evaluate("document.getElementById('audio').paused") is True
    page.keyboard.press("Space")
    page.wait_for_function("!document.getElementById('audio').paused")
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('audio').paused")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    page.wait_for_function("!document.getElementById('audio').paused")
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('audio').paused")
    # the focused control is visibly outlined
    outline = page.evaluate(
        "() => { document.getElementById('speed').focus();"
        " return getComputedStyle(document.activeElement).outlineStyle; }"
    )
    assert outline != "none"


def test_page_requests_nothing_outside_its_folder_and_is_small(open_page, site):
    start = len(site["recorded"])
    page = open_page()
    ready(page)
    seek(page, 30.0)
    page.click("#play")
    page.wait_for_timeout(500)
    page.click("#play")
    assert page.requested, "no request was recorded"
    outside = [u for u in page.requested if not u.startswith(site["base"])]
    assert outside == []
    assert all(p.startswith("/site/") for p in site["recorded"][start:]), site["recorded"][start:]
    size = (site["dir"] / f"{site['manifest']['slug']}.html").stat().st_size
    print(f"seed page: {size} bytes, {len(page.requested)} requests")
    assert size < PAGE_LIMIT
    assert page.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["page", "embed", "index"])
def test_axe_finds_no_wcag_violations(open_page, site, which, scheme):
    slug = site["manifest"]["slug"]
    name = {"page": f"{slug}.html", "embed": f"{slug}.embed.html", "index": "index.html"}[which]
    page = open_page(name, color_scheme=scheme)
    if which != "index":
        ready(page)
        seek(page, site["manifest"]["chapters"][5]["start_ms"] / 1000 + 0.5)  # a highlight shows
        page.evaluate(
            "document.querySelector('details') && document.querySelectorAll('details').forEach(d => d.open = true)"
        )
    violations = axe_violations(page)
    print(f"axe-core {axe_version()}: {which} {scheme}: {len(violations)} violations")
    assert violations == []


def test_without_javascript_text_audio_and_chapter_links_work(open_page, site):
    page = open_page(java_script_enabled=False)
    assert page.evaluate is not None
    assert page.locator("audio[controls]").count() == 1
    assert page.locator("#controls").is_hidden()
    links = page.locator("nav[aria-label='Chapters'] a")
    assert links.count() == 12
    href = links.nth(2).get_attribute("href")
    assert re.fullmatch(r".+\.mp3#t=\d+\.\d{3}", href)
    assert page.locator(".text [data-start]").count() > 100


def test_works_from_a_file_url(browser, site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((site["dir"] / f"{site['manifest']['slug']}.html").as_uri())
    ready(page)
    assert page.locator("#controls").is_visible()
    seek(page, site["manifest"]["chapters"][2]["start_ms"] / 1000 + 0.5)
    assert len(current_sentences(page)) == 1
    assert errors == []
    context.close()


def test_reader_who_scrolled_away_is_not_pulled_back(open_page, site):
    page = open_page(viewport={"width": 900, "height": 700})
    ready(page)
    chapters = site["manifest"]["chapters"]
    seek(page, chapters[6]["start_ms"] / 1000 + 0.5)
    page.wait_for_timeout(800)  # smooth scrolling
    assert page.locator(".text [aria-current='true']").is_visible()
    assert page.evaluate("window.scrollY") > 0
    page.mouse.move(450, 600)
    for _ in range(40):  # the reader scrolls back to the top with the mouse wheel
        page.mouse.wheel(0, -2000)
        page.wait_for_timeout(100)
        if page.evaluate("window.scrollY") == 0:
            break
    assert page.evaluate("window.scrollY") == 0
    page.wait_for_timeout(300)
    seek(page, chapters[8]["start_ms"] / 1000 + 0.5)
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") == 0
    assert page.locator("#follow").is_visible()
    page.click("#follow")
    page.wait_for_timeout(800)
    assert page.evaluate("window.scrollY") > 0


def test_reduced_motion_does_not_scroll(open_page, site):
    page = open_page(reduced_motion="reduce")
    ready(page)
    seek(page, site["manifest"]["chapters"][9]["start_ms"] / 1000 + 0.5)
    page.wait_for_timeout(500)
    assert len(current_sentences(page)) == 1
    assert page.evaluate("window.scrollY") == 0


def test_embed_shows_the_sentence_being_read(open_page, site):
    page = open_page(
        f"{site['manifest']['slug']}.embed.html", viewport={"width": 480, "height": 360}
    )
    ready(page)
    seek(page, site["manifest"]["chapters"][1]["start_ms"] / 1000 + 0.5)
    now = page.text_content("#now-text")
    assert words(now)[:3] == words(site["manifest"]["chapters"][1]["title"])[:3]
    assert page.get_attribute("h1 a", "href") == f"{site['manifest']['slug']}.html"


def test_index_lists_newest_first_with_player_links(open_page, site):
    page = open_page("index.html")
    titles = page.eval_on_selector_all(".episodes h3", "hs => hs.map(h => h.textContent)")
    assert titles[0] == "Small Talk" and len(titles) == 2
    hrefs = page.eval_on_selector_all(".episodes h3 a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs[1] == f"{site['manifest']['slug']}.html"
    assert page.evaluate("document.querySelector('img.art').naturalWidth") == 1400


def test_screenshot_of_the_seed_with_a_highlighted_sentence(open_page, site, tmp_path):
    page = open_page(viewport={"width": 1000, "height": 760})
    ready(page)
    chapters = site["manifest"]["chapters"]
    # a body sentence a few seconds into the table chapter
    seek(page, chapters[4]["start_ms"] / 1000 + 12)
    page.wait_for_timeout(1000)
    assert page.locator(".text [aria-current='true']").is_visible()
    target = Path(os.environ.get("READALOUD_SCREENSHOT") or tmp_path / "player.png")
    page.screenshot(path=str(target))
    assert target.stat().st_size > 20_000


@pytest.mark.parametrize("which", ["page", "index"])
def test_reflows_at_320_css_pixels(open_page, site, which):
    """400 % zoom of a 1280 px window: no horizontal scrolling of the page (WCAG 1.4.10)."""
    name = f"{site['manifest']['slug']}.html" if which == "page" else "index.html"
    page = open_page(name, viewport={"width": 320, "height": 256})
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('table') && e.getBoundingClientRect().right > 321)
            .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"""
    )
    assert overflow == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 330


def test_speed_control_sets_and_remembers_the_rate(open_page, site):
    page = open_page()
    ready(page)
    options = page.eval_on_selector_all("#speed option", "os => os.map(o => parseFloat(o.value))")
    assert min(options) == 0.75 and max(options) == 3
    page.select_option("#speed", "2")
    assert page.evaluate("document.getElementById('audio').playbackRate") == 2
    page.reload()
    ready(page)
    assert page.evaluate("document.getElementById('audio').playbackRate") == 2
    page.select_option("#speed", "1")
