"""The sources of a batch: paths, folders (their article files), list files and article feeds."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, UsageError

SOURCE_SUFFIXES = {".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".ssml"}


def expand_sources(
    sources: tuple[str, ...],
    from_list: Path | None,
    from_feed: str | None,
    *,
    local_items: bool = False,
    policy=None,
    feed_links: set[str] | None = None,
) -> list[str]:
    """Paths, folders (their article files, sorted), list files and article feeds, in order.

    `local_items` and `policy` go to `read_article_feed`. The links a feed lists are also added
    to `feed_links`: they are fetched as URLs the article side asked for, not the user.
    """
    found: list[str] = []
    for source in sources:
        path = Path(source)
        if source != "-" and "://" not in source and path.is_dir():
            files = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
            )
            if not files:
                raise InputError(f"{source}: the folder holds no .html, .md, .txt or .ssml files.")
            found += [str(p) for p in files]
        else:
            found.append(source)
    if from_list:
        try:
            lines = from_list.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the list {from_list}: {exc}") from None
        base = from_list.parent
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "://" in line or Path(line).is_absolute():
                found.append(line)
            else:
                found.append(str(base / line))
    if from_feed:
        from .article_feed import read_article_feed

        entries = read_article_feed(from_feed, local_items=local_items, policy=policy)
        links = [entry.link for entry in entries]
        found += links
        if feed_links is not None:
            feed_links.update(links)
    if not found:
        raise UsageError("give at least one SOURCE, --from-list or --from-feed.")
    return found
