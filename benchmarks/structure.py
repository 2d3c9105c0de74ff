"""Structure quality: headings, tables and lists against pages whose cleaned structure is known.

For each NAME.html in the folder (default ../shared/examples/structure) with NAME.expected.html
(Readability.js's result) or NAME.expected.md (defuddle's result) next to it, compare the
section headings, data tables and lists of readaloud's cleaned article with the expected ones,
side by side with trafilatura's own Markdown output for the same page.

    python benchmarks/structure.py [FOLDER] [--why [NAME ...]] [--min-recall 0.95]
                                   [--min-precision 0.90]

How headings are compared:
- Text: a key of the heading's words (case, punctuation and spacing ignored); headings are
  matched as multisets, so a heading repeated twice must be found twice.
- Wikipedia's "[edit]" links, which Readability and trafilatura leave inside headings, are not
  heading text (on every side).
- Headings equal to the article title (readaloud's or trafilatura's title for the page) are not
  section headings: they are left out on every side. The expected outputs have no h1.
- Level: extractors and cleaners shift levels (a page whose sections are h3 may come out as h2),
  so levels are compared as nesting depth. Among the headings matched by text, each side's
  levels are ranked (h2/h3/h4 -> depth 1/2/3, h3/h5 -> 1/2); a heading counts as found only when
  its text matches and its depth is the same on both sides ("R"/"P"). Extra headings cost
  precision once and do not shift the depth of the others. "Rtext" ignores the level.
- Tables: data tables (readaloud's layout tables are not counted; in expected HTML, tables with
  role="presentation" or a single column or row are layout); "tables ok" means the count
  equals the expected count. Lists: top-level lists (nested lists are part of their parent).

`--why` lists, for each expected heading readaloud misses (or finds at the wrong depth), the
stage that lost it: "page" (not a heading element in the page itself), "extraction" (the
extractor dropped it or turned it into text and readaloud's recovery from the page did not put
it back), "markdown" (HTML -> Markdown -> blocks), a pass
name from readaloud.sources.article (e.g. "clean_blocks"), "reading" (not spoken as a heading)
or "level". Exits 1 when readaloud's overall recall or precision is below the minimums.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from lxml import html as lxml_html
from markdown_it.tree import SyntaxTreeNode

from readaloud.document import Heading, Table
from readaloud.errors import ReadaloudError
from readaloud.script.reading import build_script
from readaloud.sources import read_source
from readaloud.sources.article import parse_article
from readaloud.sources.markdown import _parser
from readaloud.sources.render import article_to_markdown

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "examples" / "structure"
# Readability keeps Wikipedia's "[edit]" section links inside its headings; they are no part of
# the heading's text (readaloud removes them, see boilerplate.toml).
_EDIT_LINK_RE = re.compile(r"\[\s*edit\s*\]", re.I)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def key(text: str) -> str:
    """Words only: case, punctuation and spacing ignored."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def heading_key(text: str) -> str:
    """A heading's key, without a Wikipedia "[edit]" link."""
    return key(_EDIT_LINK_RE.sub("", text))


@dataclass
class Structure:
    """What one side found on one page."""

    headings: list[tuple[str, int]] = field(default_factory=list)  # (key, level)
    tables: int = 0
    lists: int = 0
    error: str | None = None

    def sections(self, titles: set[str]) -> list[tuple[str, int]]:
        """(key, level) of the section headings, title repeats left out."""
        return [(k, lvl) for k, lvl in self.headings if k and k not in titles]


def markdown_structure(markdown: str) -> Structure:
    """Headings, tables and top-level lists of a Markdown document."""
    root = SyntaxTreeNode(_parser().parse(markdown))
    found = Structure()
    for node in root.children:
        if node.type == "heading":
            text = "".join(t.content for t in node.children[0].walk() if t.type == "text")
            found.headings.append((heading_key(text), int(node.tag[1])))
        elif node.type == "table":
            found.tables += 1
        elif node.type in ("bullet_list", "ordered_list"):
            found.lists += 1
    return found


def html_structure(markup: str) -> Structure:
    """Headings, tables (outermost) and top-level lists of an HTML fragment."""
    tree = lxml_html.fromstring(markup)
    found = Structure()
    for element in tree.iter(*HEADING_TAGS, "table", "ul", "ol"):
        if element.tag in HEADING_TAGS:
            found.headings.append((heading_key(element.text_content()), int(element.tag[1])))
        elif element.tag == "table":
            found.tables += _data_table(element)
        elif not any(a.tag in ("li", "ul", "ol") for a in element.iterancestors()):
            found.lists += 1
    return found


