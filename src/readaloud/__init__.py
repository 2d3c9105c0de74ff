"""readaloud: turn articles into podcast-ready, accessible audio.

The Python API (`convert`, `make_script` and their options and results) is importable from
here; `readaloud.api` lists it.
"""

from ._version import __version__
from .api import *  # noqa: F403  (the public API, listed in api.__all__)
from .api import __all__ as _api

__all__ = ["__version__", *_api]
