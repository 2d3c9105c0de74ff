"""The folders a convert writes to: cleaned of dead runs' debris and checked before any work,
and a failed write reported with the folder it concerns."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..fsutil import OutputError, check_writable, sweep_dead_runs, write_error
from ..options import SynthOptions
from ..synth.run import default_cache_dir


def prepare_output(out_dir: Path, synth: SynthOptions) -> None:
    """Before any synthesis: remove what killed runs left behind, then check that the output,
    cache and temp folders can be written (OutputError naming the folder if not)."""
    tmp = Path(tempfile.gettempdir())
    sweep_dead_runs(tmp, temp_folders=True)
    sweep_dead_runs(out_dir)
    check_writable(out_dir, "output folder")
    if synth.use_cache:
        check_writable(synth.cache_dir or default_cache_dir(), "cache folder")
    check_writable(tmp, "temp folder ($TMPDIR)")


def named_write_error(exc: OSError, out_dir: Path, cache_dir: Path | None) -> OutputError:
    """A failed write (disk full, read-only) as an OutputError that says which folder it was."""
    path = Path(exc.filename).resolve() if exc.filename else None
    places = [
        (Path(out_dir).resolve(), "output folder"),
        (Path(cache_dir or default_cache_dir()).resolve(), "cache folder"),
        (Path(tempfile.gettempdir()).resolve(), "temp folder ($TMPDIR)"),
    ]
    for folder, what in places:
        if path is not None and path.is_relative_to(folder):
            return write_error(exc, folder, what)
    return write_error(exc, path.parent if path else Path(out_dir), "folder")
