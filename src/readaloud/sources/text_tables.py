"""Tables in scraped plain text: delimited rows (tab, pipe, 2+ spaces) and single-space rows.

Single-space tables ("Leader Country Key Focus" followed by rows such as "Kim Jong Un North
Korea Strengthening ties ...") lost their cell boundaries. We infer them from the rest of the
document: a good cell ("Kim Jong Un", "North Korea") is a phrase the article uses elsewhere,
and a bad boundary splits a word pair the article uses together ("Kim | Jong"). The last cell is
the free text, which starts at the capitalised word before the first lower-case word.
"""

from __future__ import annotations

import itertools
import re

from readaloud.document import Table

_SEPARATOR_ROW_RE = re.compile(r"^[\s|:+\-=]+$")
_MULTISPACE_RE = re.compile(r"\S(?: {2,}|\t)\S")
_JOINERS = frozenset(
    [
        "and",
        "of",
        "de",
        "del",
        "da",
        "di",
        "van",
        "von",
        "der",
        "la",
        "le",
        "al",
        "bin",
        "y",
        "&",
        "the",
    ]
)
_TERMINAL = (".", "!", "?", ",", ";", ":")
MAX_HEADER_WORDS = 8
MAX_COLUMNS = 6


def split_delimited(line: str) -> tuple[str, list[str]] | None:
    """Split a row on tabs, pipes or runs of 2+ spaces: (delimiter kind, cells)."""
    stripped = line.strip()
    if "\t" in stripped:
        return "tab", [c.strip() for c in re.split(r"\t+", stripped)]
    if "|" in stripped:
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        return "pipe", cells
    if _MULTISPACE_RE.search(stripped):
        return "space", [c.strip() for c in re.split(r" {2,}", stripped)]
    return None


def delimited_table(lines: list[str]) -> Table | None:
    """A Table when every line splits on the same delimiter into the same number (>= 2) of cells."""
    rows: list[list[str]] = []
    kinds: set[str] = set()
    for line in lines:
        if _SEPARATOR_ROW_RE.match(line) and "-" in line:
            continue
        split = split_delimited(line)
        if split is None:
            return None
        kinds.add(split[0])
        rows.append(split[1])
    if len(rows) < 2 or len(kinds) != 1:
        return None
    width = len(rows[0])
    if width < 2 or any(len(r) != width for r in rows):
        return None
    return Table(header=rows[0], rows=rows[1:])


def _is_cap(token: str) -> bool:
    return token[:1].isupper() or token[:1].isdigit()


def looks_like_header(line: str) -> bool:
    """A cheap test: could `line` be the header row of a single-space table?"""
    return _header_words(line) is not None


def _header_words(line: str) -> list[str] | None:
    words = line.split()
    if not 2 <= len(words) <= MAX_HEADER_WORDS or line.rstrip().endswith(_TERMINAL):
        return None
    if not all(_is_cap(w) or w.lower() in _JOINERS or w in ("/", "-") for w in words):
        return None
    if not _is_cap(words[0]) or len(line) > 80:
        return None
    return words


def _normalize(text: str) -> str:
    return " " + " ".join(re.findall(r"[\w'-]+", text.lower())) + " "


class DocumentPhrases:
    """The article's text, normalised once, for asking whether it uses a phrase."""

    def __init__(self, text: str) -> None:
        self.text = _normalize(text)

    def count(self, phrase: str) -> int:
        key = _normalize(phrase)
        return self.text.count(key) if key.strip() else 0


class _Context:
    """Phrase use outside the table being split (the table's own lines do not count)."""

    def __init__(self, document: DocumentPhrases, table_lines: list[str]) -> None:
        self.document = document
        self.table = DocumentPhrases("\n".join(table_lines))
        self._cache: dict[str, bool] = {}

    def has(self, phrase: str) -> bool:
        if phrase not in self._cache:
            outside = self.document.count(phrase) - self.table.count(phrase)
            self._cache[phrase] = outside > 0
        return self._cache[phrase]


def _cells_ok(cells: list[list[str]]) -> bool:
    return all(c and c[0].lower() not in _JOINERS and c[-1].lower() not in _JOINERS for c in cells)


def _split_score(cells: list[list[str]], tail: list[str], ctx: _Context) -> float:
    score = 0.0
    for cell in cells:
        if ctx.has(" ".join(cell)):
            score += 1.0 if len(cell) == 1 else 1.5
    bounds = [(a[-1], b[0]) for a, b in itertools.pairwise(cells)]
    if tail:
        bounds.append((cells[-1][-1], tail[0]))
    for left, right in bounds:
        if ctx.has(f"{left} {right}"):
            score -= 2.0
    return score


def _best_split(
    words: list[str], parts: int, ctx: _Context, tail: list[str]
) -> tuple[float, list[str]] | None:
    """Split `words` into `parts` cells with the best score; ties keep extra words at the end."""
    if len(words) < parts:
        return None
    best: tuple[float, list[str]] | None = None
    for cuts in itertools.combinations(range(1, len(words)), parts - 1):
        bounds = (0, *cuts, len(words))
        cells = [words[a:b] for a, b in itertools.pairwise(bounds)]
        if not _cells_ok(cells):
            continue
        score = _split_score(cells, tail, ctx)
        # combinations() yields early cuts first, so ">" keeps the first best: short leading
        # cells, extra words in the last cell ("Leader | Country | Key Focus").
        if best is None or score > best[0]:
            best = (score, [" ".join(c) for c in cells])
    return best


def _row_parts(line: str) -> tuple[list[str], list[str]] | None:
    """A row's capitalised prefix words and its free-text tail."""
    words = line.split()
    first_lower = next(
        (
            i
            for i, w in enumerate(words)
            if not _is_cap(w)
            # A joiner belongs to a name only between capitalised words ("Bosnia and Herzegovina").
            and not (w.lower() in _JOINERS and i + 1 < len(words) and _is_cap(words[i + 1]))
        ),
        None,
    )
    if first_lower is None or first_lower < 2:
        return None
    tail_start = first_lower - 1
    prefix, tail = words[:tail_start], words[tail_start:]
    if not prefix or not all(_is_cap(w) or w.lower() in _JOINERS for w in prefix):
        return None
    return prefix, tail


def infer_table(lines: list[str], document: DocumentPhrases | str) -> Table | None:
    """Recover a single-space-separated table: a Title-Case header line and >= 2 rows."""
    if len(lines) < 3:
        return None
    header = _header_words(lines[0])
    if header is None:
        return None
    rows = [_row_parts(line) for line in lines[1:]]
    if any(r is None for r in rows):
        return None
    if isinstance(document, str):
        document = DocumentPhrases(document)
    ctx = _Context(document, lines)
    best: tuple[float, Table] | None = None
    for columns in range(2, min(len(header), MAX_COLUMNS) + 1):
        total = 0.0
        body: list[list[str]] = []
        for prefix, tail in rows:  # type: ignore[misc]
            split = _best_split(prefix, columns - 1, ctx, tail)
            if split is None:
                break
            total += split[0]
            body.append([*split[1], " ".join(tail)])
        else:
            head = _best_split(header, columns, ctx, [])
            if head is None:
                continue
            if best is None or total > best[0]:
                best = (total, Table(header=head[1], rows=body))
    if best is None or best[0] <= 0:
        # Without evidence from the article the boundaries would be guesses.
        return None
    return best[1]
