"""Big tables cut before parsing: a 100,000-row table costs what `--table-rows` reads, not more.

Rows past `keep` are removed from the HTML tree or the Markdown text before the extractor and
the Markdown parser see them; one marker row records how many went, so the script still says
"The table has N more rows". The marker is a private-use character no page text contains.
"""

from __future__ import annotations

import re
from typing import Any

from readaloud.document import Table

OMITTED = "\ue000readaloud-omitted-rows:"
_OMITTED_RE = re.compile(re.escape(OMITTED) + r"(\d+)")
_DELIMITER_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")


def rows_to_keep(table_rows: int) -> int:
    """Body rows kept per table: twice what is read (empty rows are skipped), plus a margin."""
    return 2 * table_rows + 10


def cut_html_tables(tree: Any, keep: int) -> bool:
    """Remove the body rows after the first `keep` of every table in an lxml tree; True if any."""
    if tree is None:
        return False
    cut = False
    for table in list(tree.iter("table")):
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        if len(rows) <= keep + 1:  # the header row is not counted
            continue
        last = rows[keep]
        for row in rows[keep + 1 :]:
            row.getparent().remove(row)
        marker = last.makeelement("tr", {})
        cell = marker.makeelement("td", {})
        cell.text = f"{OMITTED}{len(rows) - keep - 1}"
        marker.append(cell)
        last.addnext(marker)
        cut = True
    return cut


def cut_markdown_tables(text: str, keep: int) -> str:
    """`text` with the rows of each pipe table after the first `keep` replaced by one marker."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    fence = None
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = _FENCE_RE.match(line)
        if opened and (fence is None or opened.group(1) == fence):
            fence = None if fence else opened.group(1)
        out.append(line)
        index += 1
        if fence or not out[-1:] or "|" not in line or len(out) < 2 or "|" not in out[-2]:
            continue
        if not _DELIMITER_RE.match(line) or "-" not in line:
            continue
        end = index
        while end < len(lines) and lines[end].strip() and "|" in lines[end]:
            end += 1
        if end - index > keep:
            out.extend(lines[index : index + keep])
            out.append(f"| {OMITTED}{end - index - keep} |")
            index = end
    return "\n".join(out)


def take_omitted(table: Table) -> Table:
    """Move a marker row left by a cut into `table.omitted_rows`."""
    if table.rows and table.rows[-1]:
        found = _OMITTED_RE.search(table.rows[-1][0])
        if found:
            table.rows.pop()
            table.omitted_rows += int(found.group(1))
    return table
