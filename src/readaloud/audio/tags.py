"""Episode tags: ID3v2.3 with CTOC/CHAP chapters in time order (MP3), iTunes atoms (M4B)."""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    TSSE,
    WOAS,
    WXXX,
    CTOCFlags,
)

from .._version import __version__
from ..errors import AudioError, InputError
from ..langtags import iso639_2
from .timeline import ChapterMark

logger = logging.getLogger(__name__)

MAX_CTOC_CHILDREN = 255  # the chapter addendum's limit per CTOC frame

# Where each frame goes in the tag: the common text frames first, then the table of contents,
# the chapters in time order, and the (large) cover picture last.
FRAME_ORDER = ["TIT2", "TPE1", "TALB", "TYER", "TDAT", "TCON", "TLAN", "TSSE", "COMM", "WOAS"]
_LATE = {"CTOC": 1, "CHAP": 2, "APIC": 3}

IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass
class EpisodeTags:
    """What the audio file says about itself."""

    title: str
    artist: str | None = None
    album: str | None = None
    date: str | None = None
    """ISO date (2025-09-04) or year."""
    language: str | None = None
    """BCP 47 / ISO 639 code of the article ("en", "en-US")."""
    description: str | None = None
    url: str | None = None
    """The article's canonical URL."""
    cover: Path | None = None
    genre: str = "Podcast"
    encoder: str = f"readaloud {__version__}"


def image_type(path: Path) -> str:
    """MIME type of a JPEG or PNG file from its first bytes; InputError for anything else."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError(f"Cannot read the cover image {path}: {exc.strerror}.") from exc
    for magic, mime in IMAGE_TYPES.items():
        if head.startswith(magic):
            return mime
    raise InputError(f"Cover image {path} is not a JPEG or PNG file. Convert it first.")


def write_mp3_tags(path: Path, tags: EpisodeTags, chapters: list[ChapterMark]) -> None:
    """Write an ID3v2.3 tag with the episode tags and chapters (CTOC + CHAP in time order)."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=[tags.title]))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=[tags.artist]))
    if tags.album:
        id3.add(TALB(encoding=3, text=[tags.album]))
    if tags.date:
        id3.add(TDRC(encoding=3, text=[tags.date]))
    id3.add(TCON(encoding=3, text=[tags.genre]))
    language = iso639_2(tags.language)
    id3.add(TLAN(encoding=3, text=[language]))
    id3.add(TSSE(encoding=3, text=[tags.encoder]))
    if tags.description:
        id3.add(COMM(encoding=3, lang=language, desc="", text=[tags.description]))
    if tags.url:
        id3.add(WOAS(url=tags.url))
        id3.add(WXXX(encoding=3, desc="", url=tags.url))
    _add_chapters(id3, tags.title, chapters)
    if tags.cover:
        mime = image_type(tags.cover)
        id3.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=tags.cover.read_bytes()))
    # ID3v2.3 has the widest player support: mutagen converts TDRC to TYER/TDAT for it.
    id3.update_to_v23()
    try:
        id3.save(path, v2_version=3, v1=0)
    except MutagenError as exc:
        raise AudioError(f"Could not write tags to {path}: {exc}") from exc
    order_frames(path)


def _add_chapters(id3: ID3, title: str, chapters: list[ChapterMark]) -> None:
    ids = [f"chp{index}" for index in range(len(chapters))]
    for element_id, mark in zip(ids, chapters, strict=True):
        sub = [TIT2(encoding=3, text=[mark.title])]
        if mark.url:
            sub.append(WXXX(encoding=3, desc="", url=mark.url))
        id3.add(
            CHAP(
                element_id=element_id,
                start_time=mark.start_ms,
                end_time=mark.end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=sub,
            )
        )
    if not ids:
        return
    top = CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    if len(ids) <= MAX_CTOC_CHILDREN:
        id3.add(CTOC(element_id="toc", flags=top, child_element_ids=ids, sub_frames=[_t(title)]))
        return
    # More chapters than one CTOC may list: a top-level CTOC of ordered sub-tables.
    groups = [ids[i : i + MAX_CTOC_CHILDREN] for i in range(0, len(ids), MAX_CTOC_CHILDREN)]
    subs = [f"toc{n}" for n in range(1, len(groups) + 1)]
    id3.add(CTOC(element_id="toc", flags=top, child_element_ids=subs, sub_frames=[_t(title)]))
    for element_id, group in zip(subs, groups, strict=True):
        id3.add(
            CTOC(element_id=element_id, flags=CTOCFlags.ORDERED, child_element_ids=group),
        )


