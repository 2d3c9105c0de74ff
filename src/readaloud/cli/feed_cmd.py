"""`readaloud feed`: the podcast feed of an output folder."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CONTEXT, handle_errors


def feed_settings(flags: dict):
    """Flags given on the command line; the feed fills the rest from DIR's config and episodes."""
    from ..publish.feed import FeedSettings

    return FeedSettings(**{k: v for k, v in flags.items() if v is not None})


@click.command(context_settings=CONTEXT)
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--base-url", help="Where DIR's files will be published (required here or in the config)."
)
@click.option("--title", help="Show title (required here or in the config).")
@click.option("--author", help="Show author (required here or in the config).")
@click.option("--description", help="Show description.")
@click.option(
    "--image",
    help="Show artwork: a URL or a file in DIR (square JPEG/PNG, 1400-3000 px, RGB; checked).",
)
@click.option(
    "--fix-image",
    is_flag=True,
    default=None,
    help="Convert artwork that breaks those rules into DIR/<name>-podcast.jpg and use that.",
)
@click.option("--language", help="Show language, e.g. en-us.")
@click.option("--category", help='Apple Podcasts category, e.g. "News" or "News/Politics".')
@click.option("--explicit/--clean", default=None, help="Explicit content flag (default clean).")
@click.option("--owner-name", help="Owner name (itunes:owner).")
@click.option("--owner-email", help="Owner e-mail (itunes:owner, podcast:locked owner).")
@click.option(
    "--locked/--unlocked",
    default=None,
    help="podcast:locked: yes (needs --owner-email) tells other platforms not to import "
    "the feed; no (default) allows it.",
)
@click.option("--link", help="Website of the show.")
@click.option("--copyright", help="Copyright line of the show.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Feed file (default DIR/feed.xml).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Check the existing feed instead of writing it: one line per problem, exit 1 if any.",
)
@click.option("--no-index", is_flag=True, help="Do not write the podcast's page DIR/index.html.")
@handle_errors
def feed(directory: Path, output: Path | None, check: bool, no_index: bool, **flags) -> None:
    """Write an RSS 2.0 podcast feed (Apple + Podcasting 2.0 tags) for the episodes in DIR,
    and DIR/index.html, the podcast's web page listing every episode with its player.

    Channel defaults can live in DIR/readaloud-feed.toml (same names as the options). With
    --check, the feed already written (DIR/feed.xml or --output) is checked against Apple's
    required tags and the files in DIR.
    """
    from ..publish.feed import require_good_feed, write_feed

    if check:
        path = output or directory / "feed.xml"
        require_good_feed(path, directory, report=click.echo)
        click.echo(f"{path}: no problems found", err=True)
        return
    path = write_feed(directory, feed_settings(flags), output, index=not no_index)
    click.echo(str(path), err=True)
