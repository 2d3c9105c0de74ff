"""What runs inside a Dask worker: one synthesis packet, within the worker's memory budget.

The engine registry keeps one engine per process, so a worker process loads each voice once
and reuses it for every packet it is given (the worker-local voice cache). A worker runs at
most as many voice sessions at once as its memory budget allows, whatever its thread count.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import MEMORY_ENV, THREADS_ENV, memory_budget_mb
from .connect import ClusterError, local_versions, version_problem

if TYPE_CHECKING:
    from ..synth.packets import Packet

# The temporary clip folder of a `--no-cache` run (pipeline/batch.py) starts with this.
NO_CACHE_PREFIX = "readaloud-clips-"

_lock = threading.Lock()
_gates: dict[str, threading.BoundedSemaphore] = {}
_sessions: dict[str, int] = {}
_prepared: set = set()


def worker_budget_mb(memory_limit: int | None) -> int:
    """READALOUD_MEMORY_MB when the worker has it, else the worker's Dask memory limit."""
    if os.environ.get(MEMORY_ENV) or not memory_limit:
        return memory_budget_mb()
    return memory_limit // 2**20


def _gate(preset, nthreads: int, memory_limit: int | None) -> threading.BoundedSemaphore:
    """One semaphore per engine and worker process: how many packets may synthesize at once."""
    from ..engines.registry import get_engine
    from ..synth import default_jobs

    with _lock:
        gate = _gates.get(preset.engine)
        engine = get_engine(preset.engine)
        if gate is None:
            # The engine's sessions share the worker's threads, not the machine's cores, and
            # its speech in flight the worker's budget (engines read READALOUD_MEMORY_MB).
            budget = worker_budget_mb(memory_limit)
            os.environ.setdefault(THREADS_ENV, str(nthreads))
            os.environ.setdefault(MEMORY_ENV, str(budget))
            sessions = default_jobs(engine, cores=nthreads, budget_mb=budget)
            gate = _gates[preset.engine] = threading.BoundedSemaphore(sessions)
            _sessions[preset.engine] = sessions
        if preset not in _prepared:
            engine.prepare(preset, _sessions[preset.engine])
            _prepared.add(preset)
        return gate


def worker_cache(client_cache: Path) -> str | None:
    """The clip folder the workers are given for a client's clip folder: the same path when
    the user chose it (a shared folder, or this machine), "" for each worker's own user cache
    when the client uses its default, None (no worker cache) when the client caches nothing."""
    from ..synth.run import default_cache_dir

    if client_cache == default_cache_dir():
        return ""
    if client_cache.parent == Path(tempfile.gettempdir()) and client_cache.name.startswith(
        NO_CACHE_PREFIX
    ):
        return None
    return str(client_cache)


def run_packet(packet: Packet, cache: str | None, versions: dict[str, str | None]):
    """The Dask task: synthesize one packet on this worker (refused on a version mismatch).

    `cache` is what `worker_cache` chose. The audio comes back in memory: the client may be on
    another machine."""
    from distributed import get_worker

    from ..synth.packets import synthesize_packet
    from ..synth.run import default_cache_dir

    worker = get_worker()
    problem = version_problem(versions, {worker.address: {"packages": local_versions()}})
    if problem:
        raise ClusterError(problem)
    gate = _gate(packet.preset, worker.state.nthreads, worker.memory_manager.memory_limit)
    folder = None if cache is None else Path(cache) if cache else default_cache_dir()
    with gate:
        return synthesize_packet(packet, folder, inline_audio=True)


def voice_loads() -> dict[str, int]:
    """Voice sessions loaded so far in this process, per engine (what tests check)."""
    from ..engines.registry import get_engine

    return {name: get_engine(name).sessions_loaded() for name in list(_gates)}
