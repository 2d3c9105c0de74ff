"""Talking books from an episode: EPUB 3 with Media Overlays and DAISY 2.02."""

from .common import BookMeta
from .editions import Editions, add_editions, stage_editions

__all__ = ["BookMeta", "Editions", "add_editions", "stage_editions"]
