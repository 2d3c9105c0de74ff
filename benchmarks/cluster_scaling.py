"""Throughput of a batch on a Dask LocalCluster: 1 worker against 2, side by side in one run.

Part A: a batch of short articles (the shared example pages) on 1 worker, then on 2.
Part B: one long article (the 20,000-word article of benchmarks/memory_20k.py), 1 worker then 2:
        only the packet split can spread one article over two workers.
Each conversion starts from an empty clip cache. Also measured: each worker's peak RSS and CPU
seconds, the client's per-episode work (the same batch again with every clip cached, --force:
planning, assembly, loudness, encoding, files), and the scheduler's per-task overhead (no-op
tasks). These are the figures behind the README's sizing table, which it prints at the end
(articles a day for 1, 8 and 64 worker cores, for articles of --size words).

    python benchmarks/cluster_scaling.py [--words 20000] [--articles 4] [--skip-long] [--size 1500]

Targets on a quiet 2-core machine: both throughput ratios (2 workers / 1 worker) >= 1.6.
"""

from __future__ import annotations

import argparse
import os
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
DAY_S = 86_400
CORES = (1, 8, 64)


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


def spoken_words(sources: list[str]) -> int:
    """Words the voice speaks for `sources` (their speech scripts)."""
    import readaloud

    return sum(len(readaloud.make_script(s).to_text().split()) for s in sources)


def client_overhead(sources: list[str], done: dict) -> float:
    """Seconds per episode of the client's own work: the batch again, every clip cached. The
    loudness plans kept from the first run are dropped first, so each episode is measured as a
    new article's would be (a re-render reusing them is about 1 s cheaper an episode)."""
    import shutil

    import readaloud
    from readaloud import ConvertOptions, SynthOptions

    shutil.rmtree(Path(done["cache"]) / "loudness", ignore_errors=True)

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
    return {"one": one, "two": two, "ratio": ratio}


def sizing_table(worker_s: float, client_s: float, task_ms: float, size: int) -> None:
    """Articles a day of `size` words: linear in worker cores until the client's writing (or
    the scheduler, at about ten tasks an article) is the limit."""
    per_core = DAY_S / worker_s
    ceilings = {"the client": DAY_S / client_s, "the scheduler": DAY_S / (task_ms / 100)}
    limit, ceiling = min(ceilings.items(), key=lambda item: item[1])
    print(f"\n| worker cores | articles/day ({size:,}-word articles) | limited by |")
    print("| --- | --- | --- |")
    for cores in CORES:
        workers = cores * per_core
        if workers <= ceiling:
            print(f"| {cores} | about {workers:,.0f} | the workers |")
        else:
            print(
                f"| {cores} | about {ceiling:,.0f} ({workers:,.0f} if the workers were the "
                f"limit) | {limit} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000, help="length of the long article")
    parser.add_argument("--articles", type=int, default=len(BATCH), help="short articles (<= 4)")
    parser.add_argument("--skip-long", action="store_true", help="only the batch of short ones")
    parser.add_argument("--size", type=int, default=1500, help="article words in the table")
    args = parser.parse_args()
    if not EXAMPLES.is_dir():
        raise SystemExit(f"needs the shared examples in {EXAMPLES}")
    work = Path(tempfile.mkdtemp(prefix="readaloud-cluster-"))
    batch = [str(EXAMPLES / name) for name in BATCH[: args.articles]]

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    words = spoken_words(batch)
    short = side_by_side("batch", batch, work)
    one = short["one"]
    overhead = client_overhead(batch, one)
    print(f"  client work per episode, all clips cached: {overhead:.2f} s")
    long = None
    if not args.skip_long:
        long_article = work / "long.md"
        long_article.write_text(build_article(args.words), encoding="utf-8")
        print(f"\nlong article: {len(long_article.read_text().split())} words")
        long = side_by_side("long", [str(long_article)], work)
    per_task = scheduler_overhead()
    print(f"\nscheduler overhead per task: {per_task:.2f} ms")

    per_word = one["cpu"] / words
    client_per_word = overhead * len(batch) / words
    peaks = [
        p for part in (short, long) if part for run in ("one", "two") for p in part[run]["peaks"]
    ]
    print("\nsizing figures")
    print(f"  spoken words in the batch: {words} ({words / len(batch):.0f} an article)")
    print(
        f"  worker CPU per spoken word: {per_word * 1000:.1f} ms "
        f"({one['cpu'] / len(batch):.1f} s an article of the batch; "
        f"{per_word * args.size:.0f} s for {args.size:,} words)"
    )
    print(f"  peak memory of a worker (1 thread): {min(peaks):.0f}-{max(peaks):.0f} MiB")
    print(
        f"  client work per episode, all clips cached: {overhead:.2f} s "
        f"({client_per_word * args.size:.2f} s for {args.size:,} words)"
    )
    print(f"  scheduler overhead per task: {per_task:.2f} ms ({NOOP_TASKS} no-op tasks)")
    print(
        f"  throughput ratios 2/1 workers: batch {short['ratio']:.2f}"
        + (f", long article {long['ratio']:.2f}" if long else "")
        + " (targets >= 1.6)"
    )
    sizing_table(per_word * args.size, client_per_word * args.size, per_task, args.size)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"output: {work}")


if __name__ == "__main__":
    main()
