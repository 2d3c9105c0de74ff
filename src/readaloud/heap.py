"""Handing freed memory back to the system (glibc keeps freed heap pages for reuse otherwise)."""

from __future__ import annotations

import ctypes
import functools


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, looked up once (None elsewhere)."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def trim_heap() -> None:
    """Return freed heap memory to the system (glibc); a no-op elsewhere. Cheap enough to run
    after every utterance: the library is looked up once."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
