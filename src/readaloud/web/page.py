"""The episode's player page (`<slug>.html`) and its embeddable compact player (`<slug>.embed.html`).

Each page is one self-contained file: inline CSS and JS, no request outside its folder, so it works
from `file://` and on any static host. The article markup (every spoken sentence carrying `id`,
`data-start` and `data-end`) comes from the books renderer; this module wraps it in the player.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote

from ..audio.timeline import ChapterMark
from ..publish.manifest import FileEntry, Manifest
from ..timefmt import short_clock

HTML_TYPE = "text/html"

SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2", "2.5", "3")

# How each published file is offered to the reader, in this order.
DOWNLOADS = (
    ("audio", "Audio ({kind})"),
    ("epub", "EPUB 3 book with synchronized text and audio"),
    ("daisy", "DAISY 2.02 talking book"),
    ("daisy_zip", "DAISY 2.02 talking book (zip)"),
    ("vtt", "Transcript (WebVTT)"),
    ("srt", "Transcript (SRT subtitles)"),
    ("transcript", "Transcript (Podcasting 2.0 JSON)"),
    ("chapters", "Chapters (Podcasting 2.0 JSON)"),
    ("ssml", "Speech script (SSML)"),
)
AUDIO_KINDS = {"audio/mpeg": "MP3", "audio/mp4": "M4B audiobook", "audio/x-m4a": "M4B audiobook"}


@dataclass
class PlayerPage:
    """What the player pages show about one episode."""

    slug: str
    title: str
    audio_name: str
    audio_type: str
    duration_ms: int
    article_html: str
    """The article as HTML, every spoken sentence an element with data-start/data-end."""
    header_html: str = ""
    """The article's title and byline (marked sentences too); empty = a plain title is shown."""
    language: str = "en"
    chapters: list[ChapterMark] = field(default_factory=list)
    author: str | None = None
    date: str | None = None
    site_name: str | None = None
    url: str | None = None
    """The original article's address, linked as the source."""
    files: dict[str, FileEntry] = field(default_factory=dict)
    """Published files to link to (key -> entry), e.g. "audio", "vtt", "epub"."""


def page_names(slug: str) -> dict[str, str]:
    """Manifest key -> file name of the player page and its embed."""
    return {"html": f"{slug}.html", "embed": f"{slug}.embed.html"}


def player_documents(manifest: Manifest, sync) -> dict[str, str]:
    """Manifest key -> HTML text of the player page and its embed.

    `manifest` describes the episode (title, chapters, the files published so far, to link to);
    `sync` is its sync map, rendered with every sentence's times by the shared markup renderer.
    """
    from ..markup import RenderOptions, render, to_html

    parts = render(sync, RenderOptions(timing=True))
    for part in parts:
        _scrollable_tables(part.body)
    header = ""
    first = parts[0].body.children if parts else []
    if first and getattr(first[0], "tag", None) == "header":
        # The title and byline head the page, above the player; the rest is the article.
        node = first.pop(0)
        node.add_class("episode")
        node.add_class("text")
        header = to_html(node)
    audio = manifest.files["audio"]
    page = PlayerPage(
        slug=manifest.slug,
        title=manifest.title,
        audio_name=audio.name,
        audio_type=audio.type,
        duration_ms=manifest.duration_ms,
        article_html="\n".join(to_html(part.body) for part in parts if part.body.children),
        header_html=header,
        language=manifest.language or sync.language or "en",
        chapters=list(manifest.chapters),
        author=manifest.author,
        date=manifest.date,
        site_name=manifest.site_name,
        url=manifest.url,
        files=dict(manifest.files),
    )
    return {"html": episode_page(page), "embed": embed_page(page)}


