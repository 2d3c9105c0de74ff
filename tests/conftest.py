"""Shared test setup: isolated user folders, the `net` marker, the example article."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-article.txt"

# Keep tests away from the developer's own cache, config and lexicons.
_HOME = Path(tempfile.mkdtemp(prefix="readaloud-tests-"))
for _var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
    os.environ[_var] = str(_HOME / _var.lower())


def pytest_addoption(parser):
    parser.addoption("--run-net", action="store_true", help="run tests that need the internet")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-net"):
        return
    skip = pytest.mark.skip(reason="needs the internet; use --run-net")
    for item in items:
        if "net" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@contextlib.contextmanager
def serve(handler) -> Iterator[str]:
    """Run an HTTP server with `handler` on 127.0.0.1 (a free port); yield its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def synth_cache(tmp_path_factory) -> Path:
    """One Piper audio cache for the end-to-end tests: an article synthesized by one test is
    a cache hit for the next (the seed episode is converted by more than one test module)."""
    return tmp_path_factory.mktemp("synth-cache")


@pytest.fixture(autouse=True)
def _fresh_readaloud_logger():
    """A CLI run sets the root logger's and the `readaloud` logger's levels for the process
    (--quiet, library logs silenced); each test starts from Python's defaults again, so caplog
    checks do not depend on test order."""
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    logger = logging.getLogger("readaloud")
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
    yield
