"""Which talking books to write for an episode, written atomically beside it and listed in its
manifest; also for an episode that already exists (from its audio and `<slug>.sync.json`)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import atomic_dir, atomic_path
from ..markup import SyncMap
from ..publish.manifest import FileEntry, Manifest
from .common import BookMeta
from .daisy import write_daisy
from .epub import MIME_TYPE as EPUB_TYPE
from .epub import write_epub

DAISY_TYPE = "text/html"
"""The DAISY entry of a manifest names the book's ncc.html (the folder's entry point)."""
ZIP_TYPE = "application/zip"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Editions:
    """The text editions asked for (`convert --epub --daisy --daisy-zip`)."""

    epub: bool = False
    daisy: bool = False
    daisy_zip: bool = False

    def keys(self) -> list[str]:
        return [k for k in ("epub", "daisy", "daisy_zip") if getattr(self, k)]

    def missing(self, manifest: Manifest) -> Editions:
        """The asked-for editions that the manifest does not list."""
        return Editions(**{k: k not in manifest.files for k in self.keys()})


def kept_editions(manifest: Manifest | None, asked: Editions) -> Editions:
    """The editions asked for plus those a previous render listed: a re-rendered episode never
    leaves a book beside it whose text and times belong to the old audio."""
    listed = set(manifest.files) if manifest is not None else set()
    keys = set(asked.keys()) | {k for k in ("epub", "daisy", "daisy_zip") if k in listed}
    return Editions(**{k: True for k in keys})


def names(slug: str) -> dict[str, str]:
    """Manifest file names of each edition."""
    return {
        "epub": f"{slug}.epub",
        "daisy": f"{slug}.daisy/ncc.html",
        "daisy_zip": f"{slug}.daisy.zip",
    }


def stage_editions(
    stack: contextlib.ExitStack,
    out_dir: Path,
    slug: str,
    sync: SyncMap,
    audio: Path,
    meta: BookMeta,
    editions: Editions,
    suffix: str | None = None,
) -> dict[str, FileEntry]:
    """Write the editions as temp files/folders that `stack` renames into place when it closes
    without error (and removes otherwise); return their manifest entries. `audio` is the
    episode audio (maybe still a temp file: `suffix` then names its format)."""
    entries: dict[str, FileEntry] = {}
    named = names(slug)
    if editions.epub:
        part = stack.enter_context(atomic_path(out_dir / named["epub"]))
        write_epub(sync, audio, part, meta, suffix)
        entries["epub"] = FileEntry.of(part, EPUB_TYPE, name=named["epub"])
    if editions.daisy or editions.daisy_zip:
        if editions.daisy:
            folder = stack.enter_context(atomic_dir(out_dir / f"{slug}.daisy"))
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=out_dir))) / "book"
        write_daisy(sync, audio, folder, meta, suffix)
        if editions.daisy:
            entries["daisy"] = FileEntry.of(folder / "ncc.html", DAISY_TYPE, name=named["daisy"])
        if editions.daisy_zip:
            part = stack.enter_context(atomic_path(out_dir / named["daisy_zip"]))
            zip_folder(folder, part, f"{slug}.daisy")
            entries["daisy_zip"] = FileEntry.of(part, ZIP_TYPE, name=named["daisy_zip"])
    return entries


def add_editions(manifest_path: Path, editions: Editions) -> Manifest | None:
    """Write `editions` for an existing, up-to-date episode and list them in its manifest.

    Returns None when the episode has no sync map (made by an older readaloud): it must be
    rendered again.
    """
    manifest = Manifest.load(manifest_path)
    out_dir = Path(manifest_path).parent
    entry = manifest.files.get("sync")
    if entry is None or not (out_dir / entry.name).is_file():
        return None
    sync = SyncMap.from_json((out_dir / entry.name).read_text(encoding="utf-8"))
    audio = out_dir / manifest.files["audio"].name
    with contextlib.ExitStack() as stack:
        manifest_part = stack.enter_context(atomic_path(manifest_path))
        new = stage_editions(
            stack, out_dir, manifest.slug, sync, audio, BookMeta.from_manifest(manifest), editions
        )
        manifest.files.update(new)
        manifest_part.write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def zip_folder(folder: Path, out: Path, root: str) -> None:
    """Zip `folder`'s files under `root/` (sorted, fixed times: the same book, the same bytes)."""
    with zipfile.ZipFile(out, "w") as book:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{root}/{path.relative_to(folder).as_posix()}", _ZIP_TIME)
            stored = path.suffix.lower() in (".mp3", ".m4a", ".m4b")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with open(path, "rb") as src, book.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
