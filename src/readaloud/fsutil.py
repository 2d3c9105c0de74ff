"""Atomic output (write to a temp file or folder beside the target, then rename over it),
with published permissions, and SIGTERM turned into the same clean-up as Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _cannot_write(target: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {target}: {exc.strerror or exc}. Choose another path.")


def ensure_dir(folder: Path) -> None:
    """Create `folder` (and parents); OutputError when it cannot be a folder of ours."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(Path(folder), exc) from exc


def check_output_dir(folder: Path) -> None:
    """Fail early, leaving nothing behind, when files could not be written into `folder` later."""
    folder = Path(folder)
    try:
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if existing == folder and not folder.is_dir():
            raise OutputError(f"{folder} is a file, not a folder. Give a folder for the episode.")
        # A trial folder in the nearest existing ancestor: permissions alone say yes for root,
        # even where nothing can be made (/proc).
        os.rmdir(tempfile.mkdtemp(prefix=".readaloud-check-", dir=existing))
    except OSError as exc:
        raise OutputError(
            f"cannot write into {folder}: {exc.strerror or exc}. Choose another folder."
        ) from exc


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def terminate_like_ctrl_c() -> None:
    """From now on, SIGTERM (kill, CI timeouts) cleans up temp files exactly as Ctrl-C does."""
    # ValueError: not the main thread (e.g. embedded in another program)
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, _interrupt)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt meanwhile (main thread only, when nobody else
    handles it). Python's default SIGTERM action ends the process at once, skipping the
    `finally` blocks and context exits that remove temp files."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path next to `target`; on success it replaces `target`, on error it is removed."""
    target = Path(target)
    try:
        if target.is_dir():
            raise OutputError(f"{target} is a folder. Give a file name to write to.")
    except OSError as exc:  # a name too long for the file system
        raise _cannot_write(target, exc) from exc
    ensure_dir(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes 0600 files; published files get what open() would give (0644 usually)
        os.chmod(tmp_path, 0o666 & ~_umask())
        try:
            os.replace(tmp_path, target)
        except OSError as exc:
            raise _cannot_write(target, exc) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temp folder next to `target`; on success it replaces `target` (an older folder is
    moved aside first, then removed), on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        yield tmp
        mode = 0o777 & ~_umask()
        os.chmod(tmp, mode)
        for path in tmp.rglob("*"):
            os.chmod(path, mode if path.is_dir() else mode & 0o666)
        old = None
        if target.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.replace(target, old / target.name)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