def _scrollable_tables(root) -> None:
    """Put each table in a focusable scroll box: at 400 % zoom the page itself never scrolls
    sideways (WCAG 1.4.10), only a wide table does, and a keyboard can scroll it."""
    from ..markup import Element

    for node in list(root.iter()):
        for index, child in enumerate(node.children):
            if isinstance(child, Element) and child.tag == "table":
                caption = next(
                    (c for c in child.children if getattr(c, "tag", "") == "caption"), None
                )
                label = f"Table: {caption.text().strip()}" if caption is not None else "Table"
                attrs = {
                    "class": "table-scroll",
                    "role": "region",
                    "tabindex": "0",
                    "aria-label": label,
                }
                node.children[index] = Element("div", attrs, [child])


@functools.cache
def asset(name: str) -> str:
    """The text of a file in `web/assets` (CSS and JS inlined into every page)."""
    return (
        resources.files(__package__).joinpath("assets").joinpath(name).read_text(encoding="utf-8")
    )


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def seconds(ms: int) -> str:
    """Milliseconds as the seconds value of data-start/data-end and #t= fragments."""
    return f"{ms / 1000:.3f}"


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def _head(page: PlayerPage, title: str, *, embed: bool) -> str:
    robots = '<meta name="robots" content="noindex">\n' if embed else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(page.language or "en")}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta name="generator" content="readaloud">\n{robots}'
        # No favicon request: on a static host /favicon.ico lies outside the episode's folder.
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)}</title>\n<style>\n{asset('player.css')}</style>\n</head>\n"
    )


def _controls(page: PlayerPage) -> str:
    """Native audio (works without JS) plus the real-button controls the script reveals."""
    src = quote(page.audio_name)
    speeds = "".join(
        f'<option value="{s}"{" selected" if s == "1" else ""}>{s}×</option>' for s in SPEEDS
    )
    end = short_clock(page.duration_ms)
    return f"""<audio id="audio" controls preload="metadata" src="{src}" data-duration="{seconds(page.duration_ms)}">
<a href="{src}">Download the audio</a></audio>
<div id="controls" class="controls" role="group" aria-label="Player controls" hidden>
<div class="buttons">
<button type="button" id="play" class="primary" aria-keyshortcuts="Space">Play</button>
<button type="button" id="back" aria-keyshortcuts="ArrowLeft">Back 15 s</button>
<button type="button" id="forward" aria-keyshortcuts="ArrowRight">Forward 15 s</button>
<button type="button" id="previous" aria-keyshortcuts="[">Previous chapter</button>
<button type="button" id="next" aria-keyshortcuts="]">Next chapter</button>
</div>
<div class="position">
<span class="group"><label for="speed">Speed</label> <select id="speed">{speeds}</select></span>
<span class="group slider"><label for="seek">Position</label>
<input type="range" id="seek" min="0" max="{(page.duration_ms + 999) // 1000}" step="1" value="0" aria-valuetext="0 seconds"></span>
<span id="clock">0:00 / {end}</span>
</div>
</div>
<p id="problem" class="now" role="alert" hidden></p>"""


KEYS = '<p id="keys" class="keys" hidden>Keyboard: <kbd>Space</kbd> play or pause, <kbd>←</kbd> <kbd>→</kbd> back or forward 15 seconds, <kbd>[</kbd> <kbd>]</kbd> previous or next chapter.</p>'


def _chapters_nav(page: PlayerPage, *, heading: bool = True) -> str:
    if not page.chapters:
        return ""
    src = quote(page.audio_name)
    items = "".join(
        f'<li><a href="{src}#t={seconds(c.start_ms)}" data-start="{seconds(c.start_ms)}">'
        f'{esc(c.title)}</a> <span class="time">{short_clock(c.start_ms)}</span></li>\n'
        for c in page.chapters
    )
    title = "<h2>Chapters</h2>\n" if heading else ""
    return f'<nav class="chapters" aria-label="Chapters">\n{title}<ol>\n{items}</ol>\n</nav>\n'


