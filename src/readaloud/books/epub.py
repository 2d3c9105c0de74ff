"""EPUB 3.3 with Media Overlays: the article's text, one content document and one SMIL 3 overlay
per chapter, and the episode audio, so a reading system highlights each sentence as it is read.

Layout of the container (`mimetype` first and stored, as OCF requires):

    META-INF/container.xml
    EPUB/package.opf   EPUB/nav.xhtml   EPUB/css/book.css
    EPUB/text/part01.xhtml ...   EPUB/smil/part01.smil ...   EPUB/audio/episode.mp3
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..markup import Part, SyncMap, render, to_xhtml
from ..timefmt import smil_clock
from .common import BOOK_CSS, BookMeta, attrs, modified_time, text
from .epub_package import nav_document, package_document

MIME_TYPE = "application/epub+zip"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
SMIL_NS = "http://www.w3.org/ns/SMIL"
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4b": "audio/mp4", ".m4a": "audio/mp4"}
# Zip entries get one fixed time so the same book is the same bytes (the OPF holds the date).
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""


@dataclass
class Overlay:
    """One chapter's media overlay: its file names and total clip time."""

    part: Part
    name: str
    """`part01`: the base name of its .xhtml and .smil."""
    duration_ms: int | None
    """Sum of its clips; None when no sentence of the part has audio (then it has no overlay)."""
    smil: str


def write_epub(
    sync: SyncMap, audio: Path, out: Path, meta: BookMeta, suffix: str | None = None
) -> Path:
    """Write the EPUB for `sync` with `audio` (the episode file) into `out` (a new file).

    `suffix` gives the audio format when `audio` is a temp file (".mp3", ".m4b").
    """
    suffix = (suffix or Path(audio).suffix).lower()
    if suffix not in AUDIO_TYPES:
        raise ValueError(f"no EPUB core media type for {suffix} audio")
    audio_name = f"audio/episode{suffix}"
    parts = render(sync)
    overlays = [_overlay(part, sync, audio_name) for part in parts]
    files: dict[str, str] = {
        "EPUB/nav.xhtml": nav_document(parts, meta, _part_name),
        "EPUB/css/book.css": BOOK_CSS,
    }
    for overlay in overlays:
        files[f"EPUB/text/{overlay.name}.xhtml"] = _content_document(overlay.part, meta)
        if overlay.duration_ms is not None:
            files[f"EPUB/smil/{overlay.name}.smil"] = overlay.smil
    files["EPUB/package.opf"] = package_document(
        meta,
        sync,
        [(o.name, o.duration_ms) for o in overlays],
        audio_name,
        AUDIO_TYPES[suffix],
        modified_time(),
    )
    with zipfile.ZipFile(out, "w") as book:
        _add(book, "mimetype", MIME_TYPE, zipfile.ZIP_STORED)
        _add(book, "META-INF/container.xml", CONTAINER)
        for name, content in files.items():
            _add(book, name, content)
        info = zipfile.ZipInfo(f"EPUB/{audio_name}", _ZIP_TIME)
        info.compress_type = zipfile.ZIP_STORED  # MP3 does not compress
        with open(audio, "rb") as src, book.open(info, "w") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
    return out


def _add(book: zipfile.ZipFile, name: str, content: str, method=zipfile.ZIP_DEFLATED) -> None:
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = method
    book.writestr(info, content.encode("utf-8"))


def _part_name(part: Part) -> str:
    return f"part{part.chapter + 1:02d}"


def _content_document(part: Part, meta: BookMeta) -> str:
    lang = attrs(xml__lang=meta.language, lang=meta.language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}"{lang}>\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{text(part.title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="../css/book.css"/>\n</head>\n'
        f"<body>\n{to_xhtml(part.body)}\n</body>\n</html>\n"
    )


def _overlay(part: Part, sync: SyncMap, audio_name: str) -> Overlay:
    """SMIL 3: a `par` per timed sentence in reading order; tables and sidebars as `seq`s
    with their `epub:type`, so a reading system can skip or escape them."""
    name = _part_name(part)
    doc = f"../text/{name}.xhtml"
    by_id = sync.by_id()
    structure_of = {sid: s for s in part.structures for sid in s.sentences}
    lines: list[str] = []
    duration = 0
    open_structure = None
    for sid in part.sentences:
        sentence = by_id[sid]
        if not sentence.timed:
            continue
        structure = structure_of.get(sid)
        if structure is not open_structure:
            if open_structure is not None:
                lines.append("    </seq>")
            if structure is not None:
                ref = attrs(epub__type=structure.kind, epub__textref=f"{doc}#{structure.id}")
                lines.append(f'    <seq id="seq-{structure.id}"{ref}>')
            open_structure = structure
        indent = "      " if structure is not None else "    "
        clip = attrs(
            src=f"../{audio_name}",
            clipBegin=smil_clock(sentence.start_ms),
            clipEnd=smil_clock(sentence.end_ms),
        )
        lines.append(f'{indent}<par id="par-{sid}"><text src="{doc}#{sid}"/><audio{clip}/></par>')
        duration += sentence.end_ms - sentence.start_ms
    if open_structure is not None:
        lines.append("    </seq>")
    if not lines:
        return Overlay(part, name, None, "")
    body = "\n".join(lines)
    smil = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<smil xmlns="{SMIL_NS}" xmlns:epub="{EPUB_NS}" version="3.0">\n'
        f'  <body>\n  <seq id="seq-{name}" epub:textref="{doc}" epub:type="chapter">\n'
        f"{body}\n  </seq>\n  </body>\n</smil>\n"
    )
    return Overlay(part, name, duration, smil)
