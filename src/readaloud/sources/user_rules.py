"""Publisher-supplied boilerplate files: checked shapes, and patterns run on a time budget.

A user pattern such as `(a+)+$` backtracks exponentially on a long run of "a": Python's `re`
would hang on it. User patterns run in the `regex` module with a per-call timeout and a budget
for the whole run, and a pattern that exceeds either is reported by name. The built-in rules
stay on `re` (tests/test_hostile_inputs.py runs them on 50 KB runs).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import regex

from readaloud.errors import ConfigError

CALL_TIMEOUT_S = 1.0
"""One match or substitution of a user pattern may take this long."""
RUN_BUDGET_S = 8.0
"""All user-pattern matching of one process may take this long."""

SCHEMA: dict[str, dict[str, type]] = {
    "lines": {"drop": list},
    "sections": {"drop": list},
    "fragments": {"remove": list},
    "placeholders": {"patterns": list, "dangling_prepositions": list},
    "breadcrumbs": {
        "separators": list,
        "prose_free_separators": list,
        "first_words": list,
        "min_parts": int,
    },
}


def _known(path: Path, what: str, name: str, choices: list[str]) -> None:
    if name not in choices:
        raise ConfigError(
            f"boilerplate file {path}: unknown {what} {name}. Use {', '.join(choices)}."
        )


def check_shape(data: dict[str, Any], path: Path) -> None:
    """Raise ConfigError when a rule file has a key of the wrong type (e.g. `lines = 3`)."""
    for section, value in data.items():
        _known(path, "section", f"[{section}]", [f"[{name}]" for name in SCHEMA])
        fields = SCHEMA[section]
        if not isinstance(value, dict):
            raise ConfigError(f"boilerplate file {path}: {section} must be a [{section}] table.")
        for key, item in value.items():
            _known(path, "key", f"{section}.{key}", [f"{section}.{name}" for name in fields])
            want = fields[key]
            ok = isinstance(item, want) and not isinstance(item, bool)
            if ok and want is list:
                ok = all(isinstance(entry, str) for entry in item)
            if not ok:
                kind = "a list of strings" if want is list else "an integer"
                raise ConfigError(f"boilerplate file {path}: {section}.{key} must be {kind}.")


class _Budget:
    """What is left of RUN_BUDGET_S; shared by every user pattern of the process."""

    left = RUN_BUDGET_S


class UserPattern:
    """A user's regular expression, run with a timeout; quacks like the `re.Pattern` it stands for."""

    def __init__(self, pattern: str, source: str) -> None:
        try:
            self._compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
        except (regex.error, ValueError, OverflowError) as exc:
            raise ConfigError(
                f"bad boilerplate pattern {pattern!r} in {source}: {exc}. Fix the regular expression."
            ) from exc
        self.pattern = pattern
        self.source = source

    def _run(self, method: str, *args: Any) -> Any:
        timeout = min(CALL_TIMEOUT_S, max(_Budget.left, 0.01))
        start = time.monotonic()
        try:
            return getattr(self._compiled, method)(*args, timeout=timeout)
        except TimeoutError as exc:
            raise ConfigError(
                f"boilerplate pattern {self.pattern!r} in {self.source} takes too long on this "
                "text (nested repeats such as (a+)+ backtrack without end). Simplify the pattern."
            ) from exc
        finally:
            _Budget.left -= time.monotonic() - start

    def fullmatch(self, text: str) -> Any:
        return self._run("fullmatch", text)

    def search(self, text: str) -> Any:
        return self._run("search", text)

    def sub(self, repl: Any, text: str) -> str:
        return self._run("sub", repl, text)
