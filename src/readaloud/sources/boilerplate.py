"""Boilerplate and debris rules, loaded from data files a publisher can extend.

The built-in rules live in `readaloud/data/boilerplate.toml`; extra TOML files in the same
format add patterns (lists are appended, scalars replaced). Extra patterns run with a time
budget (see user_rules.py).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from readaloud.errors import ConfigError
from readaloud.sources.user_rules import UserPattern, check_shape

_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class BoilerplateRules:
    """Compiled boilerplate rules; see boilerplate.toml for what each part means."""

    drop_lines: tuple[re.Pattern[str] | UserPattern, ...]
    drop_sections: tuple[re.Pattern[str] | UserPattern, ...]
    fragments: tuple[re.Pattern[str] | UserPattern, ...]
    placeholders: tuple[re.Pattern[str] | UserPattern, ...]
    dangling_prepositions: frozenset[str]
    separators: tuple[str, ...]
    prose_free_separators: tuple[str, ...]
    first_words: frozenset[str]
    min_parts: int
    quote_marks: tuple[tuple[str, str], ...] = ()
    """(separator, partner) pairs: glyphs that are quotation marks as often as separators."""

    def is_boilerplate(self, text: str, *, breadcrumbs: bool = True) -> bool:
        """True when the whole `text` (a line, paragraph, heading or item) is page chrome;
        `breadcrumbs=False` leaves navigation trails out of the test (for headings)."""
        line = " ".join(text.split())
        if not line:
            return False
        if self._drop_any.fullmatch(line):
            return True
        if any(p.fullmatch(line) for p in self._user_drop):
            return True
        return breadcrumbs and self.is_breadcrumb(line)

    @functools.cached_property
    def _drop_any(self) -> re.Pattern[str]:
        # One alternation is several times faster than trying each pattern in turn.
        built_in = [p for p in self.drop_lines if isinstance(p, re.Pattern)]
        joined = "|".join(f"(?:{p.pattern})" for p in built_in) or "(?!)"
        return re.compile(joined, _FLAGS)

    @functools.cached_property
    def _user_drop(self) -> tuple[UserPattern, ...]:
        return tuple(p for p in self.drop_lines if isinstance(p, UserPattern))

    def is_dropped_section(self, heading: str) -> bool:
        """True for a heading whose whole section is page furniture ("References")."""
        line = " ".join(heading.split()).rstrip(":")
        return any(p.fullmatch(line) for p in self.drop_sections)

    def is_breadcrumb(self, line: str) -> bool:
        """True for navigation trails such as "Home » world » Some title".

        Never for a sentence: a line that ends with a full stop, or whose only separators are
        quotation marks (`Der Minister sagte »Wir machen weiter« vor der Presse.`), is prose.
        """
        if line.rstrip().endswith(".") and not line.rstrip().endswith(".."):
            return False
        for sep in self.separators:
            if sep not in line or self._quoting(line, sep):
                continue
            parts = [p.strip() for p in line.split(sep)]
            if len(parts) < self.min_parts - (1 if sep in self.prose_free_separators else 0):
                continue
            if any(not p for p in parts[:-1]):
                continue
            # Every part but the last (often the page title) is a short navigation label.
            if any(len(p.split()) > 4 for p in parts[:-1]):
                continue
            if sep in self.prose_free_separators or parts[0].lower() in self.first_words:
                return True
        return False

    def _quoting(self, line: str, sep: str) -> bool:
        """True when `sep` is used as a quotation mark in `line` rather than as a separator."""
        partner = dict(self.quote_marks).get(sep)
        if partner is None:
            return False
        if partner in line:
            return True
        # A separator stands between spaces (or ends a trail, "Home »"); a quote touches a word.
        return bool(re.search(rf"\w{re.escape(sep)}|{re.escape(sep)}\w", line))

    def strip_debris(self, text: str) -> str:
        """Remove inline fragments and unfilled placeholders, repairing the sentence around them."""
        for pattern in self.fragments:
            text = pattern.sub("", text)
        for pattern in self.placeholders:
            text = pattern.sub(self._drop_placeholder, text)
        return text

    def _drop_placeholder(self, match: re.Match[str]) -> str:
        # The caller re-joins words; mark the hole so the dangling preposition can be removed.
        return "\x00"

    def remove_holes(self, text: str) -> str:
        """Close the holes left by placeholders, dropping a preposition left dangling before one."""
        if "\x00" not in text:
            return text
        preps = "|".join(re.escape(p) for p in sorted(self.dangling_prepositions))

        def close(match: re.Match[str]) -> str:
            return " " if match.group("after") is not None else ""

        text = re.sub(
            rf"(?:\s*\b(?:{preps}))?\s*\x00+(?P<after>\s*(?=\w))?", close, text, flags=_FLAGS
        )
        text = text.replace("\x00", "")
        return re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _compile(patterns: list[str | UserPattern], source: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        if isinstance(pattern, UserPattern):
            compiled.append(pattern)
            continue
        try:
            compiled.append(re.compile(pattern, _FLAGS))
        except re.error as exc:
            raise ConfigError(
                f"bad boilerplate pattern {pattern!r} in {source}: {exc}. "
                "Fix the regular expression."
            ) from exc
    return tuple(compiled)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict):
            _merge(base.setdefault(key, {}), value)
        elif isinstance(value, list):
            base[key] = list(base.get(key, [])) + value
        else:
            base[key] = value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"boilerplate file {path} does not exist. Check the path.") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read boilerplate file {path}: {exc}. Fix the TOML.") from exc
    except RecursionError as exc:
        raise ConfigError(f"boilerplate file {path} is nested too deeply. Fix the TOML.") from exc


def _builtin() -> dict[str, Any]:
    text = resources.files("readaloud.data").joinpath("boilerplate.toml").read_text("utf-8")
    return tomllib.loads(text)


_PATTERN_KEYS = (
    ("lines", "drop"),
    ("sections", "drop"),
    ("fragments", "remove"),
    ("placeholders", "patterns"),
)


@functools.lru_cache(maxsize=16)
def _load(extra: tuple[Path, ...]) -> BoilerplateRules:
    data = _builtin()
    for path in extra:
        more = _read_toml(path)
        check_shape(more, path)
        for section, key in _PATTERN_KEYS:
            found = more.get(section, {}).get(key)
            if found:
                more[section][key] = [UserPattern(p, str(path)) for p in found]
        _merge(data, more)
    lines = data.get("lines", {})
    holes = data.get("placeholders", {})
    crumbs = data.get("breadcrumbs", {})
    where = "boilerplate rules"
    return BoilerplateRules(
        drop_lines=_compile(lines.get("drop", []), where),
        drop_sections=_compile(data.get("sections", {}).get("drop", []), where),
        fragments=_compile(data.get("fragments", {}).get("remove", []), where),
        placeholders=_compile(holes.get("patterns", []), where),
        dangling_prepositions=frozenset(w.lower() for w in holes.get("dangling_prepositions", [])),
        separators=tuple(crumbs.get("separators", [])),
        prose_free_separators=tuple(crumbs.get("prose_free_separators", [])),
        first_words=frozenset(w.lower() for w in crumbs.get("first_words", [])),
        min_parts=int(crumbs.get("min_parts", 3)),
        quote_marks=tuple((str(k), str(v)) for k, v in crumbs.get("quote_marks", {}).items()),
    )


def load_rules(extra: list[Path] | None = None) -> BoilerplateRules:
    """The built-in boilerplate rules plus those in `extra` TOML files."""
    return _load(tuple(Path(p) for p in extra or ()))
