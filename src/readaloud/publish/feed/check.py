"""Check a podcast feed against Apple's required tags and the files in the episode folder."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ...errors import InputError
from .config import MAX_DESCRIPTION_BYTES
from .write import ATOM, ITUNES, PODCAST

NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}

# Apple: channel tags a feed must have; (xpath, what to call it in a problem).
REQUIRED_CHANNEL = (
    ("title", "title"),
    ("description", "description"),
    ("language", "language"),
    ("itunes:image/@href", "itunes:image href"),
    ("itunes:category/@text", "itunes:category text"),
    ("itunes:explicit", "itunes:explicit"),
)
# Apple: item tags every episode must have.
REQUIRED_ITEM = (
    ("title", "title"),
    ("enclosure/@url", "enclosure url"),
    ("enclosure/@length", "enclosure length"),
    ("enclosure/@type", "enclosure type"),
    ("guid", "guid"),
    ("pubDate", "pubDate"),
)
LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")


def _value(el: etree._Element, path: str) -> str | None:
    found = el.xpath(path, namespaces=NS)
    if not found:
        return None
    first = found[0]
    text = first if isinstance(first, str) else first.text
    return text.strip() if text and text.strip() else None


class _Files:
    """Maps published URLs back to files in the folder (base URL stripped)."""

    def __init__(self, folder: Path, base: str | None):
        self.folder = folder.resolve()
        self.base = base

    def path(self, url: str) -> Path | str:
        """The local file for `url`, or a problem text."""
        if self.base is None:
            rest = url.rstrip("/").rsplit("/", 1)[-1]
        elif url.startswith(self.base):
            rest = url[len(self.base) :]
        else:
            return f"{url} is not under the feed's base URL {self.base}"
        local = (self.folder / unquote(rest)).resolve()
        if not local.is_relative_to(self.folder):
            return f"{url} points outside {self.folder}"
        if not local.is_file():
            return f"{url}: file {local.name} does not exist in {self.folder}"
        return local


def _check_channel(channel: etree._Element, problems: list[str]) -> None:
    for path, name in REQUIRED_CHANNEL:
        if _value(channel, path) is None:
            problems.append(f"channel: missing {name}")
    description = _value(channel, "description") or ""
    if len(description.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        problems.append(f"channel: description is over {MAX_DESCRIPTION_BYTES} bytes")
    language = _value(channel, "language")
    if language and not LANGUAGE.fullmatch(language):
        problems.append(f"channel: language {language!r} is not an ISO 639 code like en-us")
    explicit = _value(channel, "itunes:explicit")
    if explicit and explicit not in ("true", "false"):
        problems.append(f"channel: itunes:explicit is {explicit!r}, not true/false")


def _check_item(item: etree._Element, label: str, files: _Files, problems: list[str]) -> None:
    for path, name in REQUIRED_ITEM:
        if _value(item, path) is None:
            problems.append(f"{label}: missing {name}")
    url, length = _value(item, "enclosure/@url"), _value(item, "enclosure/@length")
    if url:
        local = files.path(url)
        if isinstance(local, str):
            problems.append(f"{label}: enclosure {local}")
        elif length is not None and length != str(local.stat().st_size):
            size = local.stat().st_size
            problems.append(f"{label}: enclosure length {length} but {local.name} has {size} bytes")
    for tag in ("podcast:chapters", "podcast:transcript", "itunes:image"):
        attr = "href" if tag == "itunes:image" else "url"
        for link in item.xpath(f"{tag}/@{attr}", namespaces=NS):
            local = files.path(link)
            if isinstance(local, str):
                problems.append(f"{label}: {tag} {local}")
    pub = _value(item, "pubDate")
    if pub is not None:
        try:
            parsedate_to_datetime(pub)
        except (TypeError, ValueError):
            problems.append(f"{label}: pubDate {pub!r} is not an RFC 2822 date")
    duration = _value(item, "itunes:duration")
    if duration is not None and not duration.isdigit():
        problems.append(f"{label}: itunes:duration {duration!r} is not whole seconds")


def check_feed(feed_path: Path, folder: Path) -> list[str]:
    """Problems with the feed at `feed_path` for the episodes in `folder`; empty means good.

    Checks that it parses, has every tag Apple requires on the channel and items, that enclosure
    lengths equal the files' sizes, that every enclosure, chapters, transcript and image URL maps
    (base URL stripped) to an existing file, that guids are unique, pubDates parse, durations
    are whole seconds and items are newest first.
    """
    try:
        root = etree.parse(str(feed_path), etree.XMLParser(resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        return [f"{feed_path} does not parse as XML: {exc}"]
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f'{feed_path}: root is <{root.tag}>, not <rss version="2.0">']
    channel = root.find("channel")
    if channel is None:
        return [f"{feed_path}: no <channel>"]
    problems: list[str] = []
    _check_channel(channel, problems)
    self_url = _value(channel, "atom:link[@rel='self']/@href")
    if self_url is None:
        problems.append(
            "channel: missing atom:link rel=self (base URL unknown; matched by file name)"
        )
    base = self_url.rsplit("/", 1)[0] + "/" if self_url else None
    files = _Files(Path(folder), base)
    channel_image = _value(channel, "itunes:image/@href")
    if channel_image and (base is None or channel_image.startswith(base)):
        local = files.path(channel_image)
        if isinstance(local, str):
            problems.append(f"channel: itunes:image {local}")

    guids: dict[str, int] = {}
    previous = None
    for number, item in enumerate(channel.findall("item"), 1):
        label = f"item {number} ({_value(item, 'title') or 'untitled'})"
        _check_item(item, label, files, problems)
        guid = _value(item, "guid")
        if guid is not None:
            if guid in guids:
                problems.append(f"{label}: guid {guid!r} repeats item {guids[guid]}")
            guids.setdefault(guid, number)
        try:
            moment = parsedate_to_datetime(_value(item, "pubDate") or "")
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            if previous is not None and moment > previous:
                problems.append(
                    f"{label}: newer than the item before it (items must be newest first)"
                )
            previous = moment
    return problems


def require_good_feed(feed_path: Path, folder: Path, report=print) -> None:
    """Report each problem of the feed (one line each) and raise InputError when there is any."""
    if not Path(feed_path).is_file():
        raise InputError(f"{feed_path} does not exist. Write it first: readaloud feed {folder}")
    problems = check_feed(feed_path, folder)
    for problem in problems:
        report(problem)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise InputError(f"{feed_path}: {count} found.")
