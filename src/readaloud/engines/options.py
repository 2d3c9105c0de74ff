"""Engine options in presets: each engine declares its own (`Engine.Options`, a frozen
dataclass) and a preset gives them in a table named after the engine:

    engine = "gtts"
    language = "en-GB"
    [gtts]
    tld = "co.uk"

An unknown key is an error that names the engine and its options.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..errors import ConfigError
from .base import NoOptions
from .registry import engine_class


def check_options(engine: str, table: dict[str, Any], where: str) -> tuple[tuple[str, Any], ...]:
    """The options of `table` for `engine`, checked by the engine's Options class (an engine
    that is not installed cannot check: its options are kept as given)."""
    factory = engine_class(engine)
    if factory is None:
        return tuple(sorted(table.items()))
    options = getattr(factory, "Options", NoOptions)
    allowed = [f.name for f in fields(options)]
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        has = f"its options: {', '.join(allowed)}" if allowed else "it has no options"
        raise ConfigError(
            f"{where}: the {engine} engine has no option {', '.join(map(repr, unknown))} ({has})."
        )
    try:
        options(**table)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: [{engine}] {exc}.") from exc
    return tuple(sorted(table.items()))
