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
    """Threads in this process; one engine instance serves every thread (the registry's).

    The threads take one utterance at a time, not a whole packet (packets amortize a cluster's
    scheduling; here a task costs nothing), each article's longest first: the threads then end
    together, on the last article's shortest utterances, instead of one thread finishing a
    packet of ten while the others wait."""

    def synthesize(
        self, packets: Sequence[Packet], cache_dir: Path, jobs: int | None
    ) -> Iterator[PacketResult]:
        if not packets:
            return
        workers = self._workers(packets, jobs)
        failed: set[str] = set()
        lock = threading.Lock()

        def run(task: Packet) -> PacketResult:
            with lock:
                skip = task.article in failed
            if skip:  # its article already failed: do not spend time on the rest of it
                return PacketResult(task.article, task.number, error=None)
            result = synthesize_packet(task, cache_dir, inline_audio=False)
            if result.error is not None:
                with lock:
                    failed.add(task.article)
            return result

        tasks = _one_utterance_tasks(packets)
        parts: dict[tuple[str, int], list[PacketResult]] = {}
        whole = {(p.article, p.number): p for p in packets}

        def landed(result: PacketResult) -> PacketResult | None:
            """The whole packet's result once its last utterance is back."""
            key = (result.article, result.number)
            parts.setdefault(key, []).append(result)
            if len(parts[key]) < len(whole[key].utterances):
                return None
            return _merge(whole[key], parts.pop(key))

        if workers == 1:
            for number, task in enumerate(tasks, 1):
                result = run(task)
                if number == len(tasks):
                    self._release(packets)
                if (done := landed(result)) is not None:
                    yield done
            return
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="readaloud-synth")
        try:
            pending: set[Future] = {pool.submit(run, task) for task in tasks}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                if not pending:
                    self._release(packets)
                for future in done:
                    if (finished := landed(future.result())) is not None:
                        yield finished
        finally:
            # On error or Ctrl-C, drop queued tasks; running ones finish (and are cached).
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
        utterances = sum(len(p.utterances) for p in packets)  # the threads take one at a time
        workers = max(1, min(jobs or min(default_jobs(e) for e in engines.values()), utterances))
        if workers > 1 and not all(e.parallel_safe for e in engines.values()):
            logger.info("An engine of this batch runs one utterance at a time; using one worker")
            workers = 1
        for preset, engine in engines.items():
            engine.prepare(preset, workers)
        return workers


def _one_utterance_tasks(packets: Sequence[Packet]) -> list[Packet]:
    """Every utterance as a packet of its own (same article and number), articles in order,
    each article's longest utterances first."""
    by_article: dict[str, list[Packet]] = {}
    for p in packets:
        by_article.setdefault(p.article, []).extend(
            Packet(p.article, p.number, p.preset, (u,)) for u in p.utterances
        )
    return [
        task
        for tasks in by_article.values()
        for task in sorted(tasks, key=lambda task: -len(task.utterances[0].text))
    ]


def _merge(packet: Packet, results: list[PacketResult]) -> PacketResult:
    """One packet's result from its utterances' results: clips in the packet's order, the
    first error."""
    error = next((r.error for r in results if r.error is not None), None)
    skipped = any(r.error is None and not r.clips for r in results)
    if error is not None or skipped:
        return PacketResult(packet.article, packet.number, error=error)
    clips = dict(clip for r in results for clip in r.clips)
    ordered = tuple((u.key, clips[u.key]) for u in packet.utterances)
    return PacketResult(packet.article, packet.number, ordered, sum(r.synthesized for r in results))
