"""Nothing silently lost: damaged cache clips, debris of killed runs, endless SSML pauses and
folders that cannot be written."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from readaloud.cli import main
from readaloud.fsutil import OutputError, check_writable, sweep_dead_runs
from readaloud.pcm import PCM
from readaloud.script.ssml import MAX_PAUSE_MS, parse_ssml
from readaloud.synth.cache import ClipStore

SSML = (
    '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis">'
    "<s>The first sentence.</s>{breaks}<s>The last sentence.</s></speak>"
)


@pytest.mark.parametrize(
    ("breaks", "pause"),
    [
        ('<break time="99999s"/>', MAX_PAUSE_MS),
        ('<break time="600s"/>', MAX_PAUSE_MS),
        ('<break time="4s"/>' * 20, MAX_PAUSE_MS),  # many short ones add up to the same cap
        ('<break time="1.5s"/>', 1500),
        ('<break time="10000ms"/>', 10_000),
    ],
)
def test_ssml_pauses_are_capped_at_ten_seconds_with_a_warning(breaks, pause, caplog):
    with caplog.at_level(logging.WARNING):
        script = parse_ssml(SSML.format(breaks=breaks))
    assert script.chapters[0].segments[0].pause_after_ms == pause
    assert ("shortened to 10 s" in caplog.text) == (
        pause == MAX_PAUSE_MS and "10000ms" not in breaks
    )


def test_bad_break_time_is_one_line_error():
    from readaloud.errors import InputError

    with pytest.raises(InputError, match="bad time"):
        parse_ssml(SSML.format(breaks='<break time="1.2.3s"/>'))


def tone(samples: int = 2205) -> PCM:
    return PCM(bytes((n * 37) % 256 for n in range(samples * 2)), 22050)


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[:44])  # the WAV header only
    elif how == "zero-fill":
        path.write_bytes(data[:44] + bytes(len(data) - 44))
    elif how == "corrupt":
        path.write_bytes(data[:44] + os.urandom(len(data) - 44))
    elif how == "cut":
        path.write_bytes(data[: len(data) // 2])
    else:
        raise ValueError(how)


@pytest.mark.parametrize("how", ["truncate", "zero-fill", "corrupt", "cut"])
def test_damaged_clip_is_not_used_and_is_removed(tmp_path, how, caplog):
    store = ClipStore(tmp_path)
    clip = store.put("ab" + "0" * 62, tone())
    assert store.get("ab" + "0" * 62) == clip
    damage(clip.path, how)
    with caplog.at_level(logging.WARNING):
        assert store.get("ab" + "0" * 62) is None
    assert "Synthesizing a cached clip again" in caplog.text
    assert not clip.path.exists() and not store.record_path("ab" + "0" * 62).exists()


def test_clip_without_its_checksum_record_is_not_trusted(tmp_path, caplog):
    store = ClipStore(tmp_path)
    clip = store.put("cd" + "1" * 62, tone())
    store.record_path("cd" + "1" * 62).unlink()
    with caplog.at_level(logging.WARNING):
        assert store.get("cd" + "1" * 62) is None
    assert not clip.path.exists()
    # A cache from a version that kept no records is redone quietly: no warning per clip.
    assert "Synthesizing a cached clip again" not in caplog.text


def wav_samples(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes()


ARTICLE = """# Harbour Notes

The ferry left the harbour at dawn. Gulls followed it past the lighthouse.

## Cargo

It carried apples, timber and the morning post. The captain checked every crate twice.

## Arrival

