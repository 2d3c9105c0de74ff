"""Channel settings of the feed: flags > DIR/readaloud-feed.toml > defaults from the episodes."""

from __future__ import annotations

import dataclasses
import logging
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ...errors import ConfigError
from .artwork import artwork_problem, check_artwork, convert_artwork
from .episodes import Episode

logger = logging.getLogger(__name__)

CONFIG_NAME = "readaloud-feed.toml"

# Channel artwork picked up from the folder when neither a flag nor the config names one.
DEFAULT_IMAGE_NAMES = ("cover.jpg", "cover.jpeg", "cover.png", "artwork.jpg", "artwork.png")

# Apple's limit for the channel and item description.
MAX_DESCRIPTION_BYTES = 4000


@dataclass
class FeedSettings:
    """Channel settings; None means "not given here" (the config file or a default fills it).

    `base_url` must be known after merging with the config file: episode URLs are
    base_url + the URL-quoted file name.
    """

    base_url: str | None = None
    title: str | None = None
    author: str | None = None
    description: str | None = None
    image: str | None = (
        None  # an absolute URL, or a file name in DIR (published as base_url + name)
    )
    language: str | None = None  # e.g. "en-us"; BCP 47 tags are lower-cased
    category: str | None = None  # Apple category; "News/Tech News" nests a subcategory
    explicit: bool | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    link: str | None = None  # the show's web site; defaults to base_url
    copyright: str | None = None
    locked: bool | None = None  # podcast:locked; "no" unless True (which needs owner_email)
    fix_image: bool | None = None  # convert local artwork that breaks Apple's rules


FIELDS = {f.name: f for f in dataclasses.fields(FeedSettings)}
BOOL_KEYS = {"explicit", "locked", "fix_image"}
FLAGS = {name: "--" + name.replace("_", "-") for name in FIELDS}


def load_feed_config(folder: Path) -> dict:
    """Channel defaults from DIR/readaloud-feed.toml ({} if absent); keys are FeedSettings names."""
    path = Path(folder) / CONFIG_NAME
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}). Fix the file or remove it.") from exc
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)}. Known keys: {', '.join(FIELDS)}."
        )
    for key, value in data.items():
        wanted = bool if key in BOOL_KEYS else str
        if not isinstance(value, wanted):
            raise ConfigError(
                f"{path}: {key} must be a {'boolean' if wanted is bool else 'string'}."
            )
    return data


def show_title(folder: Path) -> str | None:
    """The show's title from DIR/readaloud-feed.toml, if set (a broken file is the feed's error)."""
    try:
        return load_feed_config(folder).get("title")
    except ConfigError as exc:
        logger.warning("Show title not read: %s", exc)
        return None


def _most_common(values: list[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    # Ties broken by name so the choice does not depend on file order.
    return min(counts, key=lambda v: (-counts[v], v))


def _missing(name: str, folder: Path, hint: str, *more: str) -> ConfigError:
    names = (name, *more)
    return ConfigError(
        f"No podcast {' and '.join(n.replace('_', ' ') for n in names)}: pass "
        f"{' and '.join(FLAGS[n] for n in names)} or set {' and '.join(names)} in "
        f"{Path(folder) / CONFIG_NAME} ({hint})."
    )


def truncate_bytes(text: str, limit: int = MAX_DESCRIPTION_BYTES) -> str:
    """`text` cut to at most `limit` UTF-8 bytes on a character boundary, with an ellipsis."""
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[: limit - len("…".encode())].decode("utf-8", "ignore")
    return cut.rstrip() + "…"


def file_url(base_url: str, name: str) -> str:
    """The public URL of a file in DIR."""
    return base_url.rstrip("/") + "/" + quote(name)


def resolve_settings(folder: Path, settings: FeedSettings, episodes: list[Episode]) -> FeedSettings:
    """Merge flags, the config file and episode-derived defaults into complete settings.

    Raises ConfigError naming the flag and config key for a required value with no default.
    """
    folder = Path(folder)
    config = load_feed_config(folder)
    merged = {
        name: getattr(settings, name) if getattr(settings, name) is not None else config.get(name)
        for name in FIELDS
    }
    if not merged["base_url"]:
        raise _missing(
            "base_url", folder, "where the files will be served, e.g. https://example.org/pod/"
        )
    parts = urlsplit(merged["base_url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"Base URL {merged['base_url']!r} must be an http:// or https:// URL. "
            f"Fix {FLAGS['base_url']} or base_url in {folder / CONFIG_NAME}."
        )
    merged["base_url"] = merged["base_url"].rstrip("/") + "/"

    # The show is named by its publisher, never after one article's site or author.
    missing = [name for name in ("title", "author") if not merged[name]]
    if missing:
        raise _missing(missing[0], folder, "the show's own name and author", *missing[1:])
    merged["description"] = merged["description"] or f"Articles from {merged['title']}, read aloud."
    if len(merged["description"].encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        logger.warning("Channel description is over %d bytes; truncated", MAX_DESCRIPTION_BYTES)
        merged["description"] = truncate_bytes(merged["description"])
    language = merged["language"] or _most_common([e.language for e in episodes])
    if not language:
        raise _missing("language", folder, 'e.g. "en-us"')
    merged["language"] = language.strip().lower()
    if not merged["category"]:
        raise _missing("category", folder, 'an Apple Podcasts category, e.g. "News/Tech News"')

    merged["image"] = _artwork(folder, merged)
    merged["explicit"] = bool(merged["explicit"])
    merged["owner_name"] = merged["owner_name"] or merged["author"]
    merged["link"] = merged["link"] or merged["base_url"]
    merged["locked"] = bool(merged["locked"])
    if merged["locked"] and not merged["owner_email"]:
        raise ConfigError(
            "A locked feed (podcast:locked yes) needs the owner's e-mail: pass --owner-email "
            f"or set owner_email in {folder / CONFIG_NAME}."
        )
    merged["fix_image"] = bool(merged["fix_image"])
    return FeedSettings(**merged)


def _artwork(folder: Path, merged: dict) -> str:
    """The channel artwork URL; a file in DIR is checked (or converted with --fix-image).

    An artwork URL is published as given: building a feed never fetches anything.
    """
    image = merged["image"] or next(
        (n for n in DEFAULT_IMAGE_NAMES if (folder / n).is_file()), None
    )
    if not image:
        raise _missing(
            "image",
            folder,
            "square artwork 1400-3000 px: a URL or a file in the folder, or add cover.jpg",
        )
    if image.startswith(("http://", "https://")):
        return image
    path = folder / image
    if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
        raise ConfigError(f"Artwork {image} is not in {folder}. Copy it there or pass a URL.")
    if merged["fix_image"] and artwork_problem(path):
        path = convert_artwork(path)
    check_artwork(path)
    return file_url(merged["base_url"], path.name)
