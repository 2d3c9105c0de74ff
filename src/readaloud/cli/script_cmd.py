"""`readaloud script`: print the speech script of one source."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ReadaloudError
from .common import CONTEXT, handle_errors, logger, script_options, script_settings


@click.command(context_settings=CONTEXT)
@click.argument("source")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "ssml", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: the words spoken; ssml: SSML 1.1; json: the script model; "
    "markdown: the cleaned article before speech rules.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
@click.option(
    "--explain", is_flag=True, help="List every normalization and lexicon change on stderr."
)
@click.option("--phonemes", is_flag=True, help="SSML: use <phoneme> for lexicon entries with IPA.")
@click.option(
    "--portable",
    is_flag=True,
    help="SSML: plain W3C SSML 1.0 for cloud engines (no readaloud metadata or ra: attributes; "
    "it validates against the W3C schema).",
)
@script_options
@handle_errors
def script(
    source: str, fmt: str, output: Path | None, explain: bool, phonemes: bool, portable: bool, **kw
) -> None:
    """Print the speech script of SOURCE (what will be spoken, chapter by chapter)."""
    from ..api import load_source
    from ..fsutil import write_text_atomic

    if portable and fmt != "ssml":
        raise click.UsageError("--portable applies to --format ssml only.")
    loaded = load_source(source, script_settings(kw))
    for warning in loaded.warnings:
        logger.warning("%s", warning)
    if fmt == "markdown":
        if loaded.article is None:
            raise ReadaloudError("--format markdown needs an article source, not SSML.")
        from ..sources.render import article_to_markdown

        text = article_to_markdown(loaded.article)
    elif fmt == "ssml":
        from ..script.ssml import render_ssml

        text = render_ssml(loaded.script, phonemes=phonemes, portable=portable)
    elif fmt == "json":
        text = loaded.script.to_json() + "\n"
    else:
        text = loaded.script.to_text()
    if explain:
        from ..script.lexicon import explain_lines

        for line in explain_lines(loaded.script):
            click.echo(line, err=True)
    if output:
        write_text_atomic(output, text)
    else:
        click.echo(text, nl=False)
