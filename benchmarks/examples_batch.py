"""Publisher run over the real example pages: one batch, a feed, then the same batch again.

Converts every HTML and Markdown file in ../shared/examples plus the seed article as one batch
(`readaloud convert`), writes the feed (`readaloud feed`), checks it (required Apple tags,
enclosure lengths, chapters/transcript links), runs the batch again (everything must be up to
date) and compares the refreshed feed byte for byte.

    python benchmarks/examples_batch.py [--out DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"
FEED = ["--base-url", "https://podcast.example.org/episodes/", "--title", "Example Articles",
        "--category", "News", "--image", "https://podcast.example.org/art.png",
        "--owner-name", "Example Editor", "--owner-email", "editor@example.org"]  # fmt: skip


def run(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "readaloud", *args], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    print(proc.stderr.strip())
    if proc.returncode != 0:
        raise SystemExit(f"exit {proc.returncode}: readaloud {' '.join(args)}")
    return elapsed, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="readaloud-batch-"))
    sources = sorted(str(p) for p in EXAMPLES.glob("html/*.html"))
    sources += sorted(str(p) for p in EXAMPLES.glob("markdown/*.md"))
    sources.append(str(ROOT / "examples" / "seed-article.txt"))
    cache = ["--cache-dir", str(out / ".cache")]

    first, _ = run("convert", *sources, "-o", str(out), *cache)
    run("feed", str(out), *FEED)
    feed = out / "feed.xml"
    before = feed.read_bytes()

    from readaloud.publish.feed import check_feed

    problems = check_feed(feed, out)
    second, report = run("convert", *sources, "-o", str(out), *cache)
    run("feed", str(out), *FEED)
    print(f"\nsources: {len(sources)}; episodes: {len(list(out.glob('*.mp3')))}")
    print(f"first batch {first:.1f} s, second batch {second:.1f} s")
    print(f"feed check: {problems or 'OK'}")
    print(f"second batch all up to date: {f'0 converted, {len(sources)} up to date' in report}")
    print(f"feed byte-identical after the second batch: {feed.read_bytes() == before}")
    print(f"output: {out}")


if __name__ == "__main__":
    main()