def _now(page: PlayerPage) -> str:
    """The live region naming the chapter being heard (updated only when the chapter changes)."""
    first = page.chapters[0].title if page.chapters else page.title
    count = len(page.chapters) or 1
    return f'<p id="now" class="now" aria-live="polite">Chapter 1 of {count}: {esc(first)}</p>'


def _downloads(page: PlayerPage) -> str:
    rows = []
    for key, label in DOWNLOADS:
        entry = page.files.get(key)
        if entry is None:
            continue
        kind = AUDIO_KINDS.get(entry.type, entry.type)
        text = label.format(kind=kind)
        size = human_size(entry.bytes) if entry.bytes else ""
        suffix = f" <span>({size})</span>" if size else ""
        rows.append(f'<li><a href="{quote(entry.name)}">{esc(text)}</a>{suffix}</li>')
    if page.url:
        label = page.site_name or "the original article"
        rows.append(f'<li><a href="{esc(page.url)}">Read it on {esc(label)}</a></li>')
    if not rows:
        return ""
    return (
        '<section class="files" aria-labelledby="files-title">\n'
        '<h2 id="files-title">Download and read</h2>\n<ul>\n'
        + "\n".join(rows)
        + "\n</ul>\n</section>\n"
    )


def _byline(page: PlayerPage) -> str:
    parts = []
    if page.author:
        parts.append(f"By {esc(page.author)}")
    if page.date:
        parts.append(f'<time datetime="{esc(page.date)}">{esc(page.date[:10])}</time>')
    if page.site_name:
        parts.append(esc(page.site_name))
    return f"<p>{' · '.join(parts)}</p>\n" if parts else ""


def episode_page(page: PlayerPage) -> str:
    """The full player page: article text with sentence highlighting, controls, chapters, links."""
    return (
        _head(page, f"{page.title} (listen)", embed=False)
        + '<body>\n<a class="skip" href="#text">Skip to the text</a>\n<div class="wrap">\n'
        + (
            page.header_html
            or f'<header class="episode">\n<h1>{esc(page.title)}</h1>\n{_byline(page)}</header>\n'
        )
        + '<main>\n<section class="player sticky" aria-label="Audio player">\n'
        + _controls(page)
        + f'\n{_now(page)}\n<button type="button" id="follow" class="follow" hidden>'
        "Show the sentence being read</button>\n</section>\n"
        + KEYS
        + _chapters_nav(page)
        + _downloads(page)
        + '<article id="text" class="text" aria-label="Article text">\n'
        + page.article_html
        + "\n</article>\n</main>\n"
        + "<footer><p>Audio edition made with readaloud. Click a sentence to hear it.</p></footer>\n"
        + f"</div>\n<script>\n{asset('player.js')}</script>\n</body>\n</html>\n"
    )


def embed_page(page: PlayerPage) -> str:
    """The compact player for an <iframe>: controls, chapters and the text in a scroll box."""
    full = quote(f"{page.slug}.html")
    chapters = _chapters_nav(page, heading=False)
    if chapters:
        chapters = f"<details><summary>Chapters</summary>\n{chapters}</details>\n"
    return (
        _head(page, f"{page.title} (audio player)", embed=True)
        + '<body class="embed">\n<div class="wrap">\n<main>\n'
        + '<section class="player" aria-labelledby="embed-title">\n'
        + f'<h1 id="embed-title"><a href="{full}" target="_blank" rel="noopener">'
        f"{esc(page.title)}</a></h1>\n"
        + _controls(page)
        + f'\n{_now(page)}\n<p id="now-text" class="now-text"></p>\n{KEYS}</section>\n'
        + chapters
        + '<details><summary>Text</summary>\n<div id="transcript-box" class="transcript" '
        'tabindex="0" role="region" aria-label="Article text">\n'
        + f'<div id="text" class="text">\n{page.article_html}\n</div>\n</div>\n</details>\n'
        + f"</main>\n</div>\n<script>\n{asset('player.js')}</script>\n</body>\n</html>\n"
    )