def _data_table(table) -> bool:
    """An outermost table that holds data: not role="presentation", two rows and two columns
    or more (an image over its caption in a one-column table is page layout)."""
    if table.get("role") == "presentation" or any(a.tag == "table" for a in table.iterancestors()):
        return False
    rows = [r for r in table.iter("tr") if r.xpath("ancestor::table[1]")[0] is table]
    return len(rows) >= 2 and max(len(r.findall("td")) + len(r.findall("th")) for r in rows) >= 2


def expected_structure(page: Path) -> Structure | None:
    md = page.with_name(page.stem + ".expected.md")
    if md.exists():
        return markdown_structure(md.read_text(encoding="utf-8"))
    expected = page.with_name(page.stem + ".expected.html")
    if expected.exists():
        return html_structure(expected.read_text(encoding="utf-8"))
    return None


def trafilatura_structure(markup: str) -> tuple[Structure, str]:
    """trafilatura alone: its own Markdown output (tables and formatting on), and its title."""
    text = trafilatura.extract(
        markup, output_format="markdown", include_tables=True, include_formatting=True
    )
    meta = trafilatura.extract_metadata(markup)
    title = (meta.title or "") if meta else ""
    if not text:
        return Structure(error="no text"), title
    return markdown_structure(text), title


def readaloud_structure(page: Path) -> tuple[Structure, str]:
    try:
        article = parse_article(read_source(str(page)))
    except ReadaloudError as exc:
        return Structure(error=str(exc).split(". ")[0]), ""
    found = markdown_structure(article_to_markdown(article))
    found.tables = sum(isinstance(b, Table) and not b.layout for b in article.blocks)
    return found, article.title


