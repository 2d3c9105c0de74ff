"""Every shared HTML/Markdown example as an EPUB and a DAISY book: EPUBCheck finds nothing and the
DAISY 2.02 checks pass. The timing is laid out as assembly does (1 s of speech per sentence) over
a real MP3 of silence: what is checked is the markup, the overlays and the package, not speech
(the end-to-end tests in test_books.py use real Piper audio)."""

from __future__ import annotations

from pathlib import Path

import pytest
from book_tools import epubcheck, fake_timeline, silent_mp3
from conftest import ROOT, SEED

from readaloud.api import ScriptOptions, load_source
from readaloud.books import BookMeta
from readaloud.books.daisy import write_daisy
from readaloud.books.daisy_check import check_daisy
from readaloud.books.epub import write_epub
from readaloud.markup import build_sync

EXAMPLES = ROOT.parent / "shared" / "examples"
SOURCES = (
    [SEED]
    + sorted((EXAMPLES / "html").glob("*.html"))
    + sorted((EXAMPLES / "markdown").glob("*.md"))
)


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_example_books_validate(source: Path, tmp_path):
    if not source.is_file():
        pytest.skip("../shared/examples is not beside this checkout")
    loaded = load_source(str(source), ScriptOptions())
    timeline = fake_timeline(loaded.script)
    sync = build_sync(loaded.script, timeline, loaded.article)
    audio = silent_mp3(tmp_path / "episode.mp3", timeline.duration_ms)
    meta = BookMeta(
        identifier=f"urn:readaloud:test:{source.stem}",
        title=sync.title or source.stem,
        language=sync.language,
        author=sync.author,
        narrator="piper test",
    )
    write_daisy(sync, audio, tmp_path / "book.daisy", meta)
    assert check_daisy(tmp_path / "book.daisy") == []
    epub = write_epub(sync, audio, tmp_path / "book.epub", meta)
    counts, lines, _ = epubcheck(epub, tmp_path)
    assert not counts, "\n".join(lines)
