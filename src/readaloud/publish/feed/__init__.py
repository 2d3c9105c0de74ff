"""The podcast feed of an output folder: build and write RSS 2.0 (`write`), read the episodes'
manifests (`episodes`), channel settings (`config`), categories, and the checker (`check`)."""

from .check import check_feed, require_good_feed
from .config import CONFIG_NAME, FeedSettings, load_feed_config
from .write import NOT_XML, build_feed, write_feed

__all__ = [
    "CONFIG_NAME",
    "NOT_XML",
    "FeedSettings",
    "build_feed",
    "check_feed",
    "require_good_feed",
    "load_feed_config",
    "write_feed",
]
