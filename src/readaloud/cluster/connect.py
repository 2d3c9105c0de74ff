"""Reach a Dask scheduler (or start a LocalCluster), and refuse workers of another version."""

from __future__ import annotations

import functools
import logging
import os
import re
import socket
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import ConfigError, ReadaloudError
from ..paths import memory_budget_mb

if TYPE_CHECKING:
    from distributed import Client, LocalCluster


LOCAL = "local"
# The whole connect (including Dask's own retries) stays well under the 10 s users wait for.
CONNECT_TIMEOUT_S = 5.0
# A local worker's Dask memory limit (at least): the conversion budget plus Dask's own worker
# (measured peak of a 1-thread worker: 580-710 MiB, benchmarks/cluster_scaling.py).
LOCAL_WORKER_MB = 1024
# How long a batch waits for a first worker on a scheduler that has none (adaptive clusters).
WORKER_WAIT_S = 60.0
# A packet whose worker died this many times (killed, out of memory) fails its article.
MAX_WORKER_DEATHS = 3
# These must be the same on the client and every worker: the client computes the clip cache
# keys (readaloud, the engine's version) and the workers make the audio.
MATCHED_PACKAGES = ("readaloud", "piper-tts")
ADDRESS = re.compile(r"(tcp|tls|ws|wss|ucx)://\[?[\w.:-]+\]?:\d{1,5}/?")


class ClusterError(ReadaloudError):
    """The cluster cannot run the batch: unreachable scheduler, mismatched workers, lost work."""


def check_address(address: str) -> str:
    """`local`, or a scheduler address such as tcp://10.0.0.5:8786 (a usage error otherwise)."""
    address = address.strip()
    if address == LOCAL or ADDRESS.fullmatch(address):
        return address
    raise ValueError(f"{address!r} is not a scheduler address: use tcp://HOST:PORT or 'local'.")


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError(
            "running on a Dask cluster needs the cluster extra: pip install 'readaloud[cluster]'."
        ) from None


@functools.cache
def local_versions() -> dict[str, str | None]:
    """This process's versions of the packages that must match across the cluster."""
    found: dict[str, str | None] = {}
    for name in MATCHED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def version_problem(mine: dict[str, str | None], workers: dict[str, Any]) -> str | None:
    """The first package whose version differs between this client and a worker, as a sentence.

    `workers` is the "workers" part of `Client.get_versions(packages=...)`.
    """
    for address, info in sorted(workers.items()):
        theirs = (info or {}).get("packages") or {}
        for name, version in mine.items():
            if theirs.get(name) != version:
                return (
                    f"the worker {address} runs {name} {theirs.get(name) or '(not installed)'}, "
                    f"this client {version or '(not installed)'}. Install the same readaloud "
                    "on every worker (and the client), then restart the workers."
                )
    return None


@dataclass
class Connection:
    """A connected client, the LocalCluster it owns (if any), and what the workers must match."""

    client: Client
    cluster: LocalCluster | None
    versions: dict[str, str | None]
    address: str
    dashboard: str | None = None
    """The dashboard's address (or why there is none), when it was asked for."""

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def connect(address: str, *, workers: int | None = None, dashboard: bool = False) -> Connection:
    """Connect to the scheduler at `address`, or start a LocalCluster of `workers` processes
    for `local`; check that every worker runs this readaloud. Raises ClusterError."""
    _require_dask()
    import dask
    from distributed import Client, LocalCluster

    address = check_address(address)
    cluster = None
    try:
        if address == LOCAL:
            with dask.config.set({"distributed.scheduler.allowed-failures": MAX_WORKER_DEATHS}):
                cluster = LocalCluster(
                    n_workers=workers or max(1, os.cpu_count() or 1),
                    threads_per_worker=1,
                    processes=True,
                    memory_limit=f"{max(memory_budget_mb(), LOCAL_WORKER_MB)}MiB",
                    host="127.0.0.1",
                    scheduler_port=0,
                    dashboard_address="127.0.0.1:0" if dashboard else None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        else:
            _probe(address)
            client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except Exception as exc:  # Dask raises OSError, TimeoutError, and more on odd replies
        if cluster is not None:
            cluster.close()
        where = (
            "start a local Dask cluster" if address == LOCAL else f"reach the scheduler {address}"
        )
        raise ClusterError(
            f"cannot {where} ({type(exc).__name__}: {exc}; waited at most "
            f"{CONNECT_TIMEOUT_S:.0f} s). "
            "Is `dask scheduler` running there and the port open?"
        ) from None
    connection = Connection(client, cluster, local_versions(), address)
    try:
        _check_workers(connection)
    except BaseException:
        connection.close()
        raise
    if dashboard:
        connection.dashboard = _dashboard(client)
    return connection


def _probe(address: str) -> None:
    """Fail at once when nothing listens at a TCP-based scheduler address: Dask itself would
    retry a refused connection until its timeout. Raises OSError."""
    parts = urlsplit(address)
    if parts.scheme != "ucx" and parts.hostname and parts.port:
        with socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_TIMEOUT_S):
            pass


def _dashboard(client: Client) -> str:
    """The dashboard address, or why there is none (the scheduler needs bokeh for it)."""
    if "dashboard" in client.scheduler_info().get("services", {}):
        return client.dashboard_link
    return "none (the scheduler serves one when bokeh is installed beside it)"


def _check_workers(connection: Connection) -> None:
    client = connection.client
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except Exception:
        raise ClusterError(
            f"the scheduler {connection.address} has had no worker for {WORKER_WAIT_S:.0f} s. "
            "Start some with `dask worker ADDRESS`."
        ) from None
    reported = client.get_versions(packages=list(MATCHED_PACKAGES))
    problem = version_problem(connection.versions, reported["workers"])
    if problem:
        raise ClusterError(problem)