def matched(want: list[tuple[str, int]], got: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """(expected level, found level) of the headings found by text: the n-th occurrence of a
    text on one side is paired with its n-th occurrence on the other."""
    remaining: dict[str, list[int]] = {}
    for text, level in got:
        remaining.setdefault(text, []).append(level)
    pairs = []
    for text, level in want:
        if remaining.get(text):
            pairs.append((level, remaining[text].pop(0)))
    return pairs


def depths(pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Each side's levels of the matched headings as depths: ranks among that side's levels."""
    sides = []
    for levels in zip(*pairs, strict=True) if pairs else ((), ()):
        ranks = sorted(set(levels))
        sides.append([ranks.index(level) + 1 for level in levels])
    return sides[0], sides[1]


@dataclass
class Score:
    """Matched counts, summed over pages."""

    expected: int = 0
    found: int = 0
    hits: int = 0
    text_hits: int = 0
    tables_ok: int = 0
    tables: int = 0
    lists: int = 0
    failed: int = 0

    def add(self, want: list[tuple[str, int]], got: list[tuple[str, int]]) -> tuple[int, int]:
        pairs = matched(want, got)
        hits = sum(a == b for a, b in zip(*depths(pairs), strict=True))
        self.expected += len(want)
        self.found += len(got)
        self.hits += hits
        self.text_hits += len(pairs)
        return hits, len(pairs)

    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    def text_recall(self) -> float:
        return self.text_hits / self.expected if self.expected else 1.0


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:5.2f}" if whole else "  -  "


def _headings_and_text(body: str | None) -> tuple[set[str], str]:
    if not body:
        return set(), ""
    tree = lxml_html.fromstring(body)
    return {heading_key(h.text_content()) for h in tree.iter(*HEADING_TAGS)}, key(
        tree.text_content()
    )


def why(page: Path, want: list[tuple[str, int]], got: list[tuple[str, int]]) -> list[str]:
    """For each expected heading readaloud misses or misplaces: the stage that lost it."""
    from readaloud.sources.html import body_blocks, page_body

    pairs = matched(want, got)
    want_depth, got_depth = depths(pairs)
    remaining = Counter(k for k, _ in got)
    missing: list[tuple[str, str | None]] = []
    index = 0
    for text, _ in want:
        if remaining[text]:
            remaining[text] -= 1
            if want_depth[index] != got_depth[index]:
                missing.append((text, f"level (depth {got_depth[index]}, not {want_depth[index]})"))
            index += 1
        else:
            missing.append((text, None))
    extra = Counter(k for k, _ in got) - Counter(k for k, _ in want)
    lines = [f"  + {text[:60]!r:64} not expected" for text in sorted(extra.elements())]
    if not missing:
        return lines
    raw = read_source(str(page))
    tree = lxml_html.document_fromstring(raw.text)
    in_page = {heading_key(h.text_content()) for h in tree.iter(*HEADING_TAGS)}
    page_text = key(tree.text_content())
    extracted = page_body(raw.text, raw.url, lxml_html.document_fromstring(raw.text), recover=False)
    in_extracted, _ = _headings_and_text(extracted)
    body = page_body(raw.text, raw.url, lxml_html.document_fromstring(raw.text))
    in_body, body_text = _headings_and_text(body)
    in_blocks = {heading_key(b.text) for b in body_blocks(body) if isinstance(b, Heading)}
    passes: list[tuple[str, set[str]]] = []

    def trace(name, blocks):
        passes.append((name, {heading_key(b.text) for b in blocks if isinstance(b, Heading)}))

    spoken: set[str] = set()
    try:
        article = parse_article(raw, trace=trace)
        script = build_script(article)
        for chapter in script.chapters:
            spoken.add(key(chapter.title))
            spoken.update(key(s.written) for s in chapter.segments if s.role == "heading")
    except ReadaloudError:
        pass
    for text, stage in missing:
        if stage:
            pass
        elif text not in in_page:
            stage = "page (in the text)" if text in page_text else "page (not in the page)"
        elif text not in in_body:
            stage = "extraction (kept as text)" if text in body_text else "extraction (dropped)"
            stage += ", not recovered"
        elif text not in in_blocks:
            stage = "markdown" if text in in_extracted else "markdown (recovered heading)"
        else:
            lost = next((name for name, keys in passes if text not in keys), None)
            stage = lost or ("reading" if text not in spoken else "output")
        lines.append(f"  - {text[:60]!r:64} {stage}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument(
        "--why", nargs="*", metavar="NAME", help="show where missed headings were lost"
    )
    parser.add_argument("--min-recall", type=float, default=0.95)
    parser.add_argument("--min-precision", type=float, default=0.90)
    parser.add_argument("--json", type=Path, help="also write per-page figures to this file")
    args = parser.parse_args(argv)
    pages = sorted(p for p in args.folder.glob("*.html") if ".expected" not in p.name)
    pages = [p for p in pages if expected_structure(p) is not None]
    if not pages:
        print(f"no NAME.html + NAME.expected.(html|md) pairs in {args.folder}", file=sys.stderr)
        return 2
    ours, theirs = Score(), Score()
    rows = []
    print(
        f"{'page':44} {'exp':>3} | {'readaloud R   P  Rtext tbl lst':>31} |"
        f" {'trafilatura R   P  Rtext tbl lst':>33} | want tbl lst  sec"
    )
    for page in pages:
        want_raw = expected_structure(page)
        start = time.perf_counter()
        mine, title = readaloud_structure(page)
        elapsed = time.perf_counter() - start
        markup = page.read_text(encoding="utf-8", errors="replace")
        other, other_title = trafilatura_structure(markup)
        titles = {key(title), key(other_title)} - {""}
        want = want_raw.sections(titles)
        cells = []
        row = {"page": page.stem, "expected": len(want), "tables": want_raw.tables}
        for name, side, score in (("readaloud", mine, ours), ("trafilatura", other, theirs)):
            got = side.sections(titles)
            hits, text_hits = score.add(want, got)
            tables_ok = side.tables == want_raw.tables and not side.error
            score.tables_ok += tables_ok
            score.tables += side.tables
            score.lists += side.lists
            score.failed += bool(side.error)
            cells.append(
                f"{_ratio(hits, len(want))} {_ratio(hits, len(got))} {_ratio(text_hits, len(want))}"
                f" {side.tables:>3}{'' if tables_ok else '!'} {side.lists:>3}"
                + (" FAIL" if side.error else "")
            )
            row[name] = {
                "found": len(got),
                "hits": hits,
                "text_hits": text_hits,
                "tables": side.tables,
                "lists": side.lists,
                "error": side.error,
            }
        rows.append(row)
        print(
            f"{page.stem[:44]:44} {len(want):>3} | {cells[0]:>31} | {cells[1]:>33} |"
            f" {want_raw.tables:>8} {want_raw.lists:>3} {elapsed:5.2f}"
        )
        if args.why is not None and (not args.why or page.stem in args.why):
            for line in why(page, want, mine.sections(titles)):
                print(line)
    print()
    print(
        f"{'overall':20} {'recall':>7} {'precision':>9} {'text recall':>11} {'tables ok':>10}"
        f" {'tables':>6} {'lists':>5} {'failed':>6}"
    )
    expected_lists = sum(expected_structure(p).lists for p in pages)  # type: ignore[union-attr]
    expected_tables = sum(expected_structure(p).tables for p in pages)  # type: ignore[union-attr]
    for name, score in (("readaloud", ours), ("trafilatura alone", theirs)):
        print(
            f"{name:20} {score.recall():7.3f} {score.precision():9.3f} {score.text_recall():11.3f}"
            f" {score.tables_ok:>4}/{len(pages):<5} {score.tables:>6} {score.lists:>5}"
            f" {score.failed:>6}"
        )
    print(
        f"{'expected':20} {ours.expected:>7} headings {'':11} {'':10} {expected_tables:>6}"
        f" {expected_lists:>5}"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    ok = ours.recall() >= args.min_recall and ours.precision() >= args.min_precision
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
