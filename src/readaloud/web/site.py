"""The podcast's web page (`DIR/index.html`): show artwork and description, subscribe links and
every episode, newest first, with its player page. Deterministic like the feed (no clock)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..fsutil import write_text_atomic
from ..publish.feed.config import FeedSettings
from ..publish.feed.episodes import Episode
from ..timefmt import short_clock
from .page import asset, esc, human_size

logger = logging.getLogger(__name__)

INDEX_NAME = "index.html"
GENERATOR = '<meta name="generator" content="readaloud">'


def _local(url: str, settings: FeedSettings, folder: Path) -> str:
    """A URL under base_url that names a file in `folder` becomes a relative link (works offline)."""
    base = settings.base_url or ""
    if base and url.startswith(base):
        name = url[len(base) :]
        if name and "/" not in name and (folder / unquote(name)).is_file():
            return name
    return url


def _duration(ms: int) -> str:
    seconds = (ms + 500) // 1000
    hours, rest = divmod(seconds, 3600)
    iso = f"PT{hours}H{rest // 60}M{rest % 60}S" if hours else f"PT{rest // 60}M{rest % 60}S"
    return f'<time datetime="{iso}">{short_clock(seconds * 1000)}</time>'


def _episode(episode: Episode, folder: Path) -> str:
    page = f"{episode.slug}.html"
    has_page = (folder / page).is_file()
    target = quote(page) if has_page else quote(episode.audio_name)
    parts = [f'<li><article aria-labelledby="ep-{esc(episode.slug)}">']
    parts.append(
        f'<h3 id="ep-{esc(episode.slug)}"><a href="{target}">{esc(episode.title)}</a></h3>'
    )
    facts = []
    if episode.published is not None:
        day = episode.published.date().isoformat()
        facts.append(f'<time datetime="{day}">{day}</time>')
    facts.append(_duration(episode.duration_ms))
    if episode.author:
        facts.append(f"by {esc(episode.author)}")
    parts.append(f'<p class="meta">{" · ".join(facts)}</p>')
    if episode.description:
        parts.append(f"<p>{esc(episode.description)}</p>")
    links = []
    if has_page:
        links.append(f'<a href="{quote(page)}">Listen with the text</a>')
    kind = "MP3" if episode.audio_type == "audio/mpeg" else "audio"
    label = f"Download {kind} ({human_size(episode.audio_bytes)})"
    links.append(f'<a href="{quote(episode.audio_name)}">{label}</a>')
    if episode.vtt:
        links.append(f'<a href="{quote(episode.vtt.name)}">Transcript</a>')
    if episode.url:
        links.append(f'<a href="{esc(episode.url)}">Original article</a>')
    # The link texts name their episode for screen-reader link lists (WCAG 2.4.4 in context).
    parts.append(
        f'<ul class="links" aria-label="{esc(episode.title)}: links">'
        + "".join(f"<li>{link}</li>" for link in links)
        + "</ul>"
    )
    parts.append("</article></li>")
    return "\n".join(parts)


def build_index(
    folder: Path, settings: FeedSettings, episodes: list[Episode], feed_url: str
) -> str:
    """The podcast's page as HTML text; `settings` are the feed's resolved channel settings."""
    folder = Path(folder)
    title = settings.title or folder.name
    parts = urlsplit(feed_url)
    app_url = "podcast://" + parts.netloc + parts.path
    image = ""
    if settings.image:
        src = _local(settings.image, settings, folder)
        image = f'<img class="art" src="{esc(src)}" alt="{esc(title)} artwork" width="240" height="240">\n'
    feed_link = _local(feed_url, settings, folder)
    author = f"<p>By {esc(settings.author)}</p>\n" if settings.author else ""
    items = "\n".join(_episode(e, folder) for e in episodes) or "<li>No episodes yet.</li>"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(settings.language or "en")}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="color-scheme" content="light dark">\n{GENERATOR}\n'
        '<link rel="icon" href="data:,">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{esc(title)}" href="{esc(feed_link)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{asset('player.css')}</style>\n</head>\n"
        '<body>\n<div class="wrap">\n<header class="show">\n'
        f"{image}<h1>{esc(title)}</h1>\n{author}"
        f'<p class="description">{esc(settings.description or "")}</p>\n</header>\n<main>\n'
        '<section aria-labelledby="subscribe-title">\n<h2 id="subscribe-title">Subscribe</h2>\n'
        '<ul class="subscribe">\n'
        f'<li><a href="{esc(app_url)}">Open in your podcast app</a></li>\n'
        f'<li><a href="{esc(feed_link)}">RSS feed</a>: <code>{esc(feed_url)}</code></li>\n'
        "</ul>\n</section>\n"
        '<section aria-labelledby="episodes-title">\n<h2 id="episodes-title">Episodes</h2>\n'
        f'<ol class="episodes" reversed>\n{items}\n</ol>\n</section>\n</main>\n'
        "<footer><p>Made with readaloud.</p></footer>\n</div>\n</body>\n</html>\n"
    )


def write_index(folder: Path, settings: FeedSettings, episodes: list[Episode], feed_url: str):
    """Write DIR/index.html atomically; an index.html that readaloud did not write is kept."""
    target = Path(folder) / INDEX_NAME
    if target.is_file():
        head = target.read_bytes()[:4096].decode("utf-8", "replace")
        if GENERATOR not in head:
            logger.warning("%s was not written by readaloud; left as it is", target)
            return None
    write_text_atomic(target, build_index(folder, settings, episodes, feed_url))
    return target
