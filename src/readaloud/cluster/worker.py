"""What runs inside a Dask worker: one synthesis packet, within the worker's memory budget.

The engine registry keeps one engine per process, so a worker process loads each voice once
and reuses it for every packet it is given (the worker-local voice cache). A worker runs at
most as many voice sessions at once as its memory budget allows, whatever its thread count.
"""

from __future__ import annotations

import os
import threading

from ..paths import MEMORY_ENV, THREADS_ENV, memory_budget_mb
from .connect import ClusterError, local_versions, version_problem

_lock = threading.Lock()
_gates: dict[str, threading.BoundedSemaphore] = {}


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
        if gate is None:
            # The engine's sessions share the worker's threads, not the machine's cores.
            os.environ.setdefault(THREADS_ENV, str(nthreads))
            engine = get_engine(preset.engine)
            sessions = default_jobs(
                engine, cores=nthreads, budget_mb=worker_budget_mb(memory_limit)
            )
            engine.prepare(preset, sessions)
            gate = _gates[preset.engine] = threading.BoundedSemaphore(sessions)
        return gate


def run_packet(packet, synth, versions: dict[str, str | None]):
    """The Dask task: synthesize one packet on this worker (refused on a version mismatch)."""
    from distributed import get_worker

    from ..pipeline.plan import synthesize_packet

    worker = get_worker()
    problem = version_problem(versions, {worker.address: {"packages": local_versions()}})
    if problem:
        raise ClusterError(problem)
    gate = _gate(packet.preset, worker.state.nthreads, worker.memory_manager.memory_limit)
    with gate:
        return synthesize_packet(packet, synth)


def voice_loads() -> dict[str, int]:
    """Voice sessions loaded so far in this process, per engine (what tests check)."""
    from ..engines.registry import get_engine

    return {name: get_engine(name).sessions_loaded() for name in list(_gates)}