The island was quiet when the boat came in. Children ran down to the pier to meet it.
"""


def manifest(out: Path) -> dict:
    path = next(p for p in out.glob("*.json") if p.name.count(".") == 1)
    return json.loads(path.read_text())


@pytest.mark.slow
def test_damaged_cache_clips_are_resynthesized_and_the_episode_keeps_its_length(tmp_path, caplog):
    """Must show 4: truncate, zero-fill and corrupt three cached clips; the next convert
    re-synthesizes exactly those three and the episode is as long as a fresh one (±50 ms)."""
    article, out, cache = tmp_path / "harbour.md", tmp_path / "out", tmp_path / "cache"
    article.write_text(ARTICLE)
    args = ["--quiet", "convert", str(article), "-o", str(out), "--cache-dir", str(cache)]
    first = CliRunner().invoke(main, [*args, "--jobs", "1"])
    assert first.exit_code == 0, first.output
    fresh_ms = manifest(out)["duration_ms"]
    clips = sorted(cache.rglob("*.wav"))
    assert len(clips) >= 6
    damaged = dict(zip(("truncate", "zero-fill", "corrupt"), clips[:3], strict=True))
    old_samples = {path: wav_samples(path) for path in damaged.values()}
    for how, path in damaged.items():
        damage(path, how)

    with caplog.at_level(logging.WARNING):
        again = CliRunner().invoke(main, ["convert", *args[2:], "--force", "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert f"(3 utterances synthesized, {len(clips) - 3} cached)" in again.output
    for path in damaged.values():
        assert path.name in caplog.text  # each damaged clip named in a warning
    # Piper's durations vary from one synthesis to the next: the repaired episode must be the
    # fresh one with exactly these three clips replaced by their new versions.
    rate = 22050
    change_ms = sum(wav_samples(p) - old_samples[p] for p in damaged.values()) * 1000 / rate
    repaired_ms = manifest(out)["duration_ms"]
    assert abs(repaired_ms - (fresh_ms + change_ms)) <= 50, (repaired_ms, fresh_ms, change_ms)
    assert repaired_ms > 0.9 * fresh_ms


@pytest.mark.slow
def test_ssml_break_of_ten_minutes_makes_no_ten_minute_episode(tmp_path):
    source = tmp_path / "pause.ssml"
    source.write_text(SSML.format(breaks='<break time="600s"/>'))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["convert", str(source), "-o", str(out), "--cache-dir", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    assert manifest(out)["duration_ms"] < 20_000


def debris(out: Path, tmpdir: Path) -> tuple[list[str], list[str]]:
    parts = [p.name for p in out.glob(".*.part")] if out.exists() else []
    folders = [p.name for p in tmpdir.glob("readaloud-*")]
    return parts, folders


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_run_after_a_kill_minus_9_during_encoding_leaves_no_debris(tmp_path):
    """Must show 5: kill -9 a convert while it assembles and encodes the episode; the next run
    leaves no `.part` file in the output folder and no readaloud temp folder in $TMPDIR."""
    article, out, cache = tmp_path / "harbour.md", tmp_path / "out", tmp_path / "cache"
    article.write_text(ARTICLE * 3)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    cmd = [sys.executable, "-m", "readaloud", "--quiet", "convert", str(article), "-o", str(out)]
    cmd += ["--cache-dir", str(cache)]
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    try:
        # The episode is being written: its staged .part files exist and its WAV is growing.
        while not (
            list(out.glob(".*.mp3.*.part"))
            and any(p.stat().st_size > 0 for p in tmpdir.glob("readaloud-*episode-*/*.wav"))
        ):
            if child.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "convert ended before it could be killed: " + child.stderr.read().decode()
                )
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    parts, folders = debris(out, tmpdir)
    assert parts and folders, "the kill must leave debris for this test to mean anything"

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert debris(out, tmpdir) == ([], [])
    assert len(list(out.glob("*.mp3"))) == 1


def test_sweep_spares_live_runs_and_other_files(tmp_path):
    from readaloud.fsutil import owner_tag

    mine = tmp_path / f".ep.mp3.{owner_tag()}abc.part"  # this process: alive
    mine.write_bytes(b"x")
    dead_pid = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    dead = tmp_path / f".ep.mp3.{owner_tag().replace(str(os.getpid()), dead_pid)}abc.part"
    dead.write_bytes(b"x")
    folder = tmp_path / f"readaloud-{owner_tag().replace(str(os.getpid()), dead_pid)}episode-x"
    folder.mkdir()
    (folder / "episode.wav").write_bytes(b"x")
    other = tmp_path / "readaloud-tests-abc"  # not ours to judge: no owner in its name
    other.mkdir()
    keep = tmp_path / "notes.part"
    keep.write_bytes(b"x")
    assert sweep_dead_runs(tmp_path, temp_folders=True) == 2
    assert mine.exists() and other.exists() and keep.exists()
    assert not dead.exists() and not folder.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [(errno.ENOSPC, "is full"), (errno.EROFS, "is not writable"), (errno.EACCES, "not writable")],
)
def test_unwritable_or_full_folder_is_named(tmp_path, monkeypatch, code, message):
    def fail(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OutputError, match=message) as info:
        check_writable(tmp_path / "out", "output folder")
    assert str(tmp_path / "out") in str(info.value) and "\n" not in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_read_only_output_folder_fails_before_any_synthesis(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    article = tmp_path / "a.md"
    article.write_text(ARTICLE)
    try:
        result = CliRunner().invoke(
            main, ["convert", str(article), "-o", str(out), "--cache-dir", str(tmp_path / "c")]
        )
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1
    assert f"the output folder {out} is not writable" in result.output
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").rglob("*.wav"))


def test_full_cache_folder_is_named_before_any_synthesis(tmp_path, monkeypatch):
    import readaloud.fsutil as fsutil
    import readaloud.pipeline.outputs as outputs

    real = fsutil.check_writable

    def cache_full(folder, what, **kw):
        if what == "cache folder":
            raise fsutil.write_error(OSError(errno.ENOSPC, "No space left on device"), folder, what)
        return real(folder, what, **kw)

    monkeypatch.setattr(outputs, "check_writable", cache_full)
    article = tmp_path / "a.md"
    article.write_text(ARTICLE)
    cache = tmp_path / "c"
    result = CliRunner().invoke(
        main, ["convert", str(article), "-o", str(tmp_path / "out"), "--cache-dir", str(cache)]
    )
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"Error: the cache folder {cache} is full. Free some space or choose another folder."
    )
    assert not cache.exists() or not list(cache.rglob("*.wav"))


@pytest.mark.slow
@pytest.mark.parametrize("where", ["output", "cache", "tmp"])
def test_disk_full_while_writing_the_episode_names_the_folder(tmp_path, monkeypatch, where):
    import tempfile

    import readaloud.pipeline.finish as finish

    out, cache = tmp_path / "out", tmp_path / "cache"
    folder = {"output": out, "cache": cache, "tmp": Path(tempfile.gettempdir())}[where]
    label = {"output": "output folder", "cache": "cache folder", "tmp": "temp folder ($TMPDIR)"}

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "sub" / "x.part"))

    monkeypatch.setattr(finish, "write_episode", full)
    article = tmp_path / "a.md"
    article.write_text("# Short\n\nA short note.\n")
    result = CliRunner().invoke(
        main, ["convert", str(article), "-o", str(out), "--cache-dir", str(cache)]
    )
    assert result.exit_code == 1
    expected = f"the {label[where]} {folder.resolve()} is full"
    assert result.output.startswith("Error: ") and expected in result.output
    assert len(result.output.strip().splitlines()) == 1
