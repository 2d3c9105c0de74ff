"""User configuration: defaults for the command options, from a TOML file.

Every option of `script` and `convert` is found in this order: the flag, then the environment
variable READALOUD_<COMMAND>_<OPTION> (e.g. READALOUD_CONVERT_BITRATE), then the config file,
then the voice preset (engine and rate), then the built-in default. The file
(`paths.config_file()`, READALOUD_CONFIG) holds keys named like the long options:

    rate = 1.1            # top level: script options, for both commands
    [convert]
    bitrate = "96k"
    epub = true
    [script]
    urls = "drop"

Click applies the layers (`default_map`, `auto_envvar_prefix`); this module only reads and
checks the file, so a misspelt key is an error that names the file, table and key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any

import click

from .. import paths
from ..errors import ConfigError

MAX_CONFIG_BYTES = 1_000_000
CONFIGURABLE = ("script", "convert")


def _option_names(command: click.Command) -> set[str]:
    return {
        p.name
        for p in command.params
        if isinstance(p, click.Option) and p.name and not p.hidden and p.name != "help"
    }


def _read() -> dict[str, Any]:
    path = paths.config_file()
    explicit = bool(os.environ.get(paths.CONFIG_ENV, "").strip())
    try:
        if not path.is_file():
            if explicit:
                raise ConfigError(f"config file {path} ({paths.CONFIG_ENV}) does not exist.")
            return {}
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}.") from exc
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file {path} is larger than 1 MB.")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}.") from exc


def _checked(table: Mapping[str, Any], known: set[str], where: str) -> dict[str, Any]:
    values = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(
                f"config file {paths.config_file()}: {where} has no option {key!r} "
                f"(keys are long option names, e.g. {sorted(known)[0]!r})."
            )
        values[name] = value
    return values


def default_map(commands: Mapping[str, click.Command]) -> dict[str, dict[str, Any]]:
    """Option defaults per command from the config file ({} when there is none)."""
    data = _read()
    shared = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for name, value in data.items():
        if isinstance(value, dict) and name not in CONFIGURABLE:
            raise ConfigError(
                f"config file {paths.config_file()}: unknown table [{name}] "
                f"(tables: {', '.join(f'[{c}]' for c in CONFIGURABLE)})."
            )
    script_options = _option_names(commands["script"])
    result = {}
    for name in CONFIGURABLE:
        known = _option_names(commands[name])
        values = _checked(shared, script_options & known, "the top level")
        values.update(_checked(data.get(name, {}), known, f"[{name}]"))
        if values:
            result[name] = values
    return result
