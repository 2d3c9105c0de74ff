"""Extraction quality: bag-of-words F1 of the cleaned Markdown against reference article text.

For each NAME.html in the folder (default ../shared/examples/extraction) with a NAME.txt next to
it, run load_article + article_to_markdown and compare lower-cased word tokens as multisets.

    python benchmarks/extraction_f1.py [FOLDER] [--min 0.95]

Exits 1 when the average F1 is below --min.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from readaloud.sources import load_article
from readaloud.sources.render import article_to_markdown

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "examples" / "extraction"
_WORD_RE = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    """Lower-cased word tokens with their counts."""
    return Counter(_WORD_RE.findall(text.lower()))


def f1(candidate: str, reference: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the candidate's tokens against the reference's."""
    got, want = tokens(candidate), tokens(reference)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--min", type=float, default=0.95, help="minimum average F1")
    args = parser.parse_args(argv)
    pages = sorted(p for p in args.folder.glob("*.html") if p.with_suffix(".txt").exists())
    if not pages:
        print(f"no NAME.html + NAME.txt pairs in {args.folder}", file=sys.stderr)
        return 2
    scores = []
    print(f"{'page':45} {'P':>6} {'R':>6} {'F1':>6} {'sec':>6}")
    for page in pages:
        start = time.perf_counter()
        markdown = article_to_markdown(load_article(str(page)))
        elapsed = time.perf_counter() - start
        reference = page.with_suffix(".txt").read_text(encoding="utf-8")
        precision, recall, score = f1(markdown, reference)
        scores.append(score)
        print(f"{page.stem:45} {precision:6.3f} {recall:6.3f} {score:6.3f} {elapsed:6.2f}")
    average = sum(scores) / len(scores)
    print(f"{'average':45} {'':6} {'':6} {average:6.3f}")
    return 0 if average >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
