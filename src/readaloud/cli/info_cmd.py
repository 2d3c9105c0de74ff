"""`readaloud voices` and `readaloud chapters`: what is installed, what a file holds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import CONTEXT, handle_errors


@click.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def voices(as_json: bool) -> None:
    """List voice presets and engines, ready or not and why."""
    from ..voices import format_voices_report, voices_report

    rows = voices_report()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(format_voices_report(rows))


@click.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def chapters(file: Path, as_json: bool) -> None:
    """Print the chapters of an MP3 or M4B file."""
    from ..audio.chapters_read import format_chapters, read_chapters

    marks = read_chapters(file)
    if as_json:
        rows = [{"title": m.title, "start_ms": m.start_ms, "end_ms": m.end_ms} for m in marks]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(format_chapters(marks))
