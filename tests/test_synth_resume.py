"""Resume: a synthesis run killed with SIGKILL midway; the rerun redoes only what is missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from readaloud.script.model import Chapter, Segment, SpeechScript
from readaloud.synth import synthesize_script
from readaloud.voices import load_presets

WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
]
KILL_AFTER = 12
TEXTS = [f"Item {n}: {WORDS[n % 10]} and {WORDS[(n * 3) % 10]}." for n in range(40)]

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from readaloud.script.model import Chapter, Segment, SpeechScript
    from readaloud.synth import synthesize_script
    from readaloud.voices import load_presets

    texts = sys.argv[2:]
    script = SpeechScript("Resume", chapters=[Chapter("All", [Segment(t, 300) for t in texts])])
    synthesize_script(script, load_presets()["default"], cache_dir=Path(sys.argv[1]), jobs=1,
                      progress=False)
    print("finished")
    """
)


def _wavs(folder: Path) -> dict[Path, int]:
    if not folder.exists():
        return {}
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*.wav")}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_run_resumes_without_redoing_finished_clips(tmp_path):
    cache = tmp_path / "cache"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(cache), *TEXTS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    try:
        while len(_wavs(cache)) < KILL_AFTER:
            if child.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"child ended early: {child.stderr.read().decode()[-500:]}")
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    before = _wavs(cache)
    assert KILL_AFTER <= len(before) < len(TEXTS), "the kill must land midway"

    script = SpeechScript("Resume", chapters=[Chapter("All", [Segment(t, 300) for t in TEXTS])])
    result = synthesize_script(
        script, load_presets()["default"], cache_dir=cache, jobs=2, progress=False
    )

    assert result.hits == len(before)
    assert result.misses == len(TEXTS) - len(before)
    assert all(clip is not None and clip.duration_ms > 500 for clip in result.clips)
    # The finished clips were reused as they were (same files, untouched).
    for path, mtime in before.items():
        assert path.stat().st_mtime_ns == mtime
    reused = {i for i, clip in enumerate(result.clips) if clip.path in before}
    assert reused.isdisjoint(result.synthesized)
    assert len(reused) + len(result.synthesized) == len(TEXTS)
    # The run completed: a third run does nothing.
    assert synthesize_script(script, load_presets()["default"], cache_dir=cache).misses == 0
