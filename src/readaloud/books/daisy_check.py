"""Checks of a DAISY 2.02 book against the specification's requirements (no maintained validator
exists): NCC metadata, heading order and links, SMIL timing and every file and fragment named.

`check_daisy(folder)` returns one line per problem (empty when the book passes).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .common import parse_clock

XHTML = "{http://www.w3.org/1999/xhtml}"
REQUIRED_NCC = [
    "dc:creator",
    "dc:date",
    "dc:format",
    "dc:identifier",
    "dc:language",
    "dc:publisher",
    "dc:title",
    "ncc:charset",
    "ncc:depth",
    "ncc:files",
    "ncc:maxPageNormal",
    "ncc:multimediaType",
    "ncc:pageFront",
    "ncc:pageNormal",
    "ncc:pageSpecial",
    "ncc:setInfo",
    "ncc:tocItems",
    "ncc:totalTime",
]
MULTIMEDIA_TYPES = {
    "audioOnly",
    "audioNcc",
    "audioPartText",
    "audioFullText",
    "textPartAudio",
    "textNcc",
}
REQUIRED_SMIL = ("dc:format", "dc:identifier", "ncc:totalElapsedTime", "ncc:timeInThisSmil")
HEADING = re.compile(rf"{re.escape(XHTML)}h([1-6])$")


@dataclass
class Clip:
    smil: str
    par: str
    text: str
    audio: str
    begin: int
    end: int


@dataclass
class Book:
    folder: Path
    problems: list[str] = field(default_factory=list)
    ids: dict[str, set[str]] = field(default_factory=dict)

    def load(self, name: str) -> ET.Element | None:
        path = self.folder / name
        if not path.is_file():
            self.problems.append(f"{name}: named in the book but missing")
            return None
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            self.problems.append(f"{name}: not well-formed XML ({exc})")
            return None
        self.ids[name] = {e.get("id") for e in root.iter() if e.get("id")}
        return root

    def resolve(self, source: str, href: str) -> tuple[str, str] | None:
        """(file, fragment) of a local `href` whose file and id exist; else a problem."""
        name, _, fragment = unquote(href).partition("#")
        if name not in self.ids and self.load(name) is None:
            self.problems.append(f"{source}: link to missing file {href}")
            return None
        if not fragment or fragment not in self.ids.get(name, set()):
            self.problems.append(f"{source}: fragment of {href} does not exist")
            return None
        return name, fragment


def metadata(root: ET.Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in root.iter(f"{XHTML}meta"):
        if meta.get("name"):
            found.setdefault(meta.get("name"), []).append(meta.get("content", ""))
    for meta in root.iter("meta"):  # SMIL 1.0 has no namespace
        if meta.get("name"):
            found.setdefault(meta.get("name"), []).append(meta.get("content", ""))
    return found


def hms_ms(value: str) -> int | None:
    match = re.fullmatch(r"(\d+):(\d{2}):(\d{2})(\.\d+)?", value.strip())
    if not match:
        return None
    h, m, s, frac = match.groups()
    return round(((int(h) * 60 + int(m)) * 60 + int(s) + float(frac or 0)) * 1000)


def check_daisy(folder: Path, audio_ms: dict[str, int] | None = None) -> list[str]:
    """Problems of the DAISY 2.02 book in `folder`; `audio_ms` gives each audio file's length
    (read from the MP3 header when not given)."""
    book = Book(Path(folder))
    nccs = [p for p in book.folder.iterdir() if p.name.lower() == "ncc.html"]
    if len(nccs) != 1:
        return [f"the book must have exactly one ncc.html, found {len(nccs)}"]
    ncc = book.load(nccs[0].name)
    if ncc is None:
        return book.problems
    meta = metadata(ncc)
    for name in REQUIRED_NCC:
        if len(meta.get(name, [])) != 1:
            book.problems.append(
                f"ncc.html: {name} must appear once, found {len(meta.get(name, []))}"
            )
    first = lambda name: (meta.get(name) or [""])[0]  # noqa: E731
    if first("dc:format") != "Daisy 2.02":
        book.problems.append(
            f"ncc.html: dc:format must be 'Daisy 2.02', not {first('dc:format')!r}"
        )
    if first("ncc:multimediaType") not in MULTIMEDIA_TYPES:
        book.problems.append(
            f"ncc.html: unknown ncc:multimediaType {first('ncc:multimediaType')!r}"
        )
    title = ncc.find(f"{XHTML}head/{XHTML}title")
    if title is None or (title.text or "").strip() != first("dc:title"):
        book.problems.append("ncc.html: <title> must equal dc:title")

    body = ncc.find(f"{XHTML}body")
    headings = [e for e in (body if body is not None else []) if HEADING.match(e.tag)]
    if not headings or headings[0].tag != f"{XHTML}h1" or headings[0].get("class") != "title":
        book.problems.append('ncc.html: the first heading must be <h1 class="title">')
    level, depth, smil_order, targets = 0, 0, [], []
    for heading in headings:
        number = int(HEADING.match(heading.tag).group(1))
        if number > level + 1:
            book.problems.append(f"ncc.html: h{number} follows h{level} (a level is skipped)")
        level, depth = number, max(depth, number)
        links = heading.findall(f"{XHTML}a")
        if len(links) != 1:
            book.problems.append(f"ncc.html: heading {heading.get('id')} needs exactly one link")
            continue
        target = book.resolve("ncc.html", links[0].get("href", ""))
        if target:
            targets.append(target)
            if target[0] not in smil_order:
                smil_order.append(target[0])
    if first("ncc:depth") != str(depth):
        book.problems.append(
            f"ncc.html: ncc:depth {first('ncc:depth')} but the deepest heading is h{depth}"
        )
    pages = [e for e in ncc.iter(f"{XHTML}span") if (e.get("class") or "").startswith("page-")]
    if first("ncc:tocItems") != str(len(headings) + len(pages)):
        book.problems.append(
            f"ncc.html: ncc:tocItems {first('ncc:tocItems')} but {len(headings) + len(pages)} items"
        )

    clips = _check_smils(book, smil_order, first("dc:identifier"))
    for name, fragment in targets:
        pars = {c.par for c in clips if c.smil == name} | {c.text for c in clips if c.smil == name}
        if fragment not in pars:
            book.problems.append(f"ncc.html: link to {name}#{fragment} is not a par or text")
    _check_timing(book, clips, first("ncc:totalTime"), audio_ms)
    files = [p for p in book.folder.rglob("*") if p.is_file()]
    if first("ncc:files") != str(len(files)):
        book.problems.append(
            f"ncc.html: ncc:files {first('ncc:files')} but the book has {len(files)} files"
        )
    return book.problems


def _check_smils(book: Book, order: list[str], identifier: str) -> list[Clip]:
    clips: list[Clip] = []
    elapsed = 0
    for name in order:
        smil = book.load(name)
        if smil is None:
            continue
        meta = metadata(smil)
        for key in REQUIRED_SMIL:
            if len(meta.get(key, [])) != 1:
                book.problems.append(f"{name}: {key} must appear once")
        if (meta.get("dc:identifier") or [""])[0] != identifier:
            book.problems.append(f"{name}: dc:identifier differs from the NCC's")
        if (meta.get("dc:format") or [""])[0] != "Daisy 2.02":
            book.problems.append(f"{name}: dc:format must be 'Daisy 2.02'")
        own = []
        for par in smil.iter("par"):
            text, audio = par.find("text"), par.find(".//audio")
            if text is None or audio is None:
                book.problems.append(f"{name}: par {par.get('id')} needs a text and an audio")
                continue
            book.resolve(name, text.get("src", ""))
            try:
                begin = parse_clock(audio.get("clip-begin", ""))
                end = parse_clock(audio.get("clip-end", ""))
            except ValueError as exc:
                book.problems.append(f"{name}: {exc}")
                continue
            own.append(
                Clip(name, par.get("id", ""), text.get("id", ""), audio.get("src", ""), begin, end)
            )
        seq = smil.find("body/seq")
        total = sum(c.end - c.begin for c in own)
        if seq is None or abs(parse_clock(seq.get("dur", "0s")) - total) > 1:
            book.problems.append(f"{name}: seq dur must be the sum of its clips ({total} ms)")
        stated = hms_ms((meta.get("ncc:totalElapsedTime") or [""])[0])
        if stated is None or abs(stated - elapsed) > 1000:
            book.problems.append(f"{name}: ncc:totalElapsedTime must be {elapsed} ms (±1 s)")
        stated = hms_ms((meta.get("ncc:timeInThisSmil") or [""])[0])
        if stated is None or abs(stated - total) > 1000:
            book.problems.append(f"{name}: ncc:timeInThisSmil must be {total} ms (±1 s)")
        elapsed += total
        clips += own
    return clips


def _check_timing(book: Book, clips: list[Clip], total: str, audio_ms: dict[str, int] | None):
    if not clips:
        book.problems.append("the book has no audio clips")
        return
    lengths = dict(audio_ms or {})
    for name in {c.audio for c in clips} - set(lengths):
        path = book.folder / name
        if not path.is_file():
            book.problems.append(f"audio file {name} is missing")
            continue
        from mutagen import File as MutagenFile

        info = MutagenFile(path)
        lengths[name] = round(info.info.length * 1000) if info else 0
    previous = None
    for clip in clips:
        if not 0 <= clip.begin < clip.end:
            book.problems.append(f"{clip.smil}: clip of {clip.par} is empty or negative")
        if clip.end > lengths.get(clip.audio, 0) + 50:
            book.problems.append(f"{clip.smil}: clip of {clip.par} ends after its audio file")
        if previous and previous.audio == clip.audio and previous.end != clip.begin:
            book.problems.append(
                f"{clip.smil}: clip of {clip.par} does not start where the last ended"
            )
        previous = clip
    stated = hms_ms(total)
    played = sum(c.end - c.begin for c in clips)
    if stated is None or abs(stated - played) > 1000:
        book.problems.append(f"ncc.html: ncc:totalTime {total} but the clips last {played} ms")
