"""Run a command and measure its wall time and the peak RSS of its whole process tree.

`ru_maxrss` (what `wait4` reports) is the peak of the single largest process: it misses that the
Python process and its ffmpeg children are resident at the same time. This sampler reads
/proc every `interval` seconds, sums the RSS of the command and all its descendants, and keeps
the largest sum (shared library pages are counted once per process, so it errs high).

    python benchmarks/rss.py -- readaloud convert article.md -o out
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Usage:
    wall_s: float
    tree_peak_mib: float
    """Largest sum of RSS over the process and its descendants (sampled)."""
    self_peak_mib: float
    """ru_maxrss: the largest single process (the command or a reaped child), exact."""
    cpu_s: float
    """User + system CPU seconds of the command and its reaped children."""


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def tree_rss_kib(root: int) -> int:
    """Sum of the resident set sizes of `root` and its descendants, in KiB."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        todo += tree.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE_KIB
        except (OSError, IndexError, ValueError):
            pass
    return total


def run(cmd: list[str], *, interval: float = 0.02, env: dict | None = None) -> Usage:
    """Run `cmd` (stdout discarded) and measure it; exit on failure with its stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kib(proc.pid))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode()[-2000:]}")
    return Usage(
        elapsed,
        max(peak[0], usage.ru_maxrss) / 1024,
        usage.ru_maxrss / 1024,
        usage.ru_utime + usage.ru_stime,
    )


def convert_cmd(article: object, out: object, cache: object, *python_args: str) -> list[str]:
    """A quiet `readaloud convert ARTICLE -o OUT --cache-dir CACHE` in this interpreter."""
    return [sys.executable, *python_args, "-m", "readaloud", "--quiet", "convert", str(article)] + [
        "-o", str(out), "--cache-dir", str(cache)
    ]  # fmt: skip


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    u = run(args)
    print(
        f"wall {u.wall_s:.2f} s, CPU {u.cpu_s:.1f} s, process-tree peak RSS {u.tree_peak_mib:.0f} MiB "
        f"(largest single process {u.self_peak_mib:.0f} MiB), load {load()}"
    )
