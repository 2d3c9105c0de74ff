"""Peak memory (and time) of `readaloud convert` on a 20,000-word article, cold cache.

The article is built from the seed article's paragraphs: copies under new section headings,
each sentence made unique (so nothing is a cache hit and the whole text is synthesized).

    python benchmarks/memory_20k.py [--words 20000]

Target: peak RSS of the whole process tree (the Python process and its ffmpeg children, sampled
by benchmarks/rss.py) at most 500 MiB with default settings.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import rss  # noqa: E402  (the process-tree RSS sampler)

SEED = ROOT / "examples" / "seed-article.txt"


def build_article(words: int) -> str:
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 25]
    out = ["# A Very Long Read", ""]
    count, part = 0, 0
    while count < words:
        part += 1
        out += [f"## Part {part}", ""]
        for number, paragraph in enumerate(paragraphs, 1):
            text = re.sub(r"\s+", " ", paragraph).strip()
            # every sentence unique, so nothing is a cache hit
            text = re.sub(r"(?<=[.!?]) (?=[A-Z])", f" In part {part}: ", text)
            text = f"In part {part}, note {number}: {text}"
            out += [text, ""]
            count += len(text.split())
            if count >= words:
                break
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="readaloud-mem-"))
    article = work / "long.md"
    article.write_text(build_article(args.words), encoding="utf-8")
    print(f"article: {len(article.read_text().split())} words")
    cmd = rss.convert_cmd(article, work / "out", work / "cache")
    print(f"load average before: {rss.load()}")
    usage = rss.run(cmd)
    elapsed = usage.wall_s
    mp3 = next((work / "out").glob("*.mp3"))
    manifest = mp3.with_suffix(".json").read_text()
    duration = int(re.search(r'"duration_ms": (\d+)', manifest).group(1)) / 1000
    print(f"audio: {duration / 60:.1f} min, MP3 {mp3.stat().st_size / 1e6:.1f} MB")
    print(f"convert wall time: {elapsed:.1f} s (real-time factor {elapsed / duration:.3f})")
    print(
        f"peak RSS of convert: {usage.tree_peak_mib:.0f} MiB for the process tree (largest "
        f"single process {usage.self_peak_mib:.0f} MiB; target <= 500 MiB), load {rss.load()}"
    )


if __name__ == "__main__":
    main()
