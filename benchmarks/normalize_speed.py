"""How fast is normalization? Builds a 20,000-word article from the seed article (plus any
extra text files given on the command line) and times sentence splitting + normalization the
way the script stage runs it (per sentence), and in one call on the whole text.

    python benchmarks/normalize_speed.py [--words 20000] [extra.txt ...]
    python benchmarks/normalize_speed.py --runs   # long runs of one character: linear growth?

Issue 5 asks for under 1 second for 20,000 words.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from readaloud.script.lexicon import Lexicon, LexiconEntry, builtin_lexicon
from readaloud.script.normalize import normalize
from readaloud.script.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
# Dense with the hard cases, so the rules have work to do beyond the seed's prose.
DENSE = (
    "On Sept. 4, 2025 at 10:30 a.m. EST, Dr. Smith of the U.S. said the $3.2bn deal (about "
    "€2.9 billion) would lift GDP by 0.5% to 1.5%, i.e. 2024–25 growth of 3/4 of a point. "
    "World War II ended in 1945; Elizabeth II reigned 1952-2022. Call 555-123-4567 or visit "
    "https://www.example.com/news. NATO, the CEO and the FBI met in St. Louis on Main St. "
)


def build_article(words: int, extra: list[Path]) -> str:
    sources = [(ROOT / "examples" / "seed-article.txt").read_text(encoding="utf-8"), DENSE]
    sources += [path.read_text(encoding="utf-8", errors="replace") for path in extra]
    base = "\n\n".join(sources)
    base_words = len(base.split())
    text = "\n\n".join([base] * (words // base_words + 1))
    # Cut to the word count on a whitespace boundary.
    return " ".join(text.split(" ")[: int(words * len(text.split(" ")) / len(text.split()))])


RUN_UNITS = (" ", ".", "1-", "…", "a-")


def time_runs() -> None:
    """Pathological runs (spaces, dots, "1-1-1", ellipses, "a-a-a") at 30k and 60k characters:
    a time ratio near 2 is linear; a backtracking pattern shows as 4 or far more."""
    print(f"{'run':>8} {'30k chars s':>12} {'60k chars s':>12} {'ratio':>6}")
    for unit in RUN_UNITS:
        seconds = []
        for size in (30_000, 60_000):
            text = unit * (size // len(unit))
            best = float("inf")
            for _ in range(3):  # best of 3: the machines are shared
                start = time.perf_counter()
                normalize(text)
                split_sentences(text)
                best = min(best, time.perf_counter() - start)
            seconds.append(best)
        print(f"{unit!r:>8} {seconds[0]:12.3f} {seconds[1]:12.3f} {seconds[1] / seconds[0]:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--runs", action="store_true", help="time long runs of one character")
    parser.add_argument("extra", nargs="*", type=Path)
    args = parser.parse_args()
    if args.runs:
        time_runs()
        return
    text = build_article(args.words, args.extra)
    words = len(text.split())
    lexicon = builtin_lexicon()  # the pipeline always includes it
    normalize("warm up: the 80th U.S. $3.2bn", "en", lexicon)  # build the cached regexes once

    start = time.perf_counter()
    changes = sentences = 0
    for paragraph in text.split("\n"):
        for sentence in split_sentences(paragraph):
            sentences += 1
            changes += sum(1 for span in normalize(sentence, "en", lexicon) if span.changed)
    per_sentence = time.perf_counter() - start

    start = time.perf_counter()
    whole = normalize(text, "en", lexicon)
    one_call = time.perf_counter() - start

    # A publisher-sized lexicon: 3,000 names, matched in the same single pass.
    names = [f"Name{i} Surname{i % 97}" for i in range(3000)] + ["Kim Jong Un"]
    big = builtin_lexicon().merge(Lexicon([LexiconEntry(n, n.upper()) for n in names]))
    start = time.perf_counter()
    normalize(text, "en", big)
    with_big_lexicon = time.perf_counter() - start

    print(f"article: {words} words, {len(text)} characters, {sentences} sentences")
    print(f"split + normalize per sentence: {per_sentence:.3f} s ({changes} changes)")
    print(f"normalize whole text in one call: {one_call:.3f} s ({len(whole)} spans)")
    print(f"normalize whole text with a 3,000-entry lexicon: {with_big_lexicon:.3f} s")
    verdict = "OK" if max(per_sentence, one_call) < 1.0 else "TOO SLOW"
    print(f"target < 1 s for 20,000 words: {verdict}")


if __name__ == "__main__":
    main()
