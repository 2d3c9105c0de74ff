"""Throughput of a batch on a Dask LocalCluster: 1 worker against 2, side by side in one run.

Part A: a batch of short articles (the shared example pages) on 1 worker, then on 2.
Part B: one long article (the 20,000-word article of benchmarks/memory_20k.py), 1 worker then 2:
        only the packet split can spread one article over two workers.
Each conversion starts from an empty clip cache. Also measured: each worker's peak RSS and CPU
seconds, the client's per-episode work (the same batch again with every clip cached, --force:
planning, assembly, loudness, encoding, files), and the scheduler's per-task overhead (no-op
tasks). These are the figures behind the README's sizing table.

    python benchmarks/cluster_scaling.py [--words 20000] [--articles 4] [--skip-long]

Targets on a quiet 2-core machine: both throughput ratios (2 workers / 1 worker) >= 1.6.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"
sys.path.insert(0, str(ROOT / "benchmarks"))
from memory_20k import build_article  # noqa: E402  (the same long article)

BATCH = [  # shortest first, so --articles N picks the quickest N (spoken words: 900-2,800)
    "markdown/rust-check-cfg.md",
    "html/daringfireball-iphone-16e.html",
    "html/parallels-desktop-faq.html",
    "markdown/homebrew-faq.md",
]
NOOP_TASKS = 2000


def _usage() -> tuple[float, int]:
    """CPU seconds and peak RSS (KiB) of the calling process (run on each worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _noop(x: int) -> int:
    return x


def run_batch(sources: list[str], workers: int, work: Path, label: str) -> dict:
    """Convert `sources` on a fresh LocalCluster of `workers` processes, empty cache."""
    import readaloud
    from readaloud import ConvertOptions, SynthOptions
    from readaloud.cluster import DaskRunner

    out, cache = work / f"{label}-out", work / f"{label}-cache"
    options = ConvertOptions(synth=SynthOptions(cache_dir=cache, progress=False))
    with DaskRunner.open("local", workers=workers) as runner:
        client = runner.client
        before = client.run(_usage)
        started = time.perf_counter()
        outcomes = readaloud.convert(sources, out, options, runner=runner)
        elapsed = time.perf_counter() - started
        after = client.run(_usage)
    failed = [o for o in outcomes if o.status.value == "failed"]
    if failed:
        raise SystemExit(f"{label}: {failed[0].source}: {failed[0].detail}")
    cpu = sum(after[w][0] - before[w][0] for w in after)
    peaks = sorted(after[w][1] / 1024 for w in after)
    return {"elapsed": elapsed, "cpu": cpu, "peaks": peaks, "out": out, "cache": cache}


def client_overhead(sources: list[str], done: dict) -> float:
    """Seconds per episode of the client's own work: the batch again, every clip cached."""
    import readaloud
    from readaloud import ConvertOptions, SynthOptions

    options = ConvertOptions(
        synth=SynthOptions(cache_dir=done["cache"], progress=False), force=True
    )
    started = time.perf_counter()
    readaloud.convert(sources, done["out"], options)
    return (time.perf_counter() - started) / len(sources)


def scheduler_overhead() -> float:
    """Milliseconds per task of the scheduler, from no-op tasks on 2 workers."""
    from readaloud.cluster import DaskRunner

    with DaskRunner.open("local", workers=2) as runner:
        client = runner.client
        client.gather(client.map(_noop, range(100), pure=False))  # warm up
        started = time.perf_counter()
        client.gather(client.map(_noop, range(NOOP_TASKS), pure=False))
        return (time.perf_counter() - started) / NOOP_TASKS * 1000


def side_by_side(name: str, sources: list[str], work: Path) -> dict:
    one = run_batch(sources, 1, work, f"{name}-1")
    two = run_batch(sources, 2, work, f"{name}-2")
    ratio = one["elapsed"] / two["elapsed"]
    print(f"\n{name}: {len(sources)} article(s)")
    for label, run in (("1 worker ", one), ("2 workers", two)):
        peaks = ", ".join(f"{p:.0f}" for p in run["peaks"])
        print(
            f"  {label}: {run['elapsed']:7.1f} s wall, {run['cpu']:7.1f} s worker CPU, "
            f"peak RSS per worker {peaks} MiB"
        )
    print(f"  throughput ratio 2 workers / 1 worker: {ratio:.2f} (target >= 1.6)")
    return one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000, help="length of the long article")
    parser.add_argument("--articles", type=int, default=len(BATCH), help="short articles (<= 4)")
    parser.add_argument("--skip-long", action="store_true", help="only the batch of short ones")
    args = parser.parse_args()
    if not EXAMPLES.is_dir():
        raise SystemExit(f"needs the shared examples in {EXAMPLES}")
    work = Path(tempfile.mkdtemp(prefix="readaloud-cluster-"))
    batch = [str(EXAMPLES / name) for name in BATCH[: args.articles]]

    one = side_by_side("batch", batch, work)
    per_article = one["cpu"] / len(batch)
    overhead = client_overhead(batch, one)
    if not args.skip_long:
        long_article = work / "long.md"
        long_article.write_text(build_article(args.words), encoding="utf-8")
        print(f"\nlong article: {len(long_article.read_text().split())} words")
        side_by_side("long", [str(long_article)], work)
    per_task = scheduler_overhead()

    print("\nsizing figures")
    print(f"  worker CPU per short article: {per_article:.1f} s (mean of the batch)")
    print(f"  client work per episode (all clips cached): {overhead:.2f} s")
    print(f"  scheduler overhead per task: {per_task:.2f} ms ({NOOP_TASKS} no-op tasks)")
    print(f"output: {work}")


if __name__ == "__main__":
    main()
