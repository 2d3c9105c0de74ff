"""Episode file names: ASCII slugs from titles, safe on every OS, never colliding silently."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..errors import ReadaloudError
from .manifest import read_manifest

MAX_SLUG = 80
FALLBACK = "episode"

# Letters that Unicode decomposition does not reduce to ASCII; extend as needed.
TRANSLITERATE = {
    "ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "đ": "d",
    "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i",
    "&": " and ", "@": " at ", "+": " plus ",
}  # fmt: skip

# Names Windows reserves whatever the extension.
RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(10)),
    *(f"lpt{n}" for n in range(10)),
}


def slugify(title: str, max_length: int = MAX_SLUG) -> str:
    """'Kim Jong Un & Xi: Zürich!' -> 'kim-jong-un-and-xi-zurich' (ASCII, never empty)."""
    text = "".join(TRANSLITERATE.get(char, char) for char in title or "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['’`]", "", text.lower())  # "don't" -> "dont", not "don-t"
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # End on a whole word when there is one to end on.
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut
        slug = slug.strip("-")
    if not slug:
        return FALLBACK
    if slug in RESERVED:
        slug = f"{slug}-{FALLBACK}"
    return slug


def manifest_identities(path: Path) -> set[str]:
    """What an existing manifest names its article by: guid and source (empty if unreadable)."""
    manifest = read_manifest(path)
    if manifest is None:
        return set()
    return {value for value in (manifest.guid, manifest.source) if isinstance(value, str) and value}


def choose_slug(title: str, out_dir: Path, identity: str) -> str:
    """A slug for `title` in `out_dir`: the same article keeps its slug, another gets -2, -3...

    `identity` names the article (its guid, or its source URL or path). A slug is taken when
    `<slug>.json` exists and records neither as its guid nor as its source, or when an audio
    file `<slug>.mp3`/`.m4b` that readaloud did not make exists (not ours to overwrite; one of
    ours without a manifest is what an interrupted run left, and is replaced).
    """
    base = slugify(title)
    out_dir = Path(out_dir)
    for number in range(1, 10_000):
        slug = base if number == 1 else f"{base[: MAX_SLUG - 6].rstrip('-')}-{number}"
        manifest = out_dir / f"{slug}.json"
        if manifest.exists():
            if identity in manifest_identities(manifest):
                return slug
            continue
        if any(_foreign_audio(out_dir / f"{slug}.{ext}") for ext in ("mp3", "m4b")):
            continue
        return slug
    raise ReadaloudError(f"No free file name for {title!r} in {out_dir}. Use another folder.")


def _foreign_audio(path: Path) -> bool:
    """True when `path` exists and its encoder tag does not say readaloud made it."""
    if not path.exists():
        return False
    from mutagen import MutagenError
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4

    try:
        if path.suffix == ".mp3":
            frames = ID3(path).getall("TSSE")
            encoder = str(frames[0].text[0]) if frames else ""
        else:
            encoder = str((MP4(path).tags or {}).get("\xa9too", [""])[0])
    except MutagenError:
        return True
    return not encoder.startswith("readaloud")
