"""Write one finished episode: audio with tags and chapters, sidecars, and the manifest last.

Every file is written atomically (temp + rename). The audio and the sidecars come first and the
manifest last, so an interrupted run (failure, Ctrl-C) leaves no partial audio file and never a
manifest that points to a file that is not there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..audio import encode as encoding
from ..audio import loudness as level  # `loudness` is also an option name below
from ..audio.assemble import assemble
from ..audio.tags import EpisodeTags, image_type, write_mp3_tags, write_mp4_tags
from ..audio.timeline import Timeline
from ..document import Article
from ..errors import ReadaloudError
from ..fsutil import atomic_path
from ..pcm import Clip
from ..script.model import SpeechScript
from . import transcript
from .chapters_json import MIME_TYPE as CHAPTERS_TYPE
from .chapters_json import chapters_json
from .manifest import FileEntry, Manifest

logger = logging.getLogger(__name__)

SSML_TYPE = "application/ssml+xml"


def _file_mode() -> int:
    """What open() would give under the umask: temp files are created 0600, but published
    files must be readable by the web server that serves the feed."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass
class EpisodeOptions:
    """How the episode is packaged (the `convert` options that concern audio and files)."""

    format: str = "mp3"
    """"mp3" or "m4b"."""
    bitrate: str = "64k"
    sample_rate: int = 44100
    stereo: bool = False
    normalize: bool = True
    loudness: float | None = None
    """Integrated loudness target in LUFS; None = -19 mono / -16 stereo."""
    true_peak: float = level.DEFAULT_TRUE_PEAK
    cover: Path | None = None
    album: str | None = None
    intro: Path | None = None
    intro_title: str | None = None
    outro: Path | None = None
    outro_title: str | None = None
    pause_scale: float = 1.0
    engine: str = ""
    voice: str = ""
    transcript_json: bool = True
    """Also write `<slug>.transcript.json` (Podcasting 2.0 JSON transcript)."""


def _date(script: SpeechScript) -> str | None:
    """The article date as ISO (YYYY-MM-DD or the full timestamp given), else None."""
    value = script.metadata.get("date")
    if not value:
        return None
    text = str(value).strip()
    return text if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", text) else None


def _cover(options: EpisodeOptions, script: SpeechScript) -> Path | None:
    """The cover to embed: --cover (must be valid), else the article image if a local JPEG/PNG."""
    if options.cover:
        image_type(Path(options.cover))  # a bad --cover is the user's to fix: fail clearly
        return Path(options.cover)
    image = script.metadata.get("image")
    if not image or re.match(r"^[a-z][a-z0-9+.-]*://", str(image), re.I):
        return None
    path = Path(str(image))
    if not path.is_file():
        return None
    try:
        image_type(path)
    except ReadaloudError as exc:
        logger.warning("Article image not used as cover: %s", exc)
        return None
    return path


