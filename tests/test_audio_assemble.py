"""Assembly: exact joins, pauses, chapter and segment times counted in samples."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readaloud.audio.assemble import assemble
from readaloud.audio.timeline import Timeline, samples_to_ms
from readaloud.errors import AudioError
from readaloud.pcm import PCM, Clip, write_wav
from readaloud.script.model import Chapter, Segment, SpeechScript

RATE = 22050


def tone_clip(folder: Path, name: str, samples: int, rate: int = RATE, value: int = 1000) -> Clip:
    """A clip of constant non-zero samples, so speech and silence are told apart exactly."""
    data = np.full(samples, value, dtype="<i2").tobytes()
    path = folder / f"{name}.wav"
    write_wav(path, PCM(data, rate))
    return Clip(path, samples, rate)


def read_samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def make_script(spec: list[tuple[str, list[int]]]) -> SpeechScript:
    """Chapters of segments given by their pauses (ms)."""
    return SpeechScript(
        title="Test",
        chapters=[
            Chapter(title, [Segment(f"s{i}", pause_after_ms=p) for i, p in enumerate(pauses)])
            for title, pauses in spec
        ],
    )


def test_joins_are_exact_and_times_come_from_samples(tmp_path):
    script = make_script([("One", [100, 250]), ("Two", [0, 500])])
    lengths = [2205, 4410, 1000, 3333]
    clips = [tone_clip(tmp_path, f"c{i}", n, value=100 * (i + 1)) for i, n in enumerate(lengths)]
    out = tmp_path / "ep.wav"
    timeline = assemble(script, clips, out)

    samples = read_samples(out)
    pauses = [2205, 5513, 0, 11025]  # ms * 22.05, half up
    assert len(samples) == sum(lengths) + sum(pauses) == timeline.samples
    pos = 0
    for i, (n, pause) in enumerate(zip(lengths, pauses, strict=True)):
        assert (samples[pos : pos + n] == 100 * (i + 1)).all()
        assert (samples[pos + n : pos + n + pause] == 0).all()
        assert timeline.segments[i] == (samples_to_ms(pos, RATE), samples_to_ms(pos + n, RATE))
        pos += n + pause
    assert timeline.duration_ms == samples_to_ms(pos, RATE)
    second_chapter = sum(lengths[:2]) + sum(pauses[:2])
    assert [(c.title, c.start_ms, c.end_ms) for c in timeline.chapters] == [
        ("One", 0, samples_to_ms(second_chapter, RATE)),
        ("Two", samples_to_ms(second_chapter, RATE), timeline.duration_ms),
    ]


def test_none_clip_is_pause_only_and_pause_scale_applies(tmp_path):
    script = make_script([("A", [200, 200, 200])])
    clips = [tone_clip(tmp_path, "a", 441), None, tone_clip(tmp_path, "b", 441)]
    timeline = assemble(script, clips, tmp_path / "ep.wav", pause_scale=0.5)
    assert timeline.segments[1] is None
    # three pauses of round(200 * 0.5) = 100 ms = 2205 samples
    assert timeline.samples == 441 * 2 + 3 * 2205
    assert timeline.segments[2][0] == samples_to_ms(441 + 2 * 2205, RATE)


def test_empty_chapters_are_skipped_and_marks_are_contiguous(tmp_path):
    script = make_script([("Empty", []), ("Real", [100]), ("Silent", [0]), ("Last", [50])])
    clips = [tone_clip(tmp_path, "a", 2000), None, tone_clip(tmp_path, "b", 2000)]
    timeline = assemble(script, clips, tmp_path / "ep.wav")
    assert [c.title for c in timeline.chapters] == ["Real", "Last"]
    assert timeline.chapters[0].start_ms == 0
    assert timeline.chapters[0].end_ms == timeline.chapters[1].start_ms
    assert timeline.chapters[-1].end_ms == timeline.duration_ms


def test_intro_and_outro_are_their_own_chapters(tmp_path):
    intro = tone_clip(tmp_path, "jingle-in", 44100, rate=44100).path  # another rate: resampled
    outro = tone_clip(tmp_path, "Goodbye", 11025).path
    script = make_script([("Body", [0])])
    clips = [tone_clip(tmp_path, "body", 22050)]
    timeline = assemble(
        script, clips, tmp_path / "ep.wav", intro=intro, outro=outro, intro_title="Welcome"
    )
    assert [c.title for c in timeline.chapters] == ["Welcome", "Body", "Goodbye"]
    assert [c.start_ms for c in timeline.chapters] == [0, 1000, 2000]
    assert timeline.duration_ms == 2500
    assert timeline.intro_ms == 1000 and timeline.outro_ms == 500
    assert timeline.article_end_ms == 2000
    assert timeline.segments == [(1000, 2000)]


def test_clip_at_another_rate_is_resampled(tmp_path):
    script = make_script([("A", [0, 0])])
    clips = [tone_clip(tmp_path, "a", 22050), tone_clip(tmp_path, "b", 16000, rate=16000)]
    timeline = assemble(script, clips, tmp_path / "ep.wav")
    assert timeline.sample_rate == RATE
    assert timeline.segments == [(0, 1000), (1000, 2000)]


def test_clip_count_must_match_segments(tmp_path):
    script = make_script([("A", [0, 0])])
    with pytest.raises(AudioError, match="2 script segments"):
        assemble(script, [None], tmp_path / "ep.wav")


def test_missing_clip_file_is_a_clear_error(tmp_path):
    script = make_script([("A", [0])])
    with pytest.raises(AudioError, match="missing"):
        assemble(script, [Clip(tmp_path / "gone.wav", 10, RATE)], tmp_path / "ep.wav")


def test_timeline_json_round_trip(tmp_path):
    script = make_script([("A", [10]), ("B", [10])])
    clips = [tone_clip(tmp_path, "a", 500), None]
    timeline = assemble(script, clips, tmp_path / "ep.wav")
    assert Timeline.from_dict(timeline.to_dict()) == timeline


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 900)), max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_chapters_always_tile_the_episode(tmp_path_factory, spec):
    folder = tmp_path_factory.mktemp("clips")
    script = make_script([(f"C{i}", [p for _, p in segs]) for i, segs in enumerate(spec)])
    clips = [
        tone_clip(folder, f"{i}-{j}", n) if n else None
        for i, segs in enumerate(spec)
        for j, (n, _) in enumerate(segs)
    ]
    timeline = assemble(script, clips, folder / "ep.wav")
    marks = timeline.chapters
    if timeline.samples == 0:
        assert marks == []
        return
    assert marks[0].start_ms == 0 and marks[-1].end_ms == timeline.duration_ms
    for mark, nxt in zip(marks, marks[1:], strict=False):
        assert mark.end_ms == nxt.start_ms
    assert all(m.start_ms <= m.end_ms for m in marks)
    assert len(read_samples(folder / "ep.wav")) == timeline.samples
