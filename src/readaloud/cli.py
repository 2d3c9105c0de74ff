"""Command line: parse options, call the pipeline, map errors to exit codes."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ReadaloudError
from .pipeline import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, ScriptOptions, VoiceOptions
from .script.reading import ReadingSettings

logger = logging.getLogger("readaloud")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def handle_errors(func):
    """Print ReadaloudError (and anything unexpected) as one line; tracebacks only with --debug."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except ReadaloudError as exc:
            if debug:
                raise
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; nothing partial was written.", 130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line unless --debug
            if debug:
                raise
            _fail(f"unexpected {type(exc).__name__}: {exc}. Run with --debug for details.")

    return wrapper


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="readaloud")
@click.option("--debug", is_flag=True, help="Show debug logs and full tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Turn articles into podcast-ready, accessible audio.

    SOURCE is a file (.html, .md, .txt, .ssml), an http(s) URL, or - for stdin.
    """
    level = logging.DEBUG if debug else logging.ERROR if quiet else logging.WARNING
    _terminate_like_ctrl_c()
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    ctx.obj = {"debug": debug, "quiet": quiet}


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _terminate_like_ctrl_c() -> None:
    """SIGTERM (kill, CI timeouts) cleans up temp files exactly as Ctrl-C does."""
    # ValueError: not the main thread (e.g. embedded in another program)
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, _raise_interrupt)


def script_options(func):
    """Options that shape the speech script (shared by `script` and `convert`)."""
    options = [
        click.option(
            "--voice",
            "preset",
            metavar="NAME|PATH",
            help="Voice preset (see `readaloud voices`), or a Piper .onnx model path or name.",
        ),
        click.option("--engine", type=str, help="Speech engine: piper (default), gtts, espeak-ng."),
        click.option("--rate", type=float, help="Speaking rate, 1.0 = normal, 1.2 = 20% faster."),
        click.option("--language", help="Override the article's language (BCP 47, e.g. en-GB)."),
        click.option(
            "--lexicon",
            "lexicons",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Pronunciation lexicon (.toml or W3C .pls); repeatable, later wins.",
        ),
        click.option(
            "--boilerplate",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Extra boilerplate patterns (TOML) to strip; repeatable.",
        ),
        click.option("--no-intro", is_flag=True, help="Do not read title, author and date first."),
        click.option("--no-date", is_flag=True, help="Do not read the publication date."),
        click.option(
            "--table-rows",
            type=click.IntRange(1),
            default=25,
            show_default=True,
            help="Read at most this many rows of a table, then summarise.",
        ),
        click.option(
            "--images",
            type=click.Choice(["alt", "skip"]),
            default="alt",
            show_default=True,
            help="Read image alt text and captions, or skip images.",
        ),
        click.option(
            "--code",
            type=click.Choice(["announce", "read", "skip"]),
            default="announce",
            show_default=True,
            help="Code blocks: announce and skip, read, or skip silently.",
        ),
        click.option(
            "--quotes",
            type=click.Choice(["announce", "plain"]),
            default="announce",
            show_default=True,
            help='Block quotes: "Quote ... End quote." or plain.',
        ),
        click.option(
            "--urls",
            type=click.Choice(["domain", "drop"]),
            default="domain",
            show_default=True,
            help="Read URLs in the text as their domain, or drop them.",
        ),
        click.option(
            "--max-size",
            type=click.IntRange(1),
            default=DEFAULT_MAX_BYTES // 1_000_000,
            show_default=True,
            help="Refuse inputs larger than this many MB.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(1, 3600),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            help="Give up on a URL whose complete answer takes longer than this (seconds).",
        ),
        click.option(
            "--allow-private-urls",
            is_flag=True,
            help="Let articles and feeds make readaloud fetch loopback, private and "
            "link-local addresses (their images, feed items).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _script_settings(kw: dict) -> tuple[ScriptOptions, VoiceOptions]:
    reading = ReadingSettings(
        intro=not kw.pop("no_intro"),
        read_date=not kw.pop("no_date"),
        table_row_limit=kw.pop("table_rows"),
        images=kw.pop("images"),
        code=kw.pop("code"),
        quotes=kw.pop("quotes"),
    )
    script = ScriptOptions(
        max_bytes=kw.pop("max_size") * 1_000_000,
        boilerplate=list(kw.pop("boilerplate")),
        lexicons=list(kw.pop("lexicons")),
        reading=reading,
        urls=kw.pop("urls"),
        language=kw.pop("language"),
        timeout=kw.pop("timeout"),
        allow_private_urls=kw.pop("allow_private_urls"),
    )
    voice = VoiceOptions(preset=kw.pop("preset"), engine=kw.pop("engine"), rate=kw.pop("rate"))
    return script, voice


@main.command(context_settings=CONTEXT)
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
@script_options
@handle_errors
def script(source: str, fmt: str, output: Path | None, explain: bool, phonemes: bool, **kw) -> None:
    """Print the speech script of SOURCE (what will be spoken, chapter by chapter)."""
    from .fsutil import write_text_atomic
    from .pipeline import make_script

    script_opts, voice = _script_settings(kw)
    loaded = make_script(source, script_opts, voice)
    for warning in loaded.warnings:
        logger.warning("%s", warning)
    if fmt == "markdown":
        if loaded.article is None:
            raise ReadaloudError("--format markdown needs an article source, not SSML.")
        from .sources.render import article_to_markdown

        text = article_to_markdown(loaded.article)
    elif fmt == "ssml":
        from .script.ssml import render_ssml

        text = render_ssml(loaded.script, phonemes=phonemes)
    elif fmt == "json":
        text = loaded.script.to_json() + "\n"
    else:
        text = loaded.script.to_text()
    if explain:
        from .script.lexicon import explain_lines

        for line in explain_lines(loaded.script):
            click.echo(line, err=True)
    if output:
        write_text_atomic(output, text)
    else:
        click.echo(text, nl=False)


@main.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def voices(as_json: bool) -> None:
    """List voice presets and engines, ready or not and why."""
    from .voices import format_voices_report, voices_report

    rows = voices_report()
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(format_voices_report(rows))


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def chapters(file: Path, as_json: bool) -> None:
    """Print the chapters of an MP3 or M4B file."""
    from .audio.chapters_read import format_chapters, read_chapters

    marks = read_chapters(file)
    if as_json:
        rows = [{"title": m.title, "start_ms": m.start_ms, "end_ms": m.end_ms} for m in marks]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(format_chapters(marks))


from .cli_convert import convert, feed  # noqa: E402  (registers the commands)

main.add_command(convert)
main.add_command(feed)
