"""Which ffmpeg runs: the bundled one first; a foreign one (Debian 12's 5.1, fakes) checked once.

The Debian binary is unpacked by `.ci/run` into /opt/debian-ffmpeg (never installed on PATH, so
the rest of the suite keeps the bundled ffmpeg); the tests that need it skip when it is absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

DEBIAN_BIN = Path(os.environ.get("READALOUD_TEST_DEBIAN_FFMPEG", "/opt/debian-ffmpeg/usr/bin"))
DEBIAN_FFMPEG = DEBIAN_BIN / "ffmpeg"
BUNDLED = imageio_ffmpeg.get_ffmpeg_exe()

ARTICLE = """---
title: Window Boxes
author: Ada Test
---
# Window Boxes

A window box holds soil, water and roots. It needs drainage holes at the bottom.

## Watering

Water in the morning. Check the soil with a finger before you water again.
"""


def _debian_works() -> str | None:
    """Why the Debian ffmpeg cannot be used here, or None when it runs."""
    if not DEBIAN_FFMPEG.is_file():
        return f"Debian ffmpeg not unpacked at {DEBIAN_FFMPEG} (.ci/run installs it with apt)"
    proc = subprocess.run([str(DEBIAN_FFMPEG), "-version"], capture_output=True, text=True)
    if proc.returncode != 0:
        return f"{DEBIAN_FFMPEG} does not run (missing libraries?): {proc.stderr.strip()[-200:]}"
    return None


needs_debian = pytest.mark.skipif(_debian_works() is not None, reason=str(_debian_works()))


def run_cli(args: list[str], env_extra: dict[str, str], tmp_path: Path, timeout: int = 300):
    env = {**os.environ, **env_extra}
    env.setdefault("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return subprocess.run(
        [sys.executable, "-m", "readaloud", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def lufs(mp3: Path) -> float:
    import pyloudnorm

    raw = subprocess.run(
        [BUNDLED, "-v", "error", "-i", str(mp3), "-f", "f32le", "-ac", "1", "-ar", "44100", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return pyloudnorm.Meter(44100).integrated_loudness(np.frombuffer(raw, dtype="<f4"))


def fake_ffmpeg(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ffmpeg"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def article(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("src") / "window-boxes.md"
    path.write_text(ARTICLE)
    return path


@pytest.mark.slow
@needs_debian
def test_debian_ffmpeg_first_on_path_converts_at_minus_19_lufs(article, tmp_path):
    # On PATH the Debian binary is not used (the bundled one is preferred) ...
    path_env = {"PATH": f"{DEBIAN_BIN}{os.pathsep}{os.environ['PATH']}"}
    cache = str(tmp_path / "synth")
    first = run_cli(
        ["--debug", "convert", str(article), "-o", str(tmp_path / "a"), "--cache-dir", cache],
        path_env,
        tmp_path,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    assert str(DEBIAN_FFMPEG) not in first.stderr
    assert -20.0 <= lufs(tmp_path / "a" / "window-boxes.mp3") <= -18.0
    # ... and asked for by READALOUD_FFMPEG, Debian 12's ffmpeg 5.1 measures and encodes.
    asked = run_cli(
        ["--debug", "convert", str(article), "-o", str(tmp_path / "b"), "--cache-dir", cache],
        {**path_env, "READALOUD_FFMPEG": "ffmpeg"},
        tmp_path,
    )
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert f"using {DEBIAN_FFMPEG} (ffmpeg 5." in asked.stderr
    assert -20.0 <= lufs(tmp_path / "b" / "window-boxes.mp3") <= -18.0


@needs_debian
def test_debian_ffmpeg_measures_loudness_like_the_bundled_one(tmp_path, monkeypatch):
    from readaloud import ffmpeg
    from readaloud.audio import loudness

    wav = tmp_path / "tone.wav"
    ffmpeg.run_ffmpeg(["-f", "lavfi", "-i", "sine=f=1000:d=4,volume=0.5", str(wav)])
    bundled = loudness.measure(wav)
    monkeypatch.setenv("READALOUD_FFMPEG", str(DEBIAN_FFMPEG))
    ffmpeg.ffmpeg.cache_clear()
    try:
        assert ffmpeg.ffmpeg().version.startswith("5.")
        debian = loudness.measure(wav)
    finally:
        ffmpeg.ffmpeg.cache_clear()
    assert debian.integrated == pytest.approx(bundled.integrated, abs=0.05)
    assert debian.peak == pytest.approx(bundled.peak, abs=0.05)


def test_bundled_ffmpeg_is_preferred_over_path(tmp_path, monkeypatch):
    from readaloud import ffmpeg

    broken = fake_ffmpeg(tmp_path / "bin", "exit 1\n")
    monkeypatch.setenv("PATH", f"{broken.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("READALOUD_FFMPEG", raising=False)
    ffmpeg.ffmpeg.cache_clear()
    try:
        assert ffmpeg.ffmpeg_exe() == BUNDLED and ffmpeg.ffmpeg().bundled
    finally:
        ffmpeg.ffmpeg.cache_clear()


def _assert_one_error(proc, *needles: str) -> None:
    lines = error_lines(proc.stderr)
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    assert "unexpected" not in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]


def convert_with(ffmpeg: Path, article: Path, tmp_path: Path, *needles: str) -> Path:
    """`convert` with READALOUD_FFMPEG=ffmpeg fails with one `Error:` line naming it (and
    `needles`) and writes nothing; returns the output folder."""
    out = tmp_path / "out"
    proc = run_cli(
        ["convert", str(article), "-o", str(out)], {"READALOUD_FFMPEG": str(ffmpeg)}, tmp_path
    )
    _assert_one_error(proc, str(ffmpeg), *needles)
    assert not out.exists() or not any(out.iterdir())
    return out


def test_readaloud_ffmpeg_not_an_ffmpeg_is_one_error_naming_it(article, tmp_path):
    script = fake_ffmpeg(tmp_path / "bin", 'echo "hello from a shell script"\nexit 0\n')
    convert_with(script, article, tmp_path, "not a working ffmpeg")


def test_readaloud_ffmpeg_failing_binary_is_one_error(article, tmp_path):
    script = fake_ffmpeg(tmp_path / "bin", 'echo "segfault" >&2\nexit 139\n')
    convert_with(script, article, tmp_path, "segfault")


def test_readaloud_ffmpeg_missing_file_is_one_error(article, tmp_path):
    convert_with(tmp_path / "nowhere" / "ffmpeg", article, tmp_path)


def _wrapper(tmp_path: Path, sed: str, when: str) -> Path:
    """A real ffmpeg behind a script that hides something from one of the probe's listings."""
    return fake_ffmpeg(
        tmp_path / "bin",
        f'case "$*" in\n  *"{when}"*) "{BUNDLED}" "$@" | sed -e \'{sed}\' ;;\n'
        f'  *) exec "{BUNDLED}" "$@" ;;\nesac\n',
    )


@pytest.mark.parametrize(
    ("sed", "listing", "needles"),
    [
        ("/^ *peak /d", "filter=ebur128", ("ebur128", "peak")),
        ("/libmp3lame/d", "-encoders", ("libmp3lame",)),
        ("/ alimiter /d", "-filters", ("alimiter",)),
    ],
)
def test_ffmpeg_lacking_a_part_is_refused_by_name(article, tmp_path, sed, listing, needles):
    convert_with(_wrapper(tmp_path, sed, listing), article, tmp_path, *needles)


def test_ffmpeg_without_libmp3lame_still_has_aac_for_m4b(tmp_path):
    # Only the MP3 encoder is hidden: M4B needs AAC, which the same binary has.
    from readaloud.ffmpeg import probe

    script = _wrapper(tmp_path, "/libmp3lame/d", "-encoders")
    encoders = probe(str(script), bundled=False).encoders
    assert "aac" in encoders and "libmp3lame" not in encoders
