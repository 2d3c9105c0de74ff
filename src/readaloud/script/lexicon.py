"""Pronunciation lexicons: W3C PLS or TOML files of written forms and how to say them.

Entries win over the built-in normalization rules. A `Lexicon` keeps its entries in source
order; later entries (and later merged lexicons) override earlier ones with the same written
form. For each language the effective entries are compiled into one regex (longest first,
whole words, possessive "'s" left outside the match) so applying a lexicon is one pass.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from .rules import trie_pattern

if TYPE_CHECKING:
    from .model import SpeechScript

PLS_NS = "http://www.w3.org/2005/01/pronunciation-lexicon"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENTRY_KEYS = {"alias", "ipa", "case_sensitive"}
# Characters that XML 1.0 cannot carry; they must never reach a spoken alias.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Language tables are written with a lowercase primary subtag: [en], [de], [en-US].
_LANG_TAG = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
BUILTIN_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.toml"


@dataclass(frozen=True)
class LexiconEntry:
    """One written form and how to say it.

    `alias` is the text to speak instead (None: keep the written form); `ipa` an IPA
    pronunciation for engines that take phonemes; `language` a BCP 47 tag or None for every
    language; `case_sensitive` whether "xi" must match "Xi" exactly.
    """

    grapheme: str
    alias: str | None = None
    ipa: str | None = None
    language: str | None = None
    case_sensitive: bool = False

    @property
    def key(self) -> str:
        """The form entries are matched and overridden by."""
        text = " ".join(self.grapheme.split())
        return text if self.case_sensitive else text.casefold()


def normalize_language(tag: str | None) -> str | None:
    """`en_US` / `EN-us` -> `en-us`; None stays None."""
    if not tag:
        return None
    return tag.replace("_", "-").lower()


def language_applies(entry_language: str | None, language: str | None) -> bool:
    """True when an entry for `entry_language` should be used for text in `language`.

    The primary subtags must agree; regions must agree only when both sides give one, so an
    `en-US` lexicon applies to text marked just `en`.
    """
    if entry_language is None or language is None:
        return True
    a, b = entry_language.split("-"), normalize_language(language).split("-")
    if a[0] != b[0]:
        return False
    return len(a) == 1 or len(b) == 1 or a[1] == b[1]


class Lexicon:
    """An ordered set of entries; later entries override earlier ones with the same key."""

    def __init__(self, entries=(), source: str = "") -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        self.source = source
        self._compiled: dict[str | None, tuple[re.Pattern | None, dict, dict]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Lexicon({len(self.entries)} entries, source={self.source!r})"

    def merge(self, *others: Lexicon) -> Lexicon:
        """A new lexicon of these lexicons in order; later ones win.

        Works as `Lexicon.merge(a, b, c)` and as `a.merge(b, c)`.
        """
        entries = list(self.entries)
        for other in others:
            if other is not None:
                entries.extend(other.entries)
        sources = [x.source for x in (self, *others) if x is not None and x.source]
        return Lexicon(entries, source=" + ".join(sources))

    def effective(self, language: str | None) -> dict[str, LexiconEntry]:
        """The winning entry per key for `language` (later entries override earlier ones)."""
        result: dict[str, LexiconEntry] = {}
        for entry in self.entries:
            if language_applies(entry.language, language):
                result.pop(entry.key, None)  # keep dict order = precedence order
                result[entry.key] = entry
        return result

    def fingerprint(self) -> str:
        """A stable digest of the entries in effect: equal lexicons give equal fingerprints."""
        rows = [
            [e.grapheme, e.alias, e.ipa, e.language, e.case_sensitive]
            for e in self._winning_entries()
        ]
        rows.sort(key=lambda row: json.dumps(row, ensure_ascii=False))
        payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def _winning_entries(self) -> list[LexiconEntry]:
        winners: dict[tuple[str | None, str], LexiconEntry] = {}
        for entry in self.entries:
            winners[(entry.language, entry.key)] = entry
        return list(winners.values())

    def lookup(self, text: str, language: str | None = None) -> LexiconEntry | None:
        """The entry for exactly `text` (whitespace-insensitive), or None."""
        _, sensitive, insensitive = self._compile(language)
        key = " ".join(text.split())
        return sensitive.get(key) or insensitive.get(key.casefold())

    def pattern(self, language: str | None = None) -> re.Pattern | None:
        """One regex matching every entry for `language` as a whole word, longest first."""
        return self._compile(language)[0]

    def _compile(self, language: str | None):
        language = normalize_language(language)
        if language not in self._compiled:
            entries = self.effective(language)
            sensitive = {k: e for k, e in entries.items() if e.case_sensitive}
            insensitive = {k: e for k, e in entries.items() if not e.case_sensitive}
            self._compiled[language] = (_build_pattern(entries.values()), sensitive, insensitive)
        return self._compiled[language]


def _space(char: str) -> str:
    return r"\s+" if char == " " else re.escape(char)


def _word_end(word: str) -> str:
    # Whole words only where the grapheme ends with a word character, so "C++" or "U.S."
    # can still be entries; "'s" after a name is not a word character and stays outside.
    return r"(?!\w)" if re.match(r"\w", word[-1]) else r"(?:)"


def _build_pattern(entries) -> re.Pattern | None:
    """A trie regex over all graphemes, matched case-insensitively; the handler then looks the
    match up and so enforces case-sensitive entries. One pass, fast for thousands of entries."""
    graphemes = {" ".join(e.grapheme.split()).lower() for e in entries}
    graphemes.discard("")
    if not graphemes:
        return None
    word_start = [g for g in graphemes if re.match(r"\w", g)]
    other = [g for g in graphemes if not re.match(r"\w", g)]
    parts = []
    if word_start:
        parts.append(r"(?<!\w)" + trie_pattern(word_start, escape=_space, end=_word_end))
    if other:
        parts.append(trie_pattern(other, escape=_space, end=_word_end))
    return re.compile("|".join(parts), re.IGNORECASE)


def _check_text(path: Path, what: str, value, grapheme: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"lexicon {path}: the {what} of {grapheme!r} must be a string.")
    value = " ".join(value.split())
    if _BAD_CHARS.search(value):
        raise ConfigError(f"lexicon {path}: the {what} of {grapheme!r} has control characters.")
    return value or None


def _entry(path: Path, grapheme: str, value, language: str | None) -> LexiconEntry:
    grapheme = " ".join(str(grapheme).split())
    if not grapheme or _BAD_CHARS.search(grapheme):
        raise ConfigError(f"lexicon {path}: empty or invalid written form {grapheme!r}.")
    case_sensitive = False
    if isinstance(value, str):
        alias, ipa = value, None
    elif isinstance(value, dict):
        unknown = set(value) - ENTRY_KEYS
        if unknown:
            raise ConfigError(
                f"lexicon {path}: entry {grapheme!r} has unknown key(s) "
                f"{', '.join(sorted(unknown))}; use alias, ipa, case_sensitive."
            )
        alias, ipa = value.get("alias"), value.get("ipa")
        case_sensitive = value.get("case_sensitive", False)
        if not isinstance(case_sensitive, bool):
            raise ConfigError(f"lexicon {path}: case_sensitive of {grapheme!r} must be true/false.")
    else:
        raise ConfigError(
            f"lexicon {path}: entry {grapheme!r} must be a string or a table with alias/ipa."
        )
    alias = _check_text(path, "alias", alias, grapheme)
    ipa = _check_text(path, "ipa", ipa, grapheme)
    if alias is None and ipa is None:
        raise ConfigError(f"lexicon {path}: entry {grapheme!r} has neither alias nor ipa.")
    return LexiconEntry(grapheme, alias, ipa, language, case_sensitive)


def _is_entry_table(value: dict) -> bool:
    return bool(value) and set(value) <= ENTRY_KEYS and ("alias" in value or "ipa" in value)


def _load_toml(path: Path, text: str) -> Lexicon:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"lexicon {path}: not valid TOML ({exc}).") from None
    entries = []
    for key, value in data.items():
        if isinstance(value, dict) and not _is_entry_table(value):
            if not _LANG_TAG.match(key):
                raise ConfigError(
                    f"lexicon {path}: {key!r} is neither an entry (with alias and/or ipa, "
                    f"optional case_sensitive) nor a language table like [en] or [de-DE]."
                )
            language = normalize_language(key)
            for grapheme, inner in value.items():
                entries.append(_entry(path, grapheme, inner, language))
        else:
            entries.append(_entry(path, key, value, None))
    return Lexicon(entries, source=str(path))


def _load_pls(path: Path, text: str) -> Lexicon:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ConfigError(f"lexicon {path}: not well-formed XML ({exc}).") from None
    if root.tag not in (f"{{{PLS_NS}}}lexicon", "lexicon"):
        raise ConfigError(
            f"lexicon {path}: the root element must be a PLS <lexicon> in namespace {PLS_NS}."
        )
    ns = f"{{{PLS_NS}}}" if root.tag.startswith("{") else ""
    language = normalize_language(root.get(XML_LANG))
    ipa_alphabet = (root.get("alphabet") or "ipa").lower() == "ipa"
    entries = []
    for lexeme in root.iter(f"{ns}lexeme"):
        graphemes = [g.text for g in lexeme.findall(f"{ns}grapheme") if g.text and g.text.strip()]
        if not graphemes:
            raise ConfigError(f"lexicon {path}: a <lexeme> has no <grapheme>.")
        aliases = [a.text for a in lexeme.findall(f"{ns}alias") if a.text and a.text.strip()]
        phonemes = [
            p.text
            for p in lexeme.findall(f"{ns}phoneme")
            if p.text and p.text.strip() and (p.get("alphabet") or "").lower() in ("", "ipa")
        ]
        value = {}
        if aliases:
            value["alias"] = aliases[0]
        if phonemes and ipa_alphabet:
            value["ipa"] = phonemes[0]
        if not value:
            raise ConfigError(
                f"lexicon {path}: lexeme {graphemes[0]!r} has no <alias> or IPA <phoneme>."
            )
        for grapheme in graphemes:
            entries.append(_entry(path, grapheme, value, language))
    return Lexicon(entries, source=str(path))


def load_lexicon(path: Path | str) -> Lexicon:
    """Read a lexicon file: W3C PLS XML (.pls/.xml) or TOML; raise ConfigError when invalid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"lexicon {path}: file not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"lexicon {path}: cannot be read ({exc}).") from None
    if path.suffix.lower() in (".pls", ".xml") or text.lstrip().startswith("<"):
        return _load_pls(path, text)
    return _load_toml(path, text)


@cache
def builtin_lexicon() -> Lexicon:
    """readaloud's own small lexicon (data/lexicon.toml); empty when the file is missing."""
    if not BUILTIN_PATH.is_file():
        return Lexicon(source="builtin")
    return load_lexicon(BUILTIN_PATH)


def explain_lines(script: SpeechScript) -> list[str]:
    """One line per change the normalizer or lexicon made, with its location.

    `chapter 2, segment 5: "80th" -> "eightieth" [number.ordinal]`
    """
    lines = []
    for chapter_index, chapter in enumerate(script.chapters, 1):
        for segment_index, segment in enumerate(chapter.segments, 1):
            for span in segment.spans:
                if not span.changed:
                    continue
                ipa = f" /{span.ipa}/" if span.ipa else ""
                lines.append(
                    f"chapter {chapter_index}, segment {segment_index}: "
                    f"{json.dumps(span.written, ensure_ascii=False)} -> "
                    f"{json.dumps(span.spoken, ensure_ascii=False)}{ipa} [{span.rule}]"
                )
    return lines
