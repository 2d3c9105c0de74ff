"""Runners execute synthesis packets. `LocalRunner` uses threads in this process; a cluster
runner (e.g. Dask) implements the same one method and never writes into the output folder."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..engines.registry import get_engine
from ..synth.packets import Packet, PacketResult, synthesize_packet
from ..synth.run import default_jobs

logger = logging.getLogger(__name__)


@runtime_checkable
class Runner(Protocol):
    """Runs `synth.packets.synthesize_packet` for packets, wherever it runs things."""

    def synthesize(
        self, packets: Sequence[Packet], cache_dir: Path, jobs: int | None
    ) -> Iterator[PacketResult]:
        """Yield one PacketResult per packet as each completes (any order).

        `cache_dir` is the client's clip folder (the user cache, or a temp folder when caching
        is off); clips returned as files must be in it, others come back as PCM. `jobs` is the
        user's worker count (None = the runner decides). A packet's own failure is a result
        with `.error`; a failure of the runner itself raises ReadaloudError.
        """
        ...


class LocalRunner:
    """Threads in this process; one engine instance serves every thread (the registry's)."""

    def synthesize(
        self, packets: Sequence[Packet], cache_dir: Path, jobs: int | None
    ) -> Iterator[PacketResult]:
        if not packets:
            return
        workers = self._workers(packets, jobs)
        failed: set[str] = set()
        lock = threading.Lock()

        def run(packet: Packet) -> PacketResult:
            with lock:
                skip = packet.article in failed
            if skip:  # its article already failed: do not spend time on the rest of it
                return PacketResult(packet.article, packet.number, error=None)
            result = synthesize_packet(packet, cache_dir, inline_audio=False)
            if result.error is not None:
                with lock:
                    failed.add(packet.article)
            return result

        if workers == 1:
            for number, packet in enumerate(packets, 1):
                result = run(packet)
                if number == len(packets):
                    self._release(packets)
                yield result
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="readaloud-synth")
        try:
            pending: set[Future] = {pool.submit(run, packet) for packet in packets}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                if not pending:
                    self._release(packets)
                for future in done:
                    yield future.result()
        finally:
            # On error or Ctrl-C, drop queued packets; running ones finish (and are cached).
            pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _release(packets: Sequence[Packet]) -> None:
        """Synthesis is over: let the engines free their models before the last articles are
        encoded (the encoder then runs beside a small process, not beside a loaded model)."""
        for engine in {get_engine(preset.engine) for preset in {p.preset for p in packets}}:
            engine.release()

    @staticmethod
    def _workers(packets: Sequence[Packet], jobs: int | None) -> int:
        """The user's job count, else by core count and memory budget; one thread for an engine
        that is not parallel-safe. Every engine is told how many threads will use it."""
        presets = {p.preset for p in packets}
        engines = {preset: get_engine(preset.engine) for preset in presets}
        workers = max(1, min(jobs or min(default_jobs(e) for e in engines.values()), len(packets)))
        if workers > 1 and not all(e.parallel_safe for e in engines.values()):
            logger.info("An engine of this batch runs one utterance at a time; using one worker")
            workers = 1
        for preset, engine in engines.items():
            engine.prepare(preset, workers)
        return workers