def _t(text: str) -> TIT2:
    return TIT2(encoding=3, text=[text])


def order_frames(path: Path) -> None:
    """Rewrite the ID3v2.3 tag at the start of `path` with its frames in our order, in place.

    mutagen orders frames by size when it saves (mutagen issue 506), but ffmpeg and several
    players list chapters in file order and ignore the CTOC. The tag keeps its size: only the
    frames inside it move.
    """
    with open(path, "r+b") as handle:
        header = handle.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or header[3] != 3:
            raise AudioError(f"{path}: expected an ID3v2.3 tag to reorder.")
        if header[5] & 0xC0:  # unsynchronisation or an extended header: not what we wrote
            raise AudioError(f"{path}: unexpected ID3 header flags {header[5]:#x}.")
        size = _syncsafe(header[6:10])
        body = handle.read(size)
        frames = _split_frames(body)
        data = b"".join(frame for _, frame in sorted(enumerate(frames), key=_frame_key))
        handle.seek(10)
        handle.write(data + bytes(size - len(data)))


def _syncsafe(data: bytes) -> int:
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def _split_frames(body: bytes) -> list[bytes]:
    frames, pos = [], 0
    while pos + 10 <= len(body) and body[pos] != 0:
        (size,) = struct.unpack(">I", body[pos + 4 : pos + 8])
        end = pos + 10 + size
        if end > len(body):
            raise AudioError("ID3 tag is corrupt: a frame runs past the end of the tag.")
        frames.append(body[pos:end])
        pos = end
    return frames


def _frame_key(item: tuple[int, bytes]) -> tuple[int, int, int]:
    index, frame = item
    frame_id = frame[:4].decode("latin-1")
    if frame_id in FRAME_ORDER:
        return (0, FRAME_ORDER.index(frame_id), index)
    if frame_id == "CHAP":
        # element id (NUL-terminated Latin-1), then the start time in ms
        nul = frame.index(b"\x00", 10)
        (start,) = struct.unpack(">I", frame[nul + 1 : nul + 5])
        return (_LATE["CHAP"], start, index)
    if frame_id == "CTOC":
        # the top-level table first: flag 0x02 in the byte after the element id
        nul = frame.index(b"\x00", 10)
        return (_LATE["CTOC"], 0 if frame[nul + 1] & 0x02 else 1, index)
    return (_LATE.get(frame_id, 0), len(FRAME_ORDER), index)


def write_mp4_tags(path: Path, tags: EpisodeTags) -> None:
    """Write iTunes-style tags and cover art into an M4B/M4A (chapters were muxed by ffmpeg)."""
    from mutagen.mp4 import MP4, MP4Cover

    try:
        mp4 = MP4(path)
    except MutagenError as exc:
        raise AudioError(f"Could not read back {path} to tag it: {exc}") from exc
    if mp4.tags is None:
        mp4.add_tags()
    values = {
        "\xa9nam": tags.title,
        "\xa9ART": tags.artist,
        "\xa9alb": tags.album,
        "\xa9day": tags.date,
        "\xa9gen": tags.genre,
        "\xa9cmt": tags.description,
        "desc": tags.description,
        "\xa9too": tags.encoder,
    }
    for key, value in values.items():
        if value:
            mp4.tags[key] = [value]
    if tags.url:
        mp4.tags["----:com.apple.iTunes:URL"] = [tags.url.encode("utf-8")]
    mp4.tags["----:com.apple.iTunes:LANGUAGE"] = [iso639_2(tags.language).encode("ascii")]
    if tags.cover:
        kind = (
            MP4Cover.FORMAT_PNG if image_type(tags.cover) == "image/png" else MP4Cover.FORMAT_JPEG
        )
        mp4.tags["covr"] = [MP4Cover(tags.cover.read_bytes(), imageformat=kind)]
    try:
        mp4.save()
    except MutagenError as exc:
        raise AudioError(f"Could not write tags to {path}: {exc}") from exc
