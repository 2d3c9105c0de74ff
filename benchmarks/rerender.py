"""Re-render after a one-word edit, cache warm: wall time, and where the time goes.

A cold `readaloud convert` of the article fills a fresh cache. Then each round changes one
word of one sentence (a different sentence each round, the earlier edits reverted, so exactly
one utterance is new) and converts again into the same folder. The timed rounds run without a
profiler; one more edited round runs under cProfile for the breakdown (the profiler adds some
overhead, so its parts sum to a little more than a plain run).

    python benchmarks/rerender.py [ARTICLE] [--rounds 3]

Target (issue 15): at most 3 s wall on the seed.
"""

from __future__ import annotations

import argparse
import pstats
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import rss  # noqa: E402  (the process-tree RSS sampler)

# (label, file suffix, function): cumulative times read from the profile
PARTS = [
    ("plan: source, script, cache look-ups", "pipeline/plan.py", "plan_article"),
    ("synthesis: model load", "engines/piper_session.py", "__init__"),
    ("synthesis: the new utterance", "engines/piper_session.py", "synthesize"),
    # With the last loudness plan reused, the MP3 encoder takes the episode as it is stitched:
    # the stitch then holds the encode, and the measurement and the file encode do not run.
    ("audio: stitch clips + pauses (+ the encode, streamed)", "audio/assemble.py", "assemble"),
    ("audio: loudness measurement", "audio/loudness.py", "plan"),
    ("audio: encode of a stitched WAV", "audio/encode.py", "encode"),
    ("audio: MP3 tags + chapters", "audio/tags.py", "write_mp3_tags"),
    ("episode files (sidecars, sync, transcripts)", "publish/episode.py", "write_episode"),
]


def edit(text: str, number: int) -> str:
    """The article with the `number`-th " the " (counted from the 7th, every 7th) made " this "."""
    spots = [m.start() for m in re.finditer(r" the ", text)]
    at = spots[(7 * (number + 1)) % len(spots)]
    return text[:at] + " this " + text[at + len(" the ") :]


def breakdown(profile: Path, wall: float) -> None:
    stats = pstats.Stats(str(profile)).stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total = max(ct for (_, _, _), (_, _, _, ct, _) in stats.items())

    def cumulative(suffix: str, func: str) -> float:
        return sum(
            ct
            for (file, _, name), (_, _, _, ct, _) in stats.items()
            if file.endswith(suffix) and name == func
        )

    run = cumulative("pipeline/batch.py", "convert")
    print(f"breakdown (under cProfile, {wall:.2f} s wall):")
    print(f"  {'start-up: interpreter + imports + CLI':54s} {total - run:6.2f} s")
    parts = {label: cumulative(suffix, func) for label, suffix, func in PARTS}
    episode = parts.pop("episode files (sidecars, sync, transcripts)")
    inside = sum(
        parts[k] for k in parts if k.startswith("audio:")
    )  # render() runs inside write_episode
    for label, seconds in parts.items():
        print(f"  {label:54s} {seconds:6.2f} s")
    print(f"  {'episode files (sidecars, sync, transcripts)':54s} {episode - inside:6.2f} s")
    rest = run - sum(parts.values()) - (episode - inside)
    print(f"  {'other (runner, cache writes, manifest)':54s} {rest:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", default=str(ROOT / "examples" / "seed-article.txt"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    original = Path(args.article).read_text(encoding="utf-8")
    work = Path(tempfile.mkdtemp(prefix="readaloud-rerender-"))
    article = work / f"article{Path(args.article).suffix}"
    article.write_text(original, encoding="utf-8")

    def convert(*extra: str) -> list[str]:
        return rss.convert_cmd(article, work / "out", work / "cache", *extra)

    cold = rss.run(convert())
    print(f"cold convert: {cold.wall_s:.1f} s, load {rss.load()}")
    walls = []
    for number in range(args.rounds):
        article.write_text(edit(original, number), encoding="utf-8")
        usage = rss.run(convert())
        walls.append(usage.wall_s)
        print(
            f"re-render {number + 1} (one word changed): {usage.wall_s:.2f} s wall, "
            f"{usage.cpu_s:.2f} s CPU, peak {usage.tree_peak_mib:.0f} MiB, load {rss.load()}"
        )
    print(f"median re-render: {statistics.median(walls):.2f} s (target <= 3 s)")
    article.write_text(edit(original, args.rounds), encoding="utf-8")
    profile = work / "rerender.prof"
    profiled = rss.run(convert("-m", "cProfile", "-o", str(profile)))
    breakdown(profile, profiled.wall_s)


if __name__ == "__main__":
    main()
