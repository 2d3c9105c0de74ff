"""A re-render that barely changes the speech reuses the last loudness plan and encodes the MP3
as it is stitched (audio.render with a loudness memo); a bigger change measures again."""

from __future__ import annotations

import pytest

from readaloud.audio import loudness
from readaloud.audio import render as rendering
from readaloud.audio.render import AudioSettings, render
from readaloud.audio.tags import EpisodeTags
from readaloud.ffmpeg import run_ffmpeg
from readaloud.pcm import Clip, read_wav
from readaloud.script.model import Chapter, Segment, SpeechScript

RATE = 22050


def clip(folder, name: str, seconds: float, freq: int) -> Clip:
    """A speech-like test clip: a tone with a pulsing level (so the limiter has peaks to take)."""
    path = folder / f"{name}.wav"
    source = f"aevalsrc='0.2*sin(2*PI*{freq}*t)*(0.6+0.4*sin(2*PI*3*t))':d={seconds}:s={RATE}"
    run_ffmpeg(["-loglevel", "error", "-f", "lavfi", "-i", source, "-ac", "1", str(path)])
    return Clip(path, read_wav(path).samples, RATE)


def episode(clips: list[Clip]) -> SpeechScript:
    return SpeechScript(
        "T", chapters=[Chapter("A", [Segment(f"s{n}", 300) for n in range(len(clips))])]
    )


@pytest.fixture
def clips(tmp_path):
    return [clip(tmp_path, f"c{n:02d}", 2.0, 200 + 10 * n) for n in range(40)]


def test_a_small_change_reuses_the_plan_and_lands_on_target(tmp_path, clips, monkeypatch):
    memo = tmp_path / "memo.json"
    settings = AudioSettings()
    out = tmp_path / "one.mp3"
    render(episode(clips), clips, out, settings, EpisodeTags(title="T"), memo=memo)
    first = loudness.Memo.read(memo)
    assert first is not None and len(first.clips) == 40

    measured = []
    monkeypatch.setattr(rendering, "_stitch_measure_encode", lambda *a: measured.append(a))
    edited = [*clips[:20], clip(tmp_path, "new", 2.0, 900), *clips[21:]]  # 2.5 % of the speech
    again = tmp_path / "two.mp3"
    rendered = render(episode(edited), edited, again, settings, EpisodeTags(title="T"), memo=memo)
    assert not measured  # neither a meter nor a limiter check ran
    assert rendered.timeline.duration_ms == pytest.approx(40 * 2300, abs=5)
    decoded = loudness.measure(again)
    assert decoded.integrated == pytest.approx(-19.0, abs=0.5)
    assert loudness.measure(out).integrated == pytest.approx(decoded.integrated, abs=0.3)


def test_a_bigger_change_or_other_settings_measure_again(tmp_path, clips):
    memo = tmp_path / "memo.json"
    tags = EpisodeTags(title="T")
    render(episode(clips), clips, tmp_path / "a.mp3", AudioSettings(), tags, memo=memo)
    kept = loudness.Memo.read(memo)
    keyed = {c.path.stem: c.samples for c in clips}
    assert kept.covers(kept.signature, keyed)
    swapped = dict(list(keyed.items())[2:]) | {"x": keyed["c00"], "y": keyed["c01"]}
    assert not kept.covers(kept.signature, swapped)  # 5 % of the speech is new
    assert not kept.covers(kept.signature + "other settings", keyed)
    louder = AudioSettings(loudness=-16.0)
    render(episode(clips), clips, tmp_path / "b.mp3", louder, tags, memo=memo)
    assert loudness.Memo.read(memo).signature != kept.signature


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        '{"signature": "", "plan": {"gain_db": "NaN"}, "clips": {}}',
        '{"signature": "", "plan": [], "clips": 3}',
    ],
)
def test_a_damaged_memo_is_ignored(tmp_path, clips, damage):
    memo = tmp_path / "memo.json"
    memo.write_text(damage, encoding="utf-8")
    rendered = render(
        episode(clips[:5]), clips[:5], tmp_path / "a.mp3", AudioSettings(), EpisodeTags(title="T"),
        memo=memo,
    )  # fmt: skip
    assert rendered.path.stat().st_size > 0
    assert loudness.Memo.read(memo) is not None  # replaced by a good one
