"""Podcast artwork: Apple's rules (square JPEG or PNG, 1400-3000 px, RGB), checked or converted."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from ...errors import ConfigError
from ...fsutil import atomic_path

logger = logging.getLogger(__name__)

MIN_PX = 1400
MAX_PX = 3000
RULE = "Apple Podcasts needs a square JPEG or PNG of 1400-3000 px in RGB"
SUFFIXES = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}
# Beyond this an image is not decoded for conversion (a 3000 px square is 9 Mpx): a hostile
# file must not make readaloud allocate gigabytes.
MAX_CONVERT_PIXELS = 50_000_000


def _open(path: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    except OSError as exc:
        raise ConfigError(f"Artwork {path} cannot be read ({exc.strerror or exc}).") from exc


def artwork_problem(path: Path) -> str | None:
    """What keeps `path` from being podcast artwork (None when it qualifies); reads the header only."""
    image = _open(Path(path))
    if image is None:
        return "is not a JPEG or PNG image"
    with image:
        found = f"{image.format or 'unknown'} {image.width}x{image.height} {image.mode}"
        if image.format not in SUFFIXES:
            return f"is {found}, not JPEG or PNG"
        if Path(path).suffix.lower() not in SUFFIXES[image.format]:
            return f"is {image.format} but named {Path(path).name}"
        if image.width != image.height:
            return f"is {found}: not square"
        if not MIN_PX <= image.width <= MAX_PX:
            return f"is {found}: not 1400-3000 px"
        if image.mode != "RGB":
            return f"is {found}: not RGB"
    return None


def check_artwork(path: Path) -> None:
    """Raise ConfigError (one line, with the fix) unless `path` meets Apple's artwork rules."""
    problem = artwork_problem(path)
    if problem:
        raise ConfigError(
            f"Artwork {Path(path).name} {problem}; {RULE}. "
            "Pass --fix-image to write a conforming copy, or choose another image."
        )


def converted_name(path: Path) -> str:
    """The file name --fix-image writes next to the original."""
    return f"{Path(path).stem}-podcast.jpg"


def convert_artwork(path: Path) -> Path:
    """Write a conforming copy of `path` next to it and return its path.

    The copy is the centre square, scaled into 1400-3000 px, flattened on white (transparency,
    palettes, grey and CMYK become RGB), saved as JPEG. The same input gives the same bytes.
    """
    from PIL import Image, ImageOps

    path = Path(path)
    image = _open(path)
    if image is None:
        raise ConfigError(f"Artwork {path.name} is not an image readaloud can convert.")
    with image:
        if image.width * image.height > MAX_CONVERT_PIXELS:
            raise ConfigError(
                f"Artwork {path.name} is {image.width}x{image.height}: too large to convert "
                f"(over {MAX_CONVERT_PIXELS // 1_000_000} Mpx). Scale it down first."
            )
        side = min(image.width, image.height)
        target = min(max(side, MIN_PX), MAX_PX)
        square = ImageOps.fit(ImageOps.exif_transpose(image), (side, side))
        if square.mode in ("RGBA", "LA", "P", "PA"):
            square = square.convert("RGBA")
            flat = Image.new("RGB", square.size, "white")
            flat.paste(square, mask=square.getchannel("A"))
            square = flat
        square = square.convert("RGB").resize((target, target), Image.Resampling.LANCZOS)
    out = path.with_name(converted_name(path))
    with atomic_path(out) as part:
        square.save(part, "JPEG", quality=90, optimize=True)
    logger.info("Wrote podcast artwork %s (%dx%d RGB JPEG)", out.name, target, target)
    return out
