"""`readaloud convert`: one or many articles to episodes."""

from __future__ import annotations

import concurrent.futures
import logging
import os
import re
import sys
from pathlib import Path

import click

from ..errors import ReadaloudError
from ..sources.expand import expand_sources
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
    help="Cover art (JPEG/PNG); default: the article's image when local.",
)
@click.option("--album", help="Album tag (default: the site name).")
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
    "-j", "--jobs", type=click.IntRange(1), help="Parallel workers (default: by core count)."
)
@click.option("--force", is_flag=True, help="Re-render even when an episode is up to date.")
@click.option("--feed", "refresh_feed", is_flag=True, help="Refresh DIR/feed.xml after the batch.")
@click.option("--base-url", help="Base URL of the published files (for --feed).")
@click.pass_context
@handle_errors
def convert(ctx: click.Context, sources, output_dir: Path, from_list, from_feed, **kw) -> None:
    """Convert SOURCE... into podcast episodes: MP3 + chapters, transcripts, script, manifest.

    SOURCE is a file, a folder of articles, an http(s) URL or - for stdin. An episode whose
    article and settings did not change is skipped as up to date.
    """
    from ..pipeline import SynthOptions
    from ..publish.episode import EpisodeOptions

    quiet = ctx.find_root().params.get("quiet", False)
    script_opts, voice = script_settings(kw)
    all_sources = expand_sources(sources, from_list, from_feed)
    refresh_feed, base_url = kw.pop("refresh_feed"), kw.pop("base_url")
    force, jobs = kw.pop("force"), kw.pop("jobs")
    episode_kw = dict(
        format=kw.pop("audio_format"),
        bitrate=kw.pop("bitrate"),
        sample_rate=kw.pop("sample_rate"),
        stereo=kw.pop("stereo"),
        normalize=not kw.pop("no_normalize"),
        loudness=kw.pop("loudness"),
        cover=kw.pop("cover"),
        album=kw.pop("album"),
        intro=kw.pop("intro"),
        intro_title=kw.pop("intro_title"),
        outro=kw.pop("outro"),
        outro_title=kw.pop("outro_title"),
    )
    _check_ffmpeg(episode_kw["format"])
    batch = len(all_sources) > 1
    article_jobs = min(jobs or max(1, (os.cpu_count() or 1) // 2), len(all_sources)) if batch else 1
    synth = SynthOptions(
        cache_dir=kw.pop("cache_dir"),
        use_cache=not kw.pop("no_cache"),
        jobs=1 if article_jobs > 1 else jobs,
        progress=not quiet and not batch,
    )

    def convert_source(source: str):
        from ..pipeline import convert_one

        options = EpisodeOptions(**episode_kw)
        return convert_one(source, output_dir, script_opts, voice, options, synth, force=force)

    def run(source: str):
        """One source of a batch: a failure is reported and the batch goes on."""
        from ..pipeline import Outcome

        try:
            return convert_source(source)
        except ReadaloudError as exc:
            return Outcome(source, "failed", detail=str(exc))

    outcomes = []
    if article_jobs > 1:
        with concurrent.futures.ThreadPoolExecutor(article_jobs) as pool:
            for outcome in pool.map(run, all_sources):
                _report(outcome, quiet)
                outcomes.append(outcome)
    else:
        for source in all_sources:
            # a single source fails as itself (its own error class and exit code)
            outcome = run(source) if batch else convert_source(source)
            _report(outcome, quiet)
            outcomes.append(outcome)

    if batch and not quiet:
        counts = {
            s: sum(o.status == s for o in outcomes) for s in ("converted", "up to date", "failed")
        }
        click.echo(
            f"{counts['converted']} converted, {counts['up to date']} up to date, {counts['failed']} failed",
            err=True,
        )
        for outcome in outcomes:
            if outcome.status == "failed":
                click.echo(f"  failed: {outcome.source}: {outcome.detail}", err=True)
    if refresh_feed:
        from ..publish.feed import write_feed

        path = write_feed(output_dir, feed_settings({"base_url": base_url}))
        if not quiet:
            click.echo(f"feed: {path}", err=True)
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


def _check_ffmpeg(audio_format: str) -> None:
    """Fail before any synthesis when the ffmpeg in use cannot encode `audio_format`."""
    from ..audio.encode import FORMATS
    from ..ffmpeg import ffmpeg

    ffmpeg().require_encoder(FORMATS[audio_format][0])


def _report(outcome, quiet: bool) -> None:
    if outcome.status == "failed":
        click.echo(f"Error: {outcome.source}: {outcome.detail}", err=True)
        return
    if quiet:
        return
    name = outcome.manifest.with_suffix("") if outcome.manifest else outcome.source
    if outcome.status == "up to date":
        click.echo(f"up to date: {name}", err=True)
    else:
        click.echo(
            f"wrote {name}.* ({outcome.synthesized} utterances synthesized, {outcome.cached} cached)",
            err=True,
        )
