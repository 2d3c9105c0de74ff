"""`readaloud convert`: one or many articles to episodes."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import sys
from pathlib import Path

import click

from .cluster_opts import cluster_options, open_runner
from .common import CONTEXT, handle_errors, script_options, script_settings
from .feed_cmd import feed_settings

logger = logging.getLogger("readaloud")


def _bitrate(value: str) -> str:
    """64k, 64K or 64000 -> "64k"; anything else is a usage error before any work is done."""
    match = re.fullmatch(r"(\d{1,3})\s*[kK]|(\d{4,6})", value.strip())
    kbps = int(match.group(1) or int(match.group(2)) // 1000) if match else 0
    if not 8 <= kbps <= 320:
        raise click.BadParameter(f"{value!r} is not a bitrate from 8k to 320k, e.g. 64k.")
    return f"{kbps}k"


@click.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder for the episodes.",
)
@click.option(
    "--from-list",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file of sources (paths or URLs), one a line.",
)
@click.option(
    "--from-feed", metavar="URL|FILE", help="An RSS/Atom feed of articles: convert each entry."
)
@click.option(
    "--allow-local-items",
    is_flag=True,
    help="With a local --from-feed file: also convert entries that are files in its folder.",
)
@script_options
@click.option(
    "--format",
    "audio_format",
    type=click.Choice(["mp3", "m4b"]),
    default="mp3",
    show_default=True,
    help="MP3 with ID3 chapters, or M4B audiobook with chapters.",
)
@click.option(
    "--bitrate",
    default="64k",
    show_default=True,
    callback=lambda ctx, param, value: _bitrate(value),
    help="Audio bitrate, e.g. 64k or 96k.",
)
@click.option(
    "--sample-rate",
    type=click.Choice(["16000", "22050", "24000", "32000", "44100", "48000"]),
    default="44100",
    show_default=True,
    callback=lambda ctx, param, value: int(value),
    help="Output sample rate in Hz.",
)
@click.option("--stereo", is_flag=True, help="Stereo output (default mono).")
@click.option("--loudness", type=float, help="Target LUFS (default -19 mono, -16 stereo).")
@click.option("--no-normalize", is_flag=True, help="Do not normalize loudness.")
@click.option(
    "--cover",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Cover art (JPEG/PNG); default: the article's own image, rebuilt without metadata.",
)
@click.option(
    "--album",
    help="Show title for the album tag and chapters podcastName "
    "(default: title in DIR/readaloud-feed.toml; the album tag falls back to the site name).",
)
@click.option(
    "--intro",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Audio played before the article (its own chapter).",
)
@click.option("--intro-title", help="Chapter title of the intro (default: its file name).")
@click.option(
    "--outro",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Audio played after the article (its own chapter).",
)
@click.option("--outro-title", help="Chapter title of the outro (default: its file name).")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Audio cache folder (default: the user cache folder).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor keep cached audio.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    help=(
        "Parallel synthesis workers (default: one per core, at most 4, as many as the memory "
        "budget READALOUD_MEMORY_MB (1024) allows; Piper workers share one loaded model, and "
        "that budget also bounds the speech they run at once)."
    ),
)
@click.option(
    "--no-html", is_flag=True, help="Do not write the player page <slug>.html and its embed."
)
@click.option(
    "--epub", is_flag=True, help="Also write <slug>.epub: EPUB 3 text with synchronized audio."
)
@click.option("--daisy", is_flag=True, help="Also write <slug>.daisy/: a DAISY 2.02 talking book.")
@click.option("--daisy-zip", is_flag=True, help="Also write <slug>.daisy.zip (the DAISY book).")
@click.option("--force", is_flag=True, help="Re-render even when an episode is up to date.")
@click.option("--feed", "refresh_feed", is_flag=True, help="Refresh DIR/feed.xml after the batch.")
@click.option("--base-url", help="Base URL of the published files (for --feed).")
@cluster_options
@click.pass_context
@handle_errors
def convert(ctx: click.Context, sources, output_dir: Path, from_list, from_feed, **kw) -> None:
    """Convert SOURCE... into podcast episodes: MP3 + chapters, transcripts, script, manifest,
    and with --epub / --daisy talking books whose text is synchronized with the audio.

    SOURCE is a file, a folder of articles, an http(s) URL or - for stdin. An episode whose
    article and settings did not change is skipped as up to date.
    """
    from .. import api

    root = ctx.find_root().params
    quiet, debug = root.get("quiet", False), root.get("debug", False)
    script = script_settings(kw)
    feed_links: set[str] = set()
    found = api.expand_sources(
        sources,
        from_list,
        from_feed,
        local_items=kw.pop("allow_local_items"),
        policy=script.fetch,
        feed_links=feed_links,
    )
    # A feed's entries are fetched as URLs the article side asked for, not the user.
    script = dataclasses.replace(script, feed_links=frozenset(feed_links))
    batch = len(found) > 1
    options = api.ConvertOptions(
        script=script,
        audio=api.AudioSettings(
            format=kw.pop("audio_format"),
            bitrate=kw.pop("bitrate"),
            sample_rate=kw.pop("sample_rate"),
            stereo=kw.pop("stereo"),
            normalize=not kw.pop("no_normalize"),
            loudness=kw.pop("loudness"),
            intro=kw.pop("intro"),
            intro_title=kw.pop("intro_title"),
            outro=kw.pop("outro"),
            outro_title=kw.pop("outro_title"),
        ),
        publish=api.PublishOptions(
            cover=kw.pop("cover"), album=kw.pop("album"), html=not kw.pop("no_html")
        ),
        synth=api.SynthOptions(
            cache_dir=kw.pop("cache_dir"),
            use_cache=not kw.pop("no_cache"),
            jobs=kw.pop("jobs"),
            progress=not quiet,
        ),
        force=kw.pop("force"),
        editions=api.Editions(
            epub=kw.pop("epub"), daisy=kw.pop("daisy"), daisy_zip=kw.pop("daisy_zip")
        ),
    )
    if (options.editions.daisy or options.editions.daisy_zip) and options.audio.format != "mp3":
        raise click.UsageError("--daisy needs --format mp3: DAISY 2.02 books carry MP3 audio.")
    # Connect first: an unreachable scheduler fails before anything is written.
    runner = open_runner(
        kw.pop("scheduler"), kw.pop("workers"), dashboard=kw.pop("dashboard") or debug
    )
    with runner or contextlib.nullcontext():
        outcomes = api.convert(
            found,
            output_dir,
            options,
            runner=runner,
            on_outcome=lambda o: _report(o, quiet, batch, debug),
        )
    if batch and not quiet:
        _summary(outcomes)
    if kw.pop("refresh_feed"):
        from ..publish.feed import write_feed

        path = write_feed(output_dir, feed_settings({"base_url": kw.pop("base_url")}))
        if not quiet:
            click.echo(f"feed: {path}", err=True)
    code = api.exit_code(outcomes)
    if code:
        sys.exit(code)


def _summary(outcomes) -> None:
    from ..api import Status, counts

    n = counts(outcomes)
    click.echo(
        f"{n[Status.CONVERTED]} converted, {n[Status.UP_TO_DATE]} up to date, "
        f"{n[Status.FAILED]} failed",
        err=True,
    )
    for outcome in outcomes:
        if outcome.status is Status.FAILED:
            click.echo(f"  failed: {outcome.source}: {outcome.detail}", err=True)


def _report(outcome, quiet: bool, batch: bool, debug: bool) -> None:
    from ..api import Status

    if outcome.status is Status.FAILED:
        if not batch and debug and outcome.error is not None:
            raise outcome.error
        # one source fails as itself; in a batch, the line names the source
        prefix = f"{outcome.source}: " if batch else ""
        click.echo(f"Error: {prefix}{outcome.detail}", err=True)
        return
    if quiet:
        return
    name = outcome.manifest.with_suffix("") if outcome.manifest else outcome.source
    if outcome.status is Status.UP_TO_DATE:
        click.echo(f"up to date: {name}", err=True)
    else:
        click.echo(
            f"wrote {name}.* ({outcome.synthesized} utterances synthesized, {outcome.cached} cached)",
            err=True,
        )
