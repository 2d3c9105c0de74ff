"""Option layers of the CLI: flag > READALOUD_<COMMAND>_<OPTION> > config file > preset > default."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from readaloud import api
from readaloud.cli import main
from readaloud.cli.config import default_map
from readaloud.voices import resolve_preset

ARTICLE = "# Hello\n\nSome text with a link https://example.com/page here.\n"


@pytest.fixture
def captured(monkeypatch, tmp_path):
    """Run `readaloud script` and keep the ScriptOptions it built (the article still loads)."""
    seen = []
    real = api.load_source

    def spy(source, options):
        seen.append(options)
        return real(source, options)

    monkeypatch.setattr(api, "load_source", spy)
    (tmp_path / "a.md").write_text(ARTICLE)
    monkeypatch.chdir(tmp_path)

    def run(*args, env=None, config=None):
        env = dict(env or {})
        if config is not None:
            (tmp_path / "config.toml").write_text(config)
            env["READALOUD_CONFIG"] = str(tmp_path / "config.toml")
        seen.clear()
        result = CliRunner().invoke(main, ["script", *args, "a.md"], env=env)
        return result, (seen[0] if seen else None)

    return run


def test_built_in_default_without_layers(captured):
    result, options = captured()
    assert result.exit_code == 0, result.output
    assert options.urls == "domain"
    assert "example dot com" in result.output


def test_config_then_env_then_flag(captured):
    result, options = captured(config='urls = "drop"\n[script]\ntable-rows = 7\n')
    assert result.exit_code == 0, result.output
    assert (options.urls, options.reading.table_row_limit) == ("drop", 7)
    assert "example dot com" not in result.output

    _, options = captured(env={"READALOUD_SCRIPT_URLS": "domain"}, config='urls = "drop"\n')
    assert options.urls == "domain"

    _, options = captured(
        "--urls", "drop", env={"READALOUD_SCRIPT_URLS": "domain"}, config='urls = "domain"\n'
    )
    assert options.urls == "drop"


def test_config_rate_overrides_the_preset_and_a_flag_overrides_both(captured, tmp_path):
    preset = tmp_path / "slow.toml"
    preset.write_text('engine = "piper"\nrate = 0.8\n')
    _, options = captured("--voice", str(preset))
    chosen, _ = resolve_preset(options.voice.preset, language="en", rate=options.voice.rate)
    assert chosen.rate == 0.8  # the preset over the default

    _, options = captured("--voice", str(preset), config="rate = 1.25\n")
    chosen, _ = resolve_preset(options.voice.preset, language="en", rate=options.voice.rate)
    assert chosen.rate == 1.25  # the config file over the preset

    _, options = captured("--voice", str(preset), "--rate", "1.5", config="rate = 1.25\n")
    chosen, _ = resolve_preset(options.voice.preset, language="en", rate=options.voice.rate)
    assert chosen.rate == 1.5  # the flag over all


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[script]\nurl = "drop"\n', "[script] has no option 'url'"),
        ("bitrate = '96k'\n", "the top level has no option 'bitrate'"),
        ("[feed]\ntitle = 'x'\n", "unknown table [feed]"),
        ("urls = [", "is not valid TOML"),
    ],
)
def test_a_broken_config_is_one_error_line(captured, config, message):
    result, options = captured(config=config)
    assert result.exit_code == 1 and options is None
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: config file ")
    assert message in lines[0]


def test_missing_explicit_config_file_is_an_error(captured, tmp_path):
    result, _ = captured(env={"READALOUD_CONFIG": str(tmp_path / "nope.toml")})
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_convert_reads_its_own_table(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text('rate = 1.1\n[convert]\nbitrate = "96k"\nepub = true\n')
    monkeypatch.setenv("READALOUD_CONFIG", str(tmp_path / "config.toml"))
    defaults = default_map(main.commands)
    assert defaults["convert"] == {"rate": 1.1, "bitrate": "96k", "epub": True}
    assert defaults["script"] == {"rate": 1.1}
