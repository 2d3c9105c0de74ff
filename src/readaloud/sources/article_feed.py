"""Read an RSS or Atom feed of articles (`convert --from-feed`): one entry per article."""

from __future__ import annotations

import dataclasses
import html
import logging
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from lxml import etree

from ..errors import InputError
from .fetch import FetchPolicy, fetch_url

logger = logging.getLogger(__name__)

# Feeds are small; a larger body is almost certainly not a feed.
MAX_FEED_BYTES = 20_000_000


@dataclass(frozen=True)
class FeedEntry:
    """One article listed in a feed."""

    link: str
    """An absolute URL as the feed gives it (relative links resolved against the feed);
    `read_article_feed` turns admitted file: URLs into paths."""
    title: str | None
    published: str | None
    """ISO 8601 when the feed's date could be read, else the feed's text as given."""
    content_html: str | None
    """The full content (content:encoded / Atom content) or the summary, when the feed has one."""


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _children(el: etree._Element, *names: str) -> list[etree._Element]:
    """Child elements by local name, in any namespace (feeds mix RSS 0.9x, 1.0 and 2.0 habits)."""
    return [c for c in el if isinstance(c.tag, str) and _local(c.tag) in names]


def _text(el: etree._Element, *names: str) -> str | None:
    for child in _children(el, *names):
        text = "".join(child.itertext()).strip()
        if text:
            return text
    return None


def _atom_title(entry: etree._Element) -> str | None:
    title = _text(entry, "title")
    kinds = {el.get("type", "text") for el in _children(entry, "title")}
    if title and kinds & {"html", "xhtml"}:
        # Atom lets titles carry markup; a spoken title wants the plain text.
        title = html.unescape(re.sub(r"<[^>]*>", "", title)).strip() or None
    return title


def _iso_date(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).isoformat()  # RSS: RFC 2822
    except (TypeError, ValueError):
        return text  # Atom dates are already ISO 8601 (RFC 3339)


def _atom_content(entry: etree._Element) -> str | None:
    for name in ("content", "summary"):
        for el in _children(entry, name):
            kind = el.get("type", "text")
            if kind == "xhtml":
                # The content is a <div> in the XHTML namespace: keep its markup as HTML.
                markup = "".join(
                    etree.tostring(c, encoding="unicode", with_tail=True) for c in el
                ).strip()
            elif kind == "text":
                markup = html.escape((el.text or "").strip(), quote=False)
            elif kind == "html" or kind.endswith(("html", "xml")):
                markup = (el.text or "").strip()
            else:
                continue  # out-of-line or binary content
            if markup:
                return markup
    return None


def _atom_link(entry: etree._Element) -> str | None:
    links = _children(entry, "link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return next((link.get("href") for link in links if link.get("href")), None)


def _resolve(link: str, base: str) -> str:
    return urljoin(base, link.strip())


def _admit(link: str, folder: Path | None, local_items: bool) -> str | None:
    """The source to convert for one entry's link, or None (with a warning saying why).

    Any feed may list http(s) articles. A file is read only from a local feed, when the user
    asked for it (`local_items`), and only inside the feed file's own folder: a feed written by
    someone else must not make readaloud read and publish other local files.
    """
    scheme = urlsplit(link).scheme.lower()
    if scheme in ("http", "https"):
        return link
    if scheme != "file":
        logger.warning("Skipping feed entry %s: only http(s) links are converted", link[:200])
        return None
    if folder is None:
        logger.warning(
            "Skipping feed entry %s: a feed fetched from the web may not point at local files",
            link[:200],
        )
        return None
    if not local_items:
        logger.warning(
            "Skipping feed entry %s: local files in a feed are converted only with "
            "--allow-local-items",
            link[:200],
        )
        return None
    path = Path(url2pathname(unquote(urlsplit(link).path))).resolve()
    if not path.is_relative_to(folder):
        logger.warning(
            "Skipping feed entry %s: it is outside the feed file's folder %s", link[:200], folder
        )
        return None
    return str(path)


def _entries(root: etree._Element, base: str) -> list[FeedEntry]:
    kind = _local(root.tag).lower()
    found: list[FeedEntry] = []
    if kind == "feed":  # Atom
        for entry in _children(root, "entry"):
            link = _atom_link(entry)
            entry_base = entry.base or base  # honours xml:base
            found.append(
                FeedEntry(
                    link=_resolve(link, entry_base) if link else "",
                    title=_atom_title(entry),
                    published=_iso_date(_text(entry, "published", "updated")),
                    content_html=_atom_content(entry),
                )
            )
    elif kind in ("rss", "rdf"):  # RSS 2.0 / 0.9x (items in channel) and RSS 1.0 (items at root)
        channels = _children(root, "channel")
        items = [i for c in channels for i in _children(c, "item")] + _children(root, "item")
        for item in items:
            link = _text(item, "link")
            if not link:
                guid = next(iter(_children(item, "guid")), None)
                if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
                    link = guid.text
            found.append(
                FeedEntry(
                    link=_resolve(link, base) if link else "",
                    title=_text(item, "title"),
                    published=_iso_date(_text(item, "pubDate", "date", "published")),
                    content_html=_text(item, "encoded") or _text(item, "description"),
                )
            )
    else:
        raise InputError(
            f"The feed's root element is <{_local(root.tag)}>, not <rss> or <feed>. "
            "Pass an RSS or Atom feed."
        )
    return found


def _load(source: str, policy: FetchPolicy | None) -> tuple[bytes, str, Path | None]:
    """The feed's bytes, the base URL for its relative links and, for a file, its folder."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        result = fetch_url(source, max_bytes=MAX_FEED_BYTES, policy=policy)
        return result.data, result.url, None
    path = Path(url2pathname(unquote(urlsplit(source).path))) if scheme == "file" else Path(source)
    try:
        return path.read_bytes(), path.resolve().as_uri(), path.resolve().parent
    except OSError as exc:
        raise InputError(
            f"Cannot read feed {source}: {exc.strerror or exc}. Check the path."
        ) from exc


def read_article_feed(
    source: str, *, local_items: bool = False, policy: FetchPolicy | None = None
) -> list[FeedEntry]:
    """The entries of the RSS 2.0 / RSS 1.0 / Atom feed at `source` (URL, file:// URL or path).

    Links are resolved against the feed's URL (or its file's folder); entries without a link,
    or with a link that may not be followed (see `_admit`), are skipped with a warning, and
    repeated links are listed once, in feed order. Admitted local files become paths.
    Raises InputError (one line) when the feed cannot be read, is not XML, or lists no articles.
    """
    data, base, folder = _load(source, policy)
    # No entity expansion and no network: a feed is untrusted input.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser, base_url=base)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{source} is not a valid RSS or Atom feed: {exc}.") from exc
    if root is None:
        raise InputError(f"{source} is empty. Pass an RSS or Atom feed.")
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for entry in _entries(root, base):
        if not entry.link:
            logger.warning("Skipping feed entry %r: it has no link", entry.title or "untitled")
            continue
        link = _admit(entry.link, folder, local_items)
        if link is None or link in seen:
            continue
        seen.add(link)
        entries.append(dataclasses.replace(entry, link=link))
    if not entries:
        raise InputError(f"{source} lists no articles with links. Check the feed.")
    return entries
