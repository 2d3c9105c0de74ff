"""Batches on a Dask cluster: one more runner for the same plan (packets + one assembly).

`DaskRunner` sends an article's synthesis packets to Dask workers and yields their results;
the client plans, assembles and writes every file exactly as a local run does. Needs the
optional extra `readaloud[cluster]` (dask[distributed]).
"""

from __future__ import annotations

from .connect import LOCAL, check_address, connect
from .runner import DaskRunner

__all__ = ["LOCAL", "DaskRunner", "check_address", "connect"]
