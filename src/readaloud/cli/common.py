"""Shared by the commands: the error handler (one `Error:` line) and the script options."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from ..errors import ReadaloudError
from ..options import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    ReadingSettings,
    ScriptOptions,
    VoiceOptions,
)

logger = logging.getLogger("readaloud")

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(message: str, code: int = 1) -> None:
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
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; nothing partial was written.", 130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:  # a bug: still one line unless --debug
            if debug:
                raise
            fail(f"unexpected {type(exc).__name__}: {exc}. Run with --debug for details.")

    return wrapper


def _known_engine(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A usage error (exit 2) for an engine name no installed package registers."""
    if value is None:
        return None
    from ..engines.registry import engine_names

    known = engine_names()
    if value not in known:
        raise click.BadParameter(f"unknown engine {value!r}. Known engines: {', '.join(known)}.")
    return value


class EngineOption(click.Option):
    """`--engine`, whose help lists the engines the registry holds (plugins included)."""

    def get_help_record(self, ctx: click.Context):
        from ..engines.registry import engine_names

        names = ", ".join(f"{n} (default)" if n == "piper" else n for n in engine_names())
        self.help = f"Speech engine: {names}."
        return super().get_help_record(ctx)


def script_options(func):
    """Options that shape the speech script (shared by `script` and `convert`)."""
    options = [
        click.option(
            "--voice",
            "preset",
            metavar="NAME|PATH",
            help="Voice preset (see `readaloud voices`), or a Piper .onnx model path or name.",
        ),
        click.option(
            "--engine", type=str, cls=EngineOption, callback=_known_engine, help="Speech engine."
        ),
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
            help="Extra boilerplate patterns (TOML) to strip, run with a time limit; repeatable.",
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


def script_settings(kw: dict) -> ScriptOptions:
    """The ScriptOptions of the script options (popped from the command's keyword arguments)."""
    reading = ReadingSettings(
        intro=not kw.pop("no_intro"),
        read_date=not kw.pop("no_date"),
        table_row_limit=kw.pop("table_rows"),
        images=kw.pop("images"),
        code=kw.pop("code"),
        quotes=kw.pop("quotes"),
    )
    voice = VoiceOptions(preset=kw.pop("preset"), engine=kw.pop("engine"), rate=kw.pop("rate"))
    return ScriptOptions(
        voice=voice,
        reading=reading,
        language=kw.pop("language"),
        urls=kw.pop("urls"),
        max_bytes=kw.pop("max_size") * 1_000_000,
        boilerplate=tuple(kw.pop("boilerplate")),
        lexicons=tuple(kw.pop("lexicons")),
        timeout=kw.pop("timeout"),
        allow_private_urls=kw.pop("allow_private_urls"),
    )
