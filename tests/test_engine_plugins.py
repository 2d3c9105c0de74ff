"""Adding an engine touches only its own module and its entry point: a plugin engine declared
in a distribution's entry points, with an option of its own in a preset's engine table."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from readaloud import voices
from readaloud.cli import main
from readaloud.engines import registry

ARTICLE = "# Pitch Test\n\nA short article for the plugin engine.\n"


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """An installed distribution whose only readaloud part is one entry point."""
    site = tmp_path / "site"
    dist = site / "readaloud_pitchy-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: readaloud-pitchy\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[readaloud.engines]\npitchy = engine_fakes:PitchEngine\n"
    )
    sys.path.insert(0, str(site))
    registry.refresh()
    presets = tmp_path / "presets"
    presets.mkdir()
    monkeypatch.setattr(voices, "user_presets_dir", lambda: presets)
    yield presets
    sys.path.remove(str(site))
    registry.refresh()


def preset(folder, name: str, table: str) -> str:
    path = folder / f"{name}.toml"
    path.write_text(f'engine = "pitchy"\nlanguage = "en-US"\n\n[pitchy]\n{table}\n')
    return str(path)


def test_the_plugin_is_listed_in_voices_and_help(plugin):
    preset(plugin, "high", "pitch = 5")
    runner = CliRunner()
    listing = runner.invoke(main, ["voices"])
    assert listing.exit_code == 0, listing.output
    rows = {line.split()[0]: line for line in listing.output.splitlines() if line.startswith("  ")}
    assert "pitchy" in rows["high"] and "ready" in rows["high"]
    assert "ready" in rows["pitchy"]
    assert "pitchy" in runner.invoke(main, ["convert", "--help"]).output
    as_json = runner.invoke(main, ["voices", "--json"]).output
    assert '"pitch": 5' in as_json


def test_the_option_reaches_the_engine_and_the_cache_key(plugin, tmp_path):
    article = tmp_path / "a.md"
    article.write_text(ARTICLE)
    runner = CliRunner()
    outs = {}
    for name, pitch in (("low", -3), ("high", 5)):
        preset(plugin, name, f"pitch = {pitch}")
        out = tmp_path / name
        args = ["convert", str(article), "-o", str(out), "--voice", name, "--no-normalize"]
        result = runner.invoke(main, [*args, "--cache-dir", str(tmp_path / "cache")])
        assert result.exit_code == 0, result.output
        assert "0 cached" in result.output  # another pitch is another clip, never a cache hit
        outs[name] = next(out.glob("*.mp3")).read_bytes()
    assert outs["low"] != outs["high"]


def test_an_unknown_key_is_one_line_naming_the_engine(plugin, tmp_path):
    bad = preset(tmp_path, "bad", "pitch = 2\nbogus = 1")
    article = tmp_path / "a.md"
    article.write_text(ARTICLE)
    result = CliRunner().invoke(main, ["script", str(article), "--voice", bad])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ")
    assert "pitchy engine has no option 'bogus'" in lines[0] and "pitch" in lines[0]
    wrong = preset(tmp_path, "wrong", 'pitch = "high"')
    result = CliRunner().invoke(main, ["script", str(article), "--voice", wrong])
    assert result.exit_code == 1 and "pitch must be" in result.output
