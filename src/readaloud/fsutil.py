"""Atomic output (write to a temp file or folder beside the target, then rename over it),
with published permissions, and SIGTERM turned into the same clean-up as Ctrl-C; owned temp
names, and cleaning up after dead runs.

Every temp name carries the writing process's id and host (`.<name>.ra<pid>-<host>-....part`
next to a target, `readaloud-ra<pid>-<host>-<kind>-...` in $TMPDIR), so a later run can tell the
debris of a run that was killed (`kill -9`, power loss) from the files of a run still going.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

logger = logging.getLogger(__name__)

_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_TAG = re.compile(r"ra(\d+)-([0-9a-f]{6})-")
# Temp files from before names carried an owner: removed from output folders after this long.
LEGACY_STALE_S = 15 * 60
FULL = (errno.ENOSPC, errno.EDQUOT)
READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)


def owner_tag() -> str:
    """The part of a temp name that says which process made it."""
    return f"ra{os.getpid()}-{_HOST}-"


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
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{owner_tag()}", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes 0600 files; published files get what open() would give (0644 usually)
        os.chmod(tmp_path, 0o666 & ~_umask())
        try:
            if _is_special(target):
                # A device or pipe (-o /dev/null, /dev/stdout) is written into, never replaced:
                # renaming over /dev/null as root would turn it into a plain file.
                with open(tmp_path, "rb") as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                tmp_path.unlink()
            else:
                os.replace(tmp_path, target)
        except OSError as exc:
            raise _cannot_write(target, exc) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def _is_special(target: Path) -> bool:
    """True when `target` exists and is neither a regular file nor a folder (a device, a pipe)."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temp folder next to `target`; on success it replaces `target` (an older folder is
    moved aside first, then removed), on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.{owner_tag()}", suffix=".part", dir=target.parent)
    )
    try:
        yield tmp
        mode = 0o777 & ~_umask()
        os.chmod(tmp, mode)
        for path in tmp.rglob("*"):
            os.chmod(path, mode if path.is_dir() else mode & 0o666)
        old = None
        if target.exists():
            old = Path(
                tempfile.mkdtemp(
                    prefix=f".{target.name}.{owner_tag()}", suffix=".old", dir=target.parent
                )
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


def temp_dir(kind: str) -> tempfile.TemporaryDirectory:
    """A temporary folder in $TMPDIR named for this process (see `sweep_dead_runs`)."""
    return tempfile.TemporaryDirectory(prefix=f"readaloud-{owner_tag()}{kind}-")


def _dead(name: str) -> bool | None:
    """True when `name` was made by a process of this host that no longer runs; None if the
    name carries no owner."""
    match = _TAG.search(name)
    if match is None:
        return None
    pid, host = int(match.group(1)), match.group(2)
    if host != _HOST or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def sweep_dead_runs(folder: Path, *, temp_folders: bool = False) -> int:
    """Remove what killed runs left in `folder`: `.part` files (and, with `temp_folders`, the
    `readaloud-...` folders of $TMPDIR) whose owner process is gone. Returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        name = entry.name
        is_part = name.startswith(".") and name.endswith(".part")
        is_dir = temp_folders and name.startswith("readaloud-")
        if not (is_part or is_dir):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if uid is not None and info.st_uid != uid:
                continue
            dead = _dead(name)
            if dead is None:
                # An unowned name (an older readaloud): a .part file that nobody touched for a
                # while is debris; an unowned folder in $TMPDIR might belong to a live run.
                dead = is_part and time.time() - info.st_mtime > LEGACY_STALE_S
            if not dead:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            elif entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
            else:
                continue
            removed += 1
        except OSError as exc:
            logger.debug("could not remove %s: %s", entry.path, exc)
    if removed:
        logger.info("removed %d temp files of interrupted runs from %s", removed, folder)
    return removed


def check_writable(folder: Path, what: str, *, probe_bytes: int = 64 * 1024) -> None:
    """Make `folder` if needed and prove it takes a small file; OutputError naming it if not."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{owner_tag()}probe-", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(b"\0" * probe_bytes)
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            with contextlib.suppress(OSError):
                os.unlink(probe)
    except OSError as exc:
        raise write_error(exc, folder, what) from exc


def write_error(exc: OSError, folder: Path, what: str) -> OutputError:
    """A one-line error for a failed write that names the folder and what to do."""
    if exc.errno in FULL:
        return OutputError(
            f"the {what} {folder} is full. Free some space or choose another folder."
        )
    if exc.errno in READ_ONLY:
        return OutputError(
            f"the {what} {folder} is not writable ({exc.strerror}). "
            "Fix its permissions or choose another folder."
        )
    return OutputError(f"cannot write to the {what} {folder}: {exc.strerror or exc}.")
