"""DAISY 2.02 talking book ("audioFullText"): ncc.html, one SMIL 1.0 file per heading section,
the text as content.html, and the episode audio.

Audio: the episode's own MP3 (constant bitrate, loudness-normalized) is copied once and every
SMIL file points into it with clip-begin/clip-end. DAISY 2.02 lets any number of SMIL files
share an audio file, so there is no second encode and no cut that could drift from the
timeline; a constant bitrate keeps byte-position seeking exact in hardware players.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..markup import NavHeading, Part, Sentence, SyncMap, render
from ..markup.tree import Element
from ..timefmt import hms
from .common import BookMeta, attrs, modified_time, text
from .xhtml1 import to_xhtml1

XHTML1_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
SMIL_DOCTYPE = (
    '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
)
CONTENT = "content.html"


@dataclass
class Section:
    """One NCC heading and the sentences read from it up to the next heading."""

    heading: NavHeading
    smil: str
    sentences: list[Sentence] = field(default_factory=list)
    start_ms: int = 0
    end_ms: int = 0


def npt(ms: int) -> str:
    return f"npt={ms // 1000}.{ms % 1000:03d}s"


def write_daisy(
    sync: SyncMap, audio: Path, folder: Path, meta: BookMeta, suffix: str | None = None
) -> Path:
    """Write the DAISY 2.02 book into `folder` (a new, empty folder); `suffix` as for EPUB."""
    folder.mkdir(parents=True, exist_ok=True)
    audio_name = f"episode{(suffix or Path(audio).suffix).lower()}"
    parts = render(sync)
    sections = _sections(parts, sync)
    files = ["ncc.html", CONTENT, *[s.smil for s in sections], audio_name]
    elapsed = 0
    for section in sections:
        smil = _smil(section, meta, audio_name, elapsed)
        (folder / section.smil).write_text(smil, encoding="utf-8")
        elapsed += section.end_ms - section.start_ms
    (folder / CONTENT).write_text(_content(parts, meta), encoding="utf-8")
    (folder / "ncc.html").write_text(
        _ncc(sections, meta, sync.duration_ms, len(files)), encoding="utf-8"
    )
    shutil.copyfile(audio, folder / audio_name)
    return folder


def _sections(parts: list[Part], sync: SyncMap) -> list[Section]:
    """A section per spoken heading, holding the timed sentences up to the next one. The first
    starts at 0 and the last ends with the audio, so the book plays the whole episode."""
    by_id = sync.by_id()
    order = [by_id[sid] for part in parts for sid in part.sentences]
    starts = {h.sentence: h for part in parts for h in part.headings if h.sentence}
    sections: list[Section] = []
    for sentence in order:
        if sentence.id in starts or not sections:
            heading = starts.get(sentence.id) or NavHeading(1, sync.title, "title", sentence.id)
            sections.append(Section(heading, f"s{len(sections) + 1:04d}.smil"))
        if sentence.timed:
            sections[-1].sentences.append(sentence)
    sections = [s for s in sections if s.sentences]
    for section in sections:
        section.start_ms = section.sentences[0].start_ms
        section.end_ms = section.sentences[-1].end_ms
    if sections:
        sections[0].start_ms = 0
        sections[-1].end_ms = max(sections[-1].end_ms, sync.duration_ms)
    return sections


def _clips(section: Section) -> list[tuple[Sentence, int, int]]:
    clips = [(s, s.start_ms, s.end_ms) for s in section.sentences]
    first, last = clips[0], clips[-1]
    clips[0] = (first[0], section.start_ms, first[2])
    clips[-1] = (last[0], clips[-1][1], section.end_ms)
    return clips


def _smil(section: Section, meta: BookMeta, audio_name: str, elapsed_ms: int) -> str:
    duration = section.end_ms - section.start_ms
    pars = []
    for sentence, begin, end in _clips(section):
        clip = attrs(
            src=audio_name, clip_begin=npt(begin), clip_end=npt(end), id=f"a-{sentence.id}"
        )
        pars.append(
            f'      <par endsync="last" id="par-{sentence.id}">\n'
            f'        <text src="{CONTENT}#{sentence.id}" id="t-{sentence.id}"/>\n'
            f"        <audio{clip}/>\n      </par>"
        )
    head = [
        ("dc:format", "Daisy 2.02"),
        ("dc:identifier", meta.identifier),
        ("dc:title", meta.title),
        ("ncc:generator", meta.generator),
        ("ncc:totalElapsedTime", hms(elapsed_ms)),
        ("ncc:timeInThisSmil", hms(duration)),
        ("title", section.heading.text),
    ]
    metas = "\n".join(f"    <meta{attrs(name=n, content=v)}/>" for n, v in head)
    body = "\n".join(pars)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{SMIL_DOCTYPE}\n<smil>\n  <head>\n{metas}\n'
        '    <layout><region id="txtView"/></layout>\n  </head>\n  <body>\n'
        f'    <seq dur="{duration / 1000:.3f}s">\n{body}\n    </seq>\n  </body>\n</smil>\n'
    )


def _content(parts: list[Part], meta: BookMeta) -> str:
    body = Element("div", {"class": "book"}, [part.body for part in parts])
    head = [
        f"<meta{attrs(name='dc:title', content=meta.title)}/>",
        f"<meta{attrs(name='dc:identifier', content=meta.identifier)}/>",
    ]
    return _xhtml1(meta, head, to_xhtml1(body))


def _xhtml1(meta: BookMeta, head: list[str], body: str) -> str:
    """An XHTML 1.0 Transitional document (what DAISY 2.02 players read)."""
    lang = attrs(xml__lang=meta.language, lang=meta.language)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{XHTML1_DOCTYPE}\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"{lang}>\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>\n'
        f"<title>{text(meta.title)}</title>\n"
        + "".join(f"{line}\n" for line in head)
        + f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _ncc(sections: list[Section], meta: BookMeta, duration_ms: int, files: int) -> str:
    depth = max((s.heading.level for s in sections), default=1)
    date = (meta.date or "")[:10] or modified_time().date().isoformat()
    metadata = [
        ("dc:title", meta.title),
        ("dc:creator", meta.author or meta.publisher or "Unknown"),
        ("dc:publisher", meta.publisher or "Unknown"),
        ("dc:date", date, "yyyy-mm-dd"),
        ("dc:format", "Daisy 2.02"),
        ("dc:identifier", meta.identifier),
        ("dc:language", meta.language),
        ("dc:source", meta.source),
        ("ncc:charset", "utf-8"),
        ("ncc:generator", meta.generator),
        ("ncc:narrator", f"{meta.narrator} (synthetic speech)" if meta.narrator else None),
        ("ncc:producedDate", modified_time().date().isoformat(), "yyyy-mm-dd"),
        ("ncc:multimediaType", "audioFullText"),
        ("ncc:totalTime", hms(duration_ms), "hh:mm:ss"),
        ("ncc:depth", str(depth)),
        ("ncc:tocItems", str(len(sections))),
        ("ncc:files", str(files)),
        ("ncc:pageFront", "0"),
        ("ncc:pageNormal", "0"),
        ("ncc:pageSpecial", "0"),
        ("ncc:maxPageNormal", "0"),
        ("ncc:footnotes", "0"),
        ("ncc:sidebars", "0"),
        ("ncc:prodNotes", "0"),
        ("ncc:setInfo", "1 of 1"),
    ]
    lines = [
        f"<meta{attrs(name=item[0], content=item[1], scheme=(item[2:] or [None])[0])}/>"
        for item in metadata
        if item[1]
    ]
    headings = []
    for number, section in enumerate(sections):
        level = 1 if number == 0 else max(1, min(6, section.heading.level))
        css = ' class="title"' if number == 0 else ""
        link = f'<a href="{section.smil}#par-{section.sentences[0].id}">{text(section.heading.text)}</a>'
        headings.append(f'<h{level}{css} id="n{number + 1}">{link}</h{level}>')
    return _xhtml1(meta, lines, "\n".join(headings))
