"""Loudness planning: measurement, gain without limiting, silence, encoder compensation."""

from __future__ import annotations

from pathlib import Path

import pytest

from readaloud.audio import encode as enc
from readaloud.audio import loudness
from readaloud.errors import AudioError
from readaloud.ffmpeg import run_ffmpeg


def lavfi_wav(folder: Path, name: str, source: str) -> Path:
    path = folder / f"{name}.wav"
    run_ffmpeg(["-f", "lavfi", "-i", source, "-ac", "1", "-ar", "22050", str(path)])
    return path


def test_targets():
    assert loudness.target_for(1, None) == -19.0
    assert loudness.target_for(2, None) == -16.0
    assert loudness.target_for(1, -23.0) == -23.0


def test_quiet_tone_gets_gain_only_and_lands_on_target(tmp_path):
    # A steady tone has a low peak-to-loudness ratio: no limiting needed.
    wav = lavfi_wav(tmp_path, "tone", "sine=f=1000:d=8:r=22050,volume=0.05")
    before = loudness.measure(wav)
    plan = loudness.plan(wav, target_lufs=-19.0)
    assert not plan.limited
    assert plan.gain_db == pytest.approx(-19.0 - before.integrated, abs=0.01)
    after = loudness.measure(wav, plan.filters())
    assert after.integrated == pytest.approx(-19.0, abs=0.1)


def test_peaky_signal_is_limited_below_the_ceiling(tmp_path):
    # Short loud clicks over a steady bed that carries the loudness (like plosives in speech):
    # reaching the target needs the limiter.
    source = "aevalsrc='0.08*sin(2*PI*300*t)+0.9*lt(mod(t,0.7),0.001)':d=10:s=22050"
    wav = lavfi_wav(tmp_path, "clicks", source)
    plan = loudness.plan(wav, target_lufs=-19.0, true_peak=-1.0)
    assert plan.limited and plan.ceiling_db == pytest.approx(-1.0 - loudness.LIMITER_HEADROOM_DB)
    after = loudness.measure(wav, ["aresample=44100", *plan.filters()])
    assert after.peak <= plan.ceiling_db + 0.1
    assert after.integrated == pytest.approx(-19.0, abs=0.5)


def test_silence_is_left_alone(tmp_path):
    wav = lavfi_wav(tmp_path, "silence", "anullsrc=r=22050:cl=mono:d=3")
    plan = loudness.plan(wav, target_lufs=-19.0)
    assert plan.gain_db == 0.0 and not plan.limited


def test_positive_true_peak_is_refused(tmp_path):
    wav = lavfi_wav(tmp_path, "tone", "sine=d=1")
    with pytest.raises(AudioError, match="True-peak"):
        loudness.plan(wav, target_lufs=-19.0, true_peak=0.5)


def test_encoder_gain_is_measured_and_cached():
    mp3 = enc.encoder_gain_db(enc.EncodeSettings())
    aac = enc.encoder_gain_db(enc.EncodeSettings(format="m4b"))
    # LAME in CBR lowers the level by about 0.45 dB; AAC keeps it.
    assert -0.7 < mp3 < -0.2
    assert abs(aac) < 0.2
    assert enc._read_json(enc._calibration_file())  # cached on disk for the next run


def test_stream_meter_measures_what_the_file_pass_measures(tmp_path):
    """The episode's loudness is measured as it is stitched: same figures as a pass over the
    finished file, written in blocks of any size."""
    import wave

    wav = lavfi_wav(tmp_path, "burst", "sine=f=440:d=6:r=22050,volume=0.3,apulsator=hz=2")
    with wave.open(str(wav), "rb") as src:
        frames = src.readframes(src.getnframes())
    with loudness.StreamMeter(22050) as meter:
        for start in range(0, len(frames), 7777 * 2):
            meter.write(frames[start : start + 7777 * 2])
        streamed = meter.result()
    whole = loudness.measure(wav)
    assert streamed.integrated == pytest.approx(whole.integrated, abs=0.01)
    assert streamed.peak == pytest.approx(whole.peak, abs=0.01)
