"""The podcast feed: RSS 2.0 with Apple (itunes) and Podcasting 2.0 tags, from the manifests.

Output is deterministic: the same manifests and files give a byte-identical feed (no clock, no
mtimes; lastBuildDate is the newest episode's date).
"""

from __future__ import annotations

import html
import logging
import re
import uuid
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from ..._version import __version__
from ...fsutil import write_text_atomic
from ...timefmt import short_clock
from .categories import parse_category
from .config import (
    FeedSettings,
    file_url,
    resolve_settings,
    truncate_bytes,
)
from .episodes import Episode, load_episodes

logger = logging.getLogger(__name__)

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "content": CONTENT, "atom": ATOM}

# Podcasting 2.0: podcast:guid is a UUIDv5 of the feed URL (scheme and trailing slashes removed).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

# Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/FFFF): lxml refuses them,
# and a stray one in an article title must not break the whole feed.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# How many chapter titles make up a description when the article has none.
DESCRIPTION_CHAPTERS = 8


def _sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str):
    """Append a child; attributes keep the order given, so output is stable."""
    el = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        el.set(key, NOT_XML.sub("", value))
    if text is not None:
        el.text = NOT_XML.sub("", text)
    return el


def _rfc2822(episode: Episode) -> str:
    moment = episode.published
    utc = moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    return format_datetime(moment, usegmt=utc)


def _description(episode: Episode) -> str:
    if episode.description:
        return truncate_bytes(episode.description)
    titles = [t for t in episode.chapter_titles if t][:DESCRIPTION_CHAPTERS]
    if titles:
        more = "…" if len([t for t in episode.chapter_titles if t]) > len(titles) else ""
        return truncate_bytes(f"{episode.title}. Chapters: {'; '.join(titles)}{more}")
    return episode.title


def _content_html(episode: Episode) -> str:
    """Show notes as HTML: description, source link and a chapter list with start times."""
    parts = []
    if episode.description:
        parts.append(f"<p>{html.escape(episode.description)}</p>")
    if episode.url:
        label = html.escape(episode.site_name or episode.url)
        parts.append(f'<p>Read the article: <a href="{html.escape(episode.url)}">{label}</a></p>')
    chapters = [
        f"<li>{short_clock(start)} {html.escape(title)}</li>"
        for title, start in zip(episode.chapter_titles, episode.chapter_starts_ms, strict=True)
        if title
    ]
    if chapters:
        parts.append("<ol>" + "".join(chapters) + "</ol>")
    return "".join(parts) or f"<p>{html.escape(episode.title)}</p>"


def _itunes(name: str) -> str:
    return f"{{{ITUNES}}}{name}"


def _podcast(name: str) -> str:
    return f"{{{PODCAST}}}{name}"


def _channel(rss: etree._Element, s: FeedSettings, episodes: list[Episode], self_url: str):
    channel = _sub(rss, "channel")
    _sub(channel, "title", s.title)
    _sub(channel, "link", s.link)
    _sub(channel, f"{{{ATOM}}}link", href=self_url, rel="self", type="application/rss+xml")
    _sub(channel, "description", s.description)
    _sub(channel, "language", s.language)
    if s.copyright:
        _sub(channel, "copyright", s.copyright)
    _sub(channel, "generator", f"readaloud {__version__}")
    if episodes:
        _sub(channel, "lastBuildDate", _rfc2822(episodes[0]))
    image = _sub(channel, "image")
    _sub(image, "url", s.image)
    _sub(image, "title", s.title)
    _sub(image, "link", s.link)
    if s.author:
        _sub(channel, _itunes("author"), s.author)
    if s.owner_name or s.owner_email:
        owner = _sub(channel, _itunes("owner"))
        if s.owner_name:
            _sub(owner, _itunes("name"), s.owner_name)
        if s.owner_email:
            _sub(owner, _itunes("email"), s.owner_email)
    _sub(channel, _itunes("image"), href=s.image)
    main, sub = parse_category(s.category)
    category = _sub(channel, _itunes("category"), text=main)
    if sub:
        _sub(category, _itunes("category"), text=sub)
    _sub(channel, _itunes("explicit"), "true" if s.explicit else "false")
    _sub(channel, _itunes("type"), "episodic")
    feed_id = self_url.split("://", 1)[-1].rstrip("/")
    _sub(channel, _podcast("guid"), str(uuid.uuid5(PODCAST_GUID_NAMESPACE, feed_id)))
    owner = {"owner": s.owner_email} if s.owner_email else {}
    _sub(channel, _podcast("locked"), "yes" if s.locked else "no", **owner)
    return channel


