"""Text editions' shared ground: the sync map (sentence ids, times, origins) and the markup.

`build_sync(script, timeline, article)` -> `SyncMap` (persisted as `<slug>.sync.json`);
`render(sync)` -> one `Part` per chapter, an element tree serializable as XHTML or HTML5.
"""

from .render import NavHeading, Part, RenderOptions, Structure, render
from .sync import Sentence, SyncChapter, SyncMap, build_sync, sentence_id
from .tree import Element, to_html, to_xhtml

__all__ = [
    "Element",
    "NavHeading",
    "Part",
    "RenderOptions",
    "Sentence",
    "Structure",
    "SyncChapter",
    "SyncMap",
    "build_sync",
    "render",
    "sentence_id",
    "to_html",
    "to_xhtml",
]
