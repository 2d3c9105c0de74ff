"""The rule engine behind `normalize`: ordered regex rules claim pieces of the text.

Each rule is one precompiled regex and a handler. Rules run in order over the whole text; a
match that overlaps a piece claimed by an earlier rule is skipped, so earlier rules win (the
lexicon first). Handlers see the original text, so look-behind and look-ahead context works
across pieces other rules changed. The result is a list of spans that cover the text exactly.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .model import Span


@dataclass(frozen=True)
class Change:
    """Text[start:end] is spoken as `spoken` (rule name for --explain, optional IPA)."""

    start: int
    end: int
    spoken: str
    rule: str
    ipa: str | None = None


@dataclass
class Context:
    """What a handler may need besides the match: the whole text, language and options."""

    text: str
    language: str
    options: Any
    data: Any = None


Handler = Callable[[Any, Context], "str | list[Change] | None"]


@dataclass(frozen=True)
class Rule:
    """A named regex and a handler.

    The handler returns None (no change: the text stays free for later rules), a string (the
    whole match is spoken so; "" drops it) or a list of Changes inside the match (tight spans,
    e.g. only the "II" of "World War II").
    """

    name: str
    pattern: Any
    handler: Handler
    partial: bool = False
    """True: the match may overlap claimed pieces; only the returned Changes must be free
    (for rules that change a few characters around text other rules read, like "(...)")."""


@dataclass
class _Claims:
    """Sorted, non-overlapping claimed intervals with their changes."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def blocker(self, start: int, end: int) -> int | None:
        """End of a claimed interval overlapping [start, end), or None if the range is free."""
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            return self.ends[i]
        j = i + 1
        if j < len(self.starts) and self.starts[j] < max(end, start + 1):
            return self.ends[j]
        return None

    def add(self, change: Change) -> None:
        i = bisect_right(self.starts, change.start)
        self.starts.insert(i, change.start)
        self.ends.insert(i, change.end)
        self.changes.insert(i, change)


def apply_rules(text: str, rules: list[Rule], context: Context) -> list[Span]:
    """Run `rules` in order over `text` and return spans that join back to `text`."""
    claims = _Claims()
    for rule in rules:
        _run_rule(text, rule, context, claims)
    return _spans(text, claims.changes)


def _run_rule(text: str, rule: Rule, context: Context, claims: _Claims) -> None:
    search = rule.pattern.search
    pos, size = 0, len(text)
    while pos <= size:
        match = search(text, pos)
        if match is None:
            return
        start, end = match.span()
        blocked = None if rule.partial else claims.blocker(start, end)
        if blocked is not None:
            # Resume after the claimed piece when the match starts inside it, else one on.
            pos = blocked if claims.blocker(start, start + 1) is not None else start + 1
            pos = max(pos, start + 1)
            continue
        result = rule.handler(match, context)
        if result is None:
            pos = start + 1
            continue
        if isinstance(result, str):
            result = [Change(start, end, result, rule.name)]
        for change in result:
            if change.end > change.start and claims.blocker(change.start, change.end) is None:
                claims.add(change)
        pos = end if end > start else start + 1


def _spans(text: str, changes: list[Change]) -> list[Span]:
    spans: list[Span] = []
    plain_from = 0

    def plain(upto: int) -> None:
        if upto > plain_from:
            piece = text[plain_from:upto]
            if spans and not spans[-1].changed:
                spans[-1].written += piece
                spans[-1].spoken += piece
            else:
                spans.append(Span(piece, piece))

    for change in changes:
        written = text[change.start : change.end]
        if written == change.spoken and change.ipa is None:
            continue  # a rule that only protected its text: leave it plain
        plain(change.start)
        spans.append(Span(written, change.spoken, change.rule, change.ipa))
        plain_from = change.end
    plain(len(text))
    return spans


def trie_pattern(words, *, escape=re.escape, end=None) -> str:
    """One regex alternation for many literal words, as a trie: at each position the regex
    engine follows one branch instead of trying every word (much faster than a|b|c|...).
    Longer words win over their prefixes. `escape` turns one character into regex (e.g. a
    space into `\\s+`); `end(word)` gives an assertion that must hold after `word`."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = end(word) if end else ""

    def build(node: dict) -> str:
        branches = [escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if "" in node and node[""]:
            branches.append(node[""])  # tried last: longer words first
        elif "" in node:
            if not branches:
                return ""
            body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
            return f"(?:{body})?"
        if not branches:
            return ""
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(root)


def ends_sentence(text: str, end: int, language: str = "en") -> bool:
    """True when text[end:] starts a new sentence: only closing marks remain, or a capitalized
    word that usually starts a sentence follows ("... the U.S. However, ...")."""
    index = end
    while index < len(text) and text[index] in CLOSERS:
        index += 1
    if _ONLY_SPACE.match(text, index):
        return True
    following = _NEXT_WORD.match(text, index)
    if following is None:
        return False
    word = following.group(1).strip(CLOSERS + '"“‘,;:')
    return word in sentence_starters(language)


_ONLY_SPACE = re.compile(r"\s*$")
_NEXT_WORD = re.compile(r"\s+(\S+)")
CLOSERS = "\"'”’»)]}"


@cache
def sentence_starters(language: str) -> frozenset[str]:
    """Capitalized words that begin sentences (from abbreviations.toml)."""
    return frozenset(language_table("abbreviations.toml", language).get("sentence_starters", ()))


@cache
def load_data(name: str) -> dict[str, Any]:
    """A TOML table from readaloud/data (cached; the files ship with the package)."""
    source = resources.files("readaloud") / "data" / name
    return tomllib.loads(source.read_text(encoding="utf-8"))


def language_table(name: str, language: str) -> dict[str, Any]:
    """The `[xx]` table of a data file for the primary subtag of `language` ({} if none)."""
    return load_data(name).get(language.split("-")[0].lower(), {})