def _item(channel: etree._Element, e: Episode, s: FeedSettings) -> None:
    base = s.base_url
    item = _sub(channel, "item")
    _sub(item, "title", e.title)
    if e.url:
        _sub(item, "link", e.url)
    _sub(item, "description", _description(e))
    _sub(item, f"{{{CONTENT}}}encoded", _content_html(e))
    _sub(
        item,
        "enclosure",
        url=file_url(base, e.audio_name),
        length=str(e.audio_bytes),
        type=e.audio_type,
    )
    _sub(item, "guid", e.guid, isPermaLink="false")
    _sub(item, "pubDate", _rfc2822(e))
    _sub(item, _itunes("title"), e.title)
    if e.author or s.author:
        _sub(item, _itunes("author"), e.author or s.author)
    # Half a second rounds up (Python's round() would round half to even).
    _sub(item, _itunes("duration"), str((e.duration_ms + 500) // 1000))
    _sub(item, _itunes("episodeType"), "full")
    if e.image:
        href = e.image if urlsplit(e.image).scheme else file_url(base, e.image)
        _sub(item, _itunes("image"), href=href)
    if e.chapters:
        _sub(item, _podcast("chapters"), url=file_url(base, e.chapters.name), type=e.chapters.type)
    lang = {"language": e.language.lower()} if e.language else {}
    for sidecar, rel in ((e.vtt, {"rel": "captions"}), (e.srt, {}), (e.transcript, {})):
        if sidecar:
            url = file_url(base, sidecar.name)
            _sub(item, _podcast("transcript"), url=url, type=sidecar.type, **lang, **rel)


def _load(folder: Path, settings: FeedSettings) -> tuple[FeedSettings, list[Episode]]:
    episodes = load_episodes(folder)
    if not episodes:
        logger.warning("No episodes in %s; the feed has no items", folder)
    return resolve_settings(folder, settings, episodes), episodes


def build_feed(
    folder: Path,
    settings: FeedSettings,
    *,
    feed_name: str = "feed.xml",
    loaded: tuple[FeedSettings, list[Episode]] | None = None,
) -> str:
    """The RSS feed (XML text) for the episodes in `folder`, newest first.

    Episodes whose audio file is missing are skipped with a warning; `feed_name` is the file
    name the feed will be published under (for atom:link rel="self"). `loaded` passes settings
    and episodes already read.
    """
    folder = Path(folder)
    s, episodes = loaded or _load(folder, settings)
    rss = etree.Element("rss", nsmap=NSMAP)
    rss.set("version", "2.0")
    channel = _channel(rss, s, episodes, file_url(s.base_url, feed_name))
    for episode in episodes:
        _item(channel, episode, s)
    etree.indent(rss, space="  ")
    body = etree.tostring(rss, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def write_feed(
    folder: Path, settings: FeedSettings, out: Path | None = None, *, index: bool = True
) -> Path:
    """Build the feed and write it atomically to `out` (default DIR/feed.xml); return the path.

    With `index`, DIR/index.html (the podcast's web page) is written too.
    """
    folder = Path(folder)
    target = Path(out) if out is not None else folder / "feed.xml"
    loaded = _load(folder, settings)
    write_text_atomic(target, build_feed(folder, settings, feed_name=target.name, loaded=loaded))
    logger.info("Wrote %s", target)
    if index:
        from ...web.site import write_index

        s, episodes = loaded
        write_index(folder, s, episodes, file_url(s.base_url, target.name))
    return target
