"""Make an article's picture safe to publish: rebuild its PNG/JPEG file from the image alone.

An article's image comes from someone else. Before it is copied next to the episode and
embedded in the audio, its container is rewritten chunk by chunk (PNG) or segment by segment
(JPEG): the image data is kept, text and Exif/XMP metadata are dropped, and nothing after the
image's end marker survives, so bytes appended to a picture are never published with it.
"""

from __future__ import annotations

import logging
import struct
import zlib
from pathlib import Path

from ..errors import InputError, ReadaloudError

logger = logging.getLogger(__name__)

MAX_COVER_BYTES = 5_000_000

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What a PNG needs to look right; text chunks (tEXt/zTXt/iTXt), eXIf, tIME and private chunks go.
PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"pHYs", b"bKGD",
}  # fmt: skip
MAX_PNG_CHUNKS = 100_000

# JPEG markers without a length field.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_SOS, _EOI = 0xDA, 0xD9
# Application segments that change how the picture looks: JFIF (APP0), ICC profile (APP2),
# Adobe colour transform (APP14). Exif/XMP (APP1), comments (COM) and the rest are dropped.
_JPEG_KEEP_APP = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
MAX_JPEG_SEGMENTS = 10_000


def clean_image(data: bytes, name: str) -> bytes:
    """The PNG or JPEG in `data` rebuilt without metadata or trailing bytes.

    Raises InputError (naming `name`) for other formats and for broken or truncated files.
    """
    if data.startswith(PNG_SIGNATURE):
        return _clean_png(data, name)
    if data.startswith(b"\xff\xd8\xff"):
        return _clean_jpeg(data, name)
    raise InputError(f"{name} is not a JPEG or PNG image.")


def _broken(name: str, what: str) -> InputError:
    return InputError(f"{name} is not a complete image ({what}).")


def _clean_png(data: bytes, name: str) -> bytes:
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    for index in range(MAX_PNG_CHUNKS):
        if pos + 12 > len(data):
            raise _broken(name, "the PNG ends before its IEND chunk")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _broken(name, f"the PNG {kind.decode('latin-1')} chunk is cut short")
        body = data[pos + 4 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(body) != crc:
            raise _broken(name, f"the PNG {kind.decode('latin-1')} chunk is damaged")
        if index == 0 and kind != b"IHDR":
            raise _broken(name, "the PNG does not start with IHDR")
        if kind in PNG_KEEP:
            out.append(data[pos:end])
        if kind == b"IEND":
            return b"".join(out)
        pos = end
    raise _broken(name, "too many PNG chunks")


def _clean_jpeg(data: bytes, name: str) -> bytes:
    out = [b"\xff\xd8"]
    pos = 2
    for _ in range(MAX_JPEG_SEGMENTS):
        # Markers may be padded with any number of 0xFF fill bytes.
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        if pos >= len(data):
            break
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in _STANDALONE:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > len(data):
            break
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        end = pos + length
        if length < 2 or end > len(data):
            break
        segment = b"\xff" + bytes((marker,)) + data[pos:end]
        if marker == _SOS:
            # Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a
            # restart marker (RST0-7).
            scan = end
            while True:
                scan = data.find(b"\xff", scan)
                if scan < 0 or scan + 1 >= len(data):
                    raise _broken(name, "the JPEG ends inside its image data")
                following = data[scan + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    scan += 1 if following == 0xFF else 2
                    continue
                break
            out.append(segment + data[end:scan])
            pos = scan
            continue
        prefix = _JPEG_KEEP_APP.get(marker)
        is_metadata = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if is_metadata and (prefix is None or not data[pos + 2 : end].startswith(prefix)):
            pos = end
            continue
        out.append(segment)
        pos = end
    raise _broken(name, "the JPEG ends before its end marker")


def article_cover(image: str | None, folder: Path, *, remote: bool, policy=None) -> Path | None:
    """The article's image as a cleaned JPEG/PNG file in `folder`, or None (with a warning).

    `image` is what `sources.image_ref.article_image` admitted: a checked local path, or an
    http(s) URL, fetched only for an article that came from the web (`remote`) and then as a
    URL the article asked for (no private addresses unless the policy allows them).
    """
    if not image:
        return None
    from ..sources.fetch import fetch_url

    try:
        if image.startswith(("http://", "https://")):
            if not remote:
                return None
            data = fetch_url(
                image,
                max_bytes=MAX_COVER_BYTES,
                policy=policy,
                requested_by="article",
                accept="image/png,image/jpeg;q=0.9,image/*;q=0.5",
            ).data
        else:
            data = _read_local(Path(image))
            if data is None:
                return None
        cleaned = clean_image(data, image)
    except ReadaloudError as exc:
        logger.warning("The article image is not used as cover: %s", exc)
        return None
    path = folder / ("cover.png" if cleaned.startswith(PNG_SIGNATURE) else "cover.jpg")
    path.write_bytes(cleaned)
    return path


def _read_local(path: Path) -> bytes | None:
    try:
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_COVER_BYTES:
            raise InputError(f"{path} is larger than {MAX_COVER_BYTES:,} bytes.")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}.") from exc
