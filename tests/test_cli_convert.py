"""`readaloud convert` end to end with the real Piper voice: the seed article, cache, kill/resume."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import SEED
from ffmpeg_oracle import ffmpeg_chapters
from mutagen.id3 import ID3
from test_audio_episode import decode, parse_vtt, true_peak_dbtp

from readaloud.cli import main

pytestmark = pytest.mark.slow

SMALL = """# Small Talk

The weather was fine on Monday. Everyone went outside.

## Plans

We will meet again next week. Bring a friend along.

## Weather

Rain is expected on Friday. Take an umbrella.
"""


def convert(*args: str):
    result = CliRunner().invoke(main, ["--quiet", "convert", *args])
    return result


@pytest.fixture(scope="module")
def seed_episode(tmp_path_factory, synth_cache):
    out = tmp_path_factory.mktemp("out")
    cache = synth_cache
    result = convert(str(SEED), "-o", str(out), "--cache-dir", str(cache))
    assert result.exit_code == 0, result.output
    manifest_path = next(
        p
        for p in out.glob("*.json")
        if not any(f".{kind}." in p.name for kind in ("chapters", "transcript", "sync"))
    )
    manifest = json.loads(manifest_path.read_text())
    return out, cache, manifest


def test_seed_episode_has_mp3_and_every_sidecar(seed_episode):
    out, _, manifest = seed_episode
    slug = manifest["slug"]
    for suffix in (".mp3", ".chapters.json", ".vtt", ".srt", ".ssml", ".json"):
        assert (out / f"{slug}{suffix}").is_file(), suffix
    for entry in manifest["files"].values():
        assert (out / entry["name"]).stat().st_size == entry["bytes"]
    assert manifest["author"] == "Omar El Sayed"
    assert manifest["engine"] == "piper"


def test_seed_chapters_read_back_in_time_order(seed_episode):
    out, _, manifest = seed_episode
    mp3 = out / f"{manifest['slug']}.mp3"
    frames = [f for f in ID3(mp3).getall("CHAP")]
    starts = [f.start_time for f in frames]
    assert starts == sorted(starts)
    assert len(frames) == len(manifest["chapters"])
    listed = ffmpeg_chapters(mp3)
    assert [c.start_ms for c in listed] == sorted(c.start_ms for c in listed)
    assert [c.title for c in listed] == [c["title"] for c in manifest["chapters"]]
    samples = decode(mp3)
    decoded_ms = 1000 * len(samples) / 44100
    assert abs(frames[-1].end_time - decoded_ms) <= 50
    assert abs(manifest["chapters"][-1]["end_ms"] - decoded_ms) <= 50


def test_seed_vtt_ends_at_the_end(seed_episode):
    out, _, manifest = seed_episode
    cues = parse_vtt((out / f"{manifest['slug']}.vtt").read_text())
    assert cues and cues[-1][1] * 1000 <= manifest["duration_ms"] + 500
    assert abs(cues[-1][1] * 1000 - manifest["duration_ms"]) <= 500


def test_seed_loudness_is_podcast_standard(seed_episode):
    import pyloudnorm

    out, _, manifest = seed_episode
    samples = decode(out / f"{manifest['slug']}.mp3")
    assert -20.0 <= pyloudnorm.Meter(44100).integrated_loudness(samples) <= -18.0
    assert true_peak_dbtp(samples) <= -1.0


def test_second_run_is_up_to_date_and_forced_run_is_all_cache_hits(seed_episode):
    out, cache, manifest = seed_episode
    mtime = (out / f"{manifest['slug']}.mp3").stat().st_mtime_ns
    result = CliRunner().invoke(
        main, ["convert", str(SEED), "-o", str(out), "--cache-dir", str(cache)]
    )
    assert result.exit_code == 0 and "up to date" in result.output
    assert (out / f"{manifest['slug']}.mp3").stat().st_mtime_ns == mtime
    forced = CliRunner().invoke(
        main, ["convert", str(SEED), "-o", str(out), "--cache-dir", str(cache), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert "(0 utterances synthesized" in forced.output


def test_editing_one_paragraph_resynthesizes_only_its_sentences(tmp_path):
    article, out, cache = tmp_path / "small.md", tmp_path / "out", tmp_path / "cache"
    article.write_text(SMALL)
    first = CliRunner().invoke(
        main, ["convert", str(article), "-o", str(out), "--cache-dir", str(cache)]
    )
    assert first.exit_code == 0, first.output
    article.write_text(SMALL.replace("Bring a friend along.", "Bring two friends along."))
    second = CliRunner().invoke(
        main, ["convert", str(article), "-o", str(out), "--cache-dir", str(cache)]
    )
    assert second.exit_code == 0, second.output
    assert "(1 utterances synthesized" in second.output
    # a lexicon entry re-synthesizes only the utterances it touches, and shows up in the SSML
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('"umbrella" = "brolly"\n')
    third = CliRunner().invoke(
        main,
        [
            "convert",
            str(article),
            "-o",
            str(out),
            "--cache-dir",
            str(cache),
            "--lexicon",
            str(lexicon),
        ],
    )
    assert third.exit_code == 0, third.output
    assert "(1 utterances synthesized" in third.output
    ssml = next(out.glob("*.ssml")).read_text()
    assert '<sub alias="brolly">umbrella</sub>' in ssml


def test_killed_convert_leaves_no_mp3_and_the_rerun_completes_from_cache(tmp_path):
    article, out, cache = tmp_path / "long.md", tmp_path / "out", tmp_path / "cache"
    sentences = [
        f"Sentence number {n} is about {w}." for n, w in enumerate(["tea", "rain", "maps"] * 14)
    ]
    article.write_text("# Long Talk\n\n" + "\n\n".join(sentences) + "\n")
    cmd = [
        sys.executable,
        "-m",
        "readaloud",
        "--quiet",
        "convert",
        str(article),
        "-o",
        str(out),
        "--cache-dir",
        str(cache),
        "--jobs",
        "1",
    ]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list(cache.rglob("*.wav"))) < 10:
        if child.poll() is not None or time.monotonic() > deadline:
            pytest.fail(
                "convert ended before it could be killed: " + child.stderr.read().decode()[-400:]
            )
        time.sleep(0.02)
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=60)
    assert child.returncode != 0
    assert not list(out.glob("*.mp3")) and not list(out.glob("*.json"))
    assert not [p for p in out.glob("*") if p.name.endswith(".part")] if out.exists() else True
    done = len(list(cache.rglob("*.wav")))
    rerun = CliRunner().invoke(
        main, ["convert", str(article), "-o", str(out), "--cache-dir", str(cache)]
    )
    assert rerun.exit_code == 0, rerun.output
    assert f"{done} cached" in rerun.output
    assert len(list(out.glob("*.mp3"))) == 1


def test_gtts_offline_fails_fast_with_one_line(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    article = tmp_path / "a.md"
    article.write_text(SMALL)
    start = time.monotonic()
    result = CliRunner().invoke(
        main,
        ["convert", str(article), "-o", str(tmp_path / "out"), "--engine", "gtts", "--no-cache"],
    )
    assert time.monotonic() - start < 1.0
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "--engine piper" in lines[0]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_chapters_command_prints_the_episode_chapters(seed_episode):
    out, _, manifest = seed_episode
    result = CliRunner().invoke(main, ["chapters", str(out / f"{manifest['slug']}.mp3"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == manifest["chapters"]
    text = CliRunner().invoke(main, ["chapters", str(out / f"{manifest['slug']}.mp3")])
    assert manifest["chapters"][1]["title"] in text.output
    bad = CliRunner().invoke(main, ["chapters", str(out / f"{manifest['slug']}.vtt")])
    assert bad.exit_code == 1 and bad.output.startswith("Error: ")


def test_voices_command_lists_the_offline_default_as_ready():
    result = CliRunner().invoke(main, ["voices", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    default = next(r for r in rows if r["kind"] == "preset" and r["name"] == "default")
    assert default["ready"] is True and default["engine"] == "piper"
