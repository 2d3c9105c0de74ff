"""DaskRunner: the Runner that synthesizes a batch's packets on Dask workers.

Only synthesis runs on the cluster. Planning, up-to-date checks, assembly and every file in
the output folder stay with the caller (`readaloud.convert`), so a cluster run writes what a
local run writes. A worker that dies loses nothing: the scheduler hands its packets to other
workers, up to MAX_WORKER_DEATHS times per packet (the scheduler's
allowed-failures); an error raised inside a packet task is
retried TASK_RETRIES times; after that the packet's article fails and the batch goes on.
"""

from __future__ import annotations

import logging
import queue
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..synth.packets import Packet, PacketResult
from .connect import WORKER_WAIT_S, ClusterError, Connection, connect
from .worker import run_packet, worker_cache

logger = logging.getLogger(__name__)

TASK_RETRIES = 1
POLL_S = 2.0


class DaskRunner:
    """Run synthesis packets on a Dask cluster (implements readaloud's Runner protocol).

    `DaskRunner.open("tcp://host:8786")` connects (`"local"` starts a LocalCluster of
    `workers` processes); use it as a context manager, or call `close()`.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.client = connection.client

    @classmethod
    def open(
        cls, address: str, *, workers: int | None = None, dashboard: bool = False
    ) -> DaskRunner:
        return cls(connect(address, workers=workers, dashboard=dashboard))

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def synthesize(
        self, packets: Sequence[Packet], cache_dir: Path, jobs: int | None
    ) -> Iterator[PacketResult]:
        """Submit every packet at once (Dask balances and steals work), yield results as they
        complete, with the audio in memory. A packet lost for good becomes a PacketResult
        carrying the error. `jobs` is not used: each worker's budget decides its sessions."""
        target = worker_cache(Path(cache_dir))
        batch = uuid.uuid4().hex[:8]
        finished: queue.SimpleQueue = queue.SimpleQueue()
        futures = {}
        for packet in packets:
            future = self.client.submit(
                run_packet,
                packet,
                target,
                self.connection.versions,
                key=f"readaloud-{batch}-{packet.article}-{packet.number}",
                pure=False,
                retries=TASK_RETRIES,
            )
            futures[future] = packet
            future.add_done_callback(finished.put)
        idle_since: float | None = None
        try:
            while futures:
                try:
                    future = finished.get(timeout=POLL_S)
                except queue.Empty:
                    idle_since = self._check_alive(idle_since)
                    continue
                idle_since = None
                if future in futures:
                    yield self._result(future, futures.pop(future))
        finally:
            # On an error or when the caller stops early, drop what is still queued.
            for future in futures:
                future.cancel()

    def _result(self, future, packet):
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            error = ClusterError(
                f"packet {packet.number + 1} was lost: every worker that ran it died "
                "(killed or out of memory), as many times as the scheduler allows."
            )
        except ClusterError as exc:
            error = exc
        except Exception as exc:  # an error inside the task after its retries
            if self.client.status in ("closing", "closed"):
                raise ClusterError(f"lost the Dask scheduler: {exc}") from None
            error = ClusterError(f"packet {packet.number + 1} failed on the cluster: {exc}")
        finally:
            future.release()
        return PacketResult(packet.article, packet.number, (), 0, error=error)

    def _check_alive(self, idle_since: float | None) -> float | None:
        """Nothing finished for a while: fail the batch when the cluster has no worker left."""
        if self.client.status != "running":
            raise ClusterError(f"lost the Dask scheduler {self.connection.address}.")
        if self.client.scheduler_info().get("workers"):
            return None
        now = time.monotonic()
        if idle_since is None:
            logger.warning("The cluster has no worker; waiting up to %.0f s", WORKER_WAIT_S)
            return now
        if now - idle_since > WORKER_WAIT_S:
            raise ClusterError(
                f"the cluster has had no worker for {WORKER_WAIT_S:.0f} s; the batch stops."
            )
        return idle_since
