"""RawSource -> Article: run the parser for the source's kind, then the shared block passes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from readaloud.document import FAQ, Article, Block, Heading
from readaloud.errors import InputError
from readaloud.sources import structure
from readaloud.sources.boilerplate import load_rules
from readaloud.sources.clean import REPAIRS, TEXT_REPAIRS, capitalize_first, repair_text
from readaloud.sources.loader import RawSource
from readaloud.sources.markdown import parse_markdown
from readaloud.sources.table_cut import rows_to_keep
from readaloud.sources.text import parse_byline, parse_text

logger = logging.getLogger(__name__)

MIN_HTML_WORDS = 12
META_FIELDS = ("title", "author", "date", "description", "image", "language", "site_name", "url")


def parse_article(
    raw: RawSource,
    *,
    extra_boilerplate: list[Path] | None = None,
    table_rows: int | None = None,
    trace: Callable[[str, list[Block]], None] | None = None,
) -> Article:
    """Recover the article in `raw` (kind html, markdown or text) as an Article.

    `extra_boilerplate` adds TOML rule files to the built-in boilerplate.toml; with
    `table_rows` (what the script reads of a table), big tables are cut before parsing; `trace`
    is called with each pass's name and its blocks (benchmarks/structure.py uses it to find
    where a heading is lost). Raises InputError when the source holds no article text, or for
    SSML (which the script stage reads itself).
    """
    if raw.kind == "ssml":
        raise InputError(
            f"{raw.name} is an SSML speech script, not an article. Use it as a script."
        )
    rules = load_rules(extra_boilerplate)
    keep = None if table_rows is None else rows_to_keep(table_rows)
    faq = []
    if raw.kind == "html":
        # Imported for a web page only: trafilatura and markdownify are 0.1 s of start-up.
        from readaloud.sources.html import parse_html

        parsed = parse_html(raw.text, raw.url, keep)
        blocks, meta, faq = parsed.blocks, parsed.meta, parsed.faq
    elif raw.kind == "markdown":
        parsed_md = parse_markdown(raw.text, keep)
        blocks, meta = parsed_md.blocks, parsed_md.meta
    else:
        parsed_text = parse_text(raw.text, rules)
        blocks, meta = parsed_text.blocks, parsed_text.meta

    note = trace or (lambda name, blocks: None)
    note("parsed", blocks)
    repairs = TEXT_REPAIRS if raw.kind == "text" else REPAIRS
    title = meta.get("title", "")
    if not title:
        title, blocks = _title_from_blocks(blocks)
    title = repair_text(rules.remove_holes(rules.strip_debris(title)), repairs)
    if raw.kind == "text":
        title = capitalize_first(title)

    blocks = structure.clean_blocks(blocks, rules, raw.kind)
    note("clean_blocks", blocks)
    blocks = structure.drop_sections(blocks, rules)
    note("drop_sections", blocks)
    if raw.kind == "text":
        blocks, title = structure.repair_case(blocks, title)
    blocks = structure.drop_redundant_figures(blocks)
    blocks = structure.drop_title_repeats(blocks, title)
    note("drop_title_repeats", blocks)
    blocks, byline = structure.take_byline(blocks, parse_byline)
    # FAQ first: "Q: ..." would otherwise read as a run-in label "Q".
    blocks = structure.build_faqs(blocks)
    blocks = structure.mark_asides(blocks)
    note("build_faqs", blocks)
    if faq:
        cleaned = structure.clean_blocks([FAQ(items=faq)], rules, raw.kind)
        extra = cleaned[0].items if cleaned and isinstance(cleaned[0], FAQ) else []
        blocks = structure.merge_faq(blocks, extra, meta.get("language"))
    blocks = structure.drop_empty_sections(blocks, last_is_text=raw.kind == "text")
    note("drop_empty_sections", blocks)
    # An extractor that finds no article falls back to menus ("Home Login"): ask for a real
    # paragraph's worth of words from HTML.
    if not structure.has_text(blocks, MIN_HTML_WORDS if raw.kind == "html" else 1):
        raise InputError(
            f"{raw.name} has no article text that readaloud could find. "
            "Check that it is the article page itself, not an index or a login page."
        )
    article = Article(
        title=title,
        source=raw.name,
        source_kind=raw.kind,
        blocks=blocks,
        **{k: meta[k] for k in META_FIELDS if k != "title" and meta.get(k)},
    )
    if byline and not article.author:
        article.author = byline
    if raw.url and not article.url:
        article.url = raw.url
    logger.info("parsed %s: %d blocks, title %r", raw.name, len(blocks), title)
    return article


def _title_from_blocks(blocks: list[Block]) -> tuple[str, list[Block]]:
    """Without metadata, the first top-level heading is the title."""
    headings = [b for b in blocks if isinstance(b, Heading)]
    if not headings:
        return "", blocks
    top = min(h.level for h in headings)
    first = next(h for h in headings if h.level == top)
    if top == 1 or blocks.index(first) == 0:
        return first.text, [b for b in blocks if b is not first]
    return "", blocks