def _text(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def write_episode(
    script: SpeechScript,
    clips: list[Clip | None],
    out_dir: Path,
    *,
    slug: str,
    options: EpisodeOptions,
    identity: dict,
    article: Article | None = None,
) -> Manifest:
    """Package one episode into `out_dir` and return its manifest (written last, as `<slug>.json`).

    `clips` is aligned with the script's segments (None = silence only). `identity` holds the
    source, source_sha256, settings_sha256 and guid the manifest records for the feed and for
    up-to-date checks. `article` (the cleaned article the script was read from) goes into the
    sync map `<slug>.sync.json`, from which the text editions are made.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = encoding.EncodeSettings(
        format=options.format,
        bitrate=options.bitrate,
        sample_rate=options.sample_rate,
        channels=2 if options.stereo else 1,
    )
    meta = script.metadata
    cover = _cover(options, script)
    url = _text(meta.get("url"))
    site_name = _text(meta.get("site_name"))
    tags = EpisodeTags(
        title=script.title or slug,
        artist=_text(script.author),
        album=_text(options.album) or site_name,
        date=_date(script),
        language=script.language,
        description=_text(meta.get("description")),
        url=url,
        cover=cover,
    )
    audio_path = out_dir / f"{slug}.{settings.extension}"
    cover_name = f"{slug}.{IMAGE_EXTENSIONS[image_type(cover)]}" if cover else None
    image = cover_name
    if cover is None and re.match(r"^https?://", str(meta.get("image") or "")):
        image = str(meta["image"])

    # Every output is staged as a temp file next to its target; the ExitStack renames them all
    # only when everything succeeded, in reverse order of staging: audio first, manifest last.
    # A failure or Ctrl-C before that removes every temp file and leaves a previous render of
    # the same episode untouched. SIGTERM is handled like Ctrl-C meanwhile, for the same cleanup.
    with _sigterm_as_interrupt(), contextlib.ExitStack() as commit:
        staged = _Stage(commit, out_dir)
        manifest_part = staged.reserve(f"{slug}.json")
        if cover is not None and (out_dir / cover_name).resolve() != cover.resolve():
            shutil.copyfile(cover, staged.reserve(cover_name))
        sidecar_parts = {
            key: staged.reserve(name) for key, name in _sidecar_names(slug, options).items()
        }
        audio_part = staged.reserve(audio_path.name)

        with tempfile.TemporaryDirectory(prefix="readaloud-episode-") as tmp:
            timeline = _render_audio(script, clips, Path(tmp), audio_part, settings, tags, options)
        files = {"audio": FileEntry.of(audio_part, settings.mime_type, name=audio_path.name)}
        documents = _sidecar_documents(script, timeline, tags, audio_path.name, article)
        for key, part in sidecar_parts.items():
            mime_type, text = documents[key]
            part.write_text(text, encoding="utf-8")
            files[key] = FileEntry.of(part, mime_type, name=staged.names[part])

        manifest = Manifest(
            slug=slug,
            title=tags.title,
            author=tags.artist,
            language=script.language,
            date=tags.date,
            description=tags.description,
            site_name=site_name,
            url=url,
            image=image,
            source=identity.get("source"),
            source_sha256=identity.get("source_sha256"),
            settings_sha256=identity.get("settings_sha256"),
            guid=identity.get("guid"),
            duration_ms=timeline.duration_ms,
            engine=options.engine or None,
            voice=options.voice or None,
            chapters=timeline.chapters,
            files=files,
            path=out_dir / f"{slug}.json",
        )
        manifest_part.write_text(manifest.to_json(), encoding="utf-8")
        staged.make_readable()
    logger.info(
        "wrote %s (%d ms, %d chapters)", audio_path, timeline.duration_ms, len(timeline.chapters)
    )
    return manifest


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt (main thread only, when nobody else handles it).

    Python's default SIGTERM action ends the process at once, skipping the `finally` blocks
    and context exits that remove temp files.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _Stage:
    """Temp files next to their targets, renamed into place when the ExitStack closes cleanly."""

    def __init__(self, stack: contextlib.ExitStack, out_dir: Path) -> None:
        self.stack = stack
        self.out_dir = out_dir
        self.names: dict[Path, str] = {}

    def reserve(self, name: str) -> Path:
        part = self.stack.enter_context(atomic_path(self.out_dir / name))
        self.names[part] = name
        return part

    def make_readable(self) -> None:
        for part in self.names:
            os.chmod(part, FILE_MODE)


def _render_audio(
    script: SpeechScript,
    clips: list[Clip | None],
    tmp: Path,
    out: Path,
    settings: encoding.EncodeSettings,
    tags: EpisodeTags,
    options: EpisodeOptions,
) -> Timeline:
    """Assemble into a temp WAV, plan the loudness, encode into `out`, tag it."""
    wav = tmp / "episode.wav"
    timeline = assemble(
        script,
        clips,
        wav,
        pause_scale=options.pause_scale,
        intro=options.intro,
        outro=options.outro,
        intro_title=options.intro_title,
        outro_title=options.outro_title,
    )
    plan = None
    if options.normalize:
        plan = level.plan(
            wav,
            target_lufs=level.target_for(settings.channels, options.loudness),
            true_peak=options.true_peak,
            channels=settings.channels,
            encoder_gain_db=encoding.encoder_gain_db(settings),
        )
    encoding.encode(wav, out, settings, plan=plan, chapters=timeline.chapters)
    if settings.format == "mp3":
        write_mp3_tags(out, tags, timeline.chapters)
    else:
        write_mp4_tags(out, tags)
    return timeline


def _sidecar_names(slug: str, options: EpisodeOptions) -> dict[str, str]:
    names = {
        "chapters": f"{slug}.chapters.json",
        "vtt": f"{slug}.vtt",
        "srt": f"{slug}.srt",
        "ssml": f"{slug}.ssml",
        "sync": f"{slug}.sync.json",
    }
    if options.transcript_json:
        names["transcript"] = f"{slug}.transcript.json"
    return names


def _sidecar_documents(
    script: SpeechScript,
    timeline: Timeline,
    tags: EpisodeTags,
    audio_name: str,
    article: Article | None = None,
) -> dict[str, tuple[str, str]]:
    """MIME type and text of every sidecar: chapters JSON, VTT, SRT, SSML, sync map, JSON
    transcript."""
    from ..markup import sync  # the text editions' hand-over
    from ..script.ssml import render_ssml  # the script stage owns SSML

    cues = transcript.cues(script, timeline)
    chapters = chapters_json(
        timeline.chapters,
        title=tags.title,
        author=tags.artist,
        podcast_name=tags.album,
        file_name=audio_name,
    )
    return {
        "chapters": (CHAPTERS_TYPE, chapters),
        "vtt": (transcript.VTT_TYPE, transcript.render_vtt(cues)),
        "srt": (transcript.SRT_TYPE, transcript.render_srt(cues)),
        "ssml": (SSML_TYPE, render_ssml(script)),
        "sync": (sync.MIME_TYPE, sync.build_sync(script, timeline, article).to_json()),
        "transcript": (transcript.JSON_TYPE, transcript.render_json(cues)),
    }
