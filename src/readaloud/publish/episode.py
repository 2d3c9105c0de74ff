"""Publish one episode: the audio (rendered by `audio.render`), sidecars, and the manifest last.

Every file is written atomically (temp + rename). The audio and the sidecars come first and the
manifest last, so an interrupted run (failure, Ctrl-C) leaves no partial audio file and never a
manifest that points to a file that is not there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..audio.render import AudioSettings, render
from ..audio.tags import EpisodeTags, image_type
from ..audio.timeline import Timeline
from ..document import Article
from ..fsutil import atomic_path, ensure_dir, sigterm_as_interrupt
from ..markup.sync import MIME_TYPE as SYNC_TYPE
from ..markup.sync import SyncMap, build_sync
from ..pcm import Clip
from ..script.model import SpeechScript
from . import transcript
from .chapters_json import MIME_TYPE as CHAPTERS_TYPE
from .chapters_json import chapters_json
from .feed.config import show_title
from .manifest import FileEntry, Identity, Manifest, first_published

logger = logging.getLogger(__name__)

SSML_TYPE = "application/ssml+xml"


IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class PublishOptions:
    """What is written beside the audio."""

    cover: Path | None = None
    """Cover art (JPEG/PNG); None = the article's image when it is a usable local file."""
    album: str | None = None
    """Album tag and podcast name in the chapters file; None = the site name."""
    transcript_json: bool = True
    """Also write `<slug>.transcript.json` (Podcasting 2.0 JSON transcript)."""
    html: bool = True
    """Also write the player page `<slug>.html` and its embed `<slug>.embed.html`."""


def _date(script: SpeechScript) -> str | None:
    """The article date as ISO (YYYY-MM-DD or the full timestamp given), else None."""
    value = script.metadata.date
    if not value:
        return None
    text = str(value).strip()
    return text if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", text) else None


def _cover(options: PublishOptions) -> Path | None:
    """The cover to embed: `options.cover` (the user's --cover, or the article's image that the
    pipeline checked and cleaned with `publish.cover_image.article_cover`)."""
    if options.cover:
        image_type(Path(options.cover))  # a bad --cover is the user's to fix: fail clearly
        return Path(options.cover)
    return None


def _text(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def write_episode(
    script: SpeechScript,
    clips: list[Clip | None],
    out_dir: Path,
    *,
    slug: str,
    identity: Identity,
    audio: AudioSettings | None = None,
    publish: PublishOptions | None = None,
    pause_scale: float = 1.0,
    article: Article | None = None,
    editions=None,
    loudness_memo: Path | None = None,
) -> Manifest:
    """Package one episode into `out_dir` and return its manifest (written last, as `<slug>.json`).

    `clips` is aligned with the script's segments (None = silence only). `identity` is what the
    manifest records about the episode's origin and voice. `article` (the cleaned article the
    script was read from) goes into the sync map `<slug>.sync.json`, from which the text
    editions are made; `editions` (`books.Editions`) names the talking books to write too.
    `loudness_memo` is where the episode's loudness plan is kept for the next render
    (audio.render).
    """
    out_dir = Path(out_dir)
    ensure_dir(out_dir)
    audio = audio or AudioSettings()
    publish = publish or PublishOptions()
    settings = audio.encoding()
    meta = script.metadata
    cover = _cover(publish)
    url = _text(meta.url)
    site_name = _text(meta.site_name)
    show = _text(publish.album) or show_title(out_dir)
    tags = EpisodeTags(
        title=script.title or slug,
        artist=_text(script.author),
        album=show or site_name,
        date=_date(script),
        language=script.language,
        description=_text(meta.description),
        url=url,
        cover=cover,
    )
    audio_path = out_dir / f"{slug}.{settings.extension}"
    cover_name = f"{slug}.{IMAGE_EXTENSIONS[image_type(cover)]}" if cover else None
    image = cover_name
    if cover is None and re.match(r"^https?://", meta.image or ""):
        image = meta.image

    # Every output is staged as a temp file next to its target; the ExitStack renames them all
    # only when everything succeeded, in reverse order of staging: audio first, manifest last.
    # A failure or Ctrl-C before that removes every temp file and leaves a previous render of
    # the same episode untouched. SIGTERM is handled like Ctrl-C meanwhile, for the same cleanup.
    with sigterm_as_interrupt(), contextlib.ExitStack() as commit:
        staged = _Stage(commit, out_dir)
        manifest_part = staged.reserve(f"{slug}.json")
        if cover is not None and (out_dir / cover_name).resolve() != cover.resolve():
            shutil.copyfile(cover, staged.reserve(cover_name))
        sidecar_parts = {
            key: staged.reserve(name) for key, name in _sidecar_names(slug, publish).items()
        }
        page_parts = {key: staged.reserve(name) for key, name in _page_names(slug, publish)}
        audio_part = staged.reserve(audio_path.name)

        rendered = render(
            script, clips, audio_part, audio, tags, pause_scale=pause_scale, memo=loudness_memo
        )
        timeline = rendered.timeline
        files = {"audio": FileEntry.of(audio_part, rendered.mime_type, name=audio_path.name)}
        sync_map = build_sync(script, timeline, article)
        documents = _sidecar_documents(script, timeline, tags, show, audio_path.name, sync_map)
        for key, part in sidecar_parts.items():
            mime_type, text = documents[key]
            part.write_text(text, encoding="utf-8")
            files[key] = FileEntry.of(part, mime_type, name=staged.names[part])

        manifest = Manifest(
            **dataclasses.asdict(identity),
            slug=slug,
            title=tags.title,
            author=tags.artist,
            language=script.language,
            date=tags.date,
            published=first_published(out_dir / f"{slug}.json", identity.guid),
            description=tags.description,
            site_name=site_name,
            url=url,
            image=image,
            duration_ms=timeline.duration_ms,
            chapters=timeline.chapters,
            files=files,
            path=out_dir / f"{slug}.json",
        )
        if editions is not None and editions.keys():
            from ..books import BookMeta, stage_editions

            meta = BookMeta.from_manifest(manifest)
            suffix = audio_path.suffix
            books = stage_editions(
                commit, out_dir, slug, sync_map, audio_part, meta, editions, suffix
            )
            manifest.files.update(books)
        if page_parts:
            _write_pages(page_parts, staged, manifest, sync_map)
        manifest_part.write_text(manifest.to_json(), encoding="utf-8")
    logger.info(
        "wrote %s (%d ms, %d chapters)", audio_path, timeline.duration_ms, len(timeline.chapters)
    )
    return manifest


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


def _page_names(slug: str, options: PublishOptions) -> list[tuple[str, str]]:
    from ..web.page import page_names

    return list(page_names(slug).items()) if options.html else []


def _write_pages(parts, staged, manifest, sync_map) -> None:
    """The player page and its embed, linking to every file published so far (books too)."""
    from ..web.page import HTML_TYPE, player_documents

    documents = player_documents(manifest, sync_map)
    for key, part in parts.items():
        part.write_text(documents[key], encoding="utf-8")
        manifest.files[key] = FileEntry.of(part, HTML_TYPE, name=staged.names[part])


def _sidecar_names(slug: str, options: PublishOptions) -> dict[str, str]:
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
    show: str | None,
    audio_name: str,
    sync_map: SyncMap,
) -> dict[str, tuple[str, str]]:
    """MIME type and text of every sidecar: chapters JSON, VTT, SRT, SSML, sync map, JSON
    transcript."""
    from ..script.ssml import render_ssml  # the script stage owns SSML

    cues = transcript.cues(script, timeline)
    chapters = chapters_json(
        timeline.chapters,
        title=tags.title,
        author=tags.artist,
        podcast_name=show,  # the show's title (--album or the feed config), never the site
        file_name=audio_name,
    )
    return {
        "chapters": (CHAPTERS_TYPE, chapters),
        "vtt": (transcript.VTT_TYPE, transcript.render_vtt(cues)),
        "srt": (transcript.SRT_TYPE, transcript.render_srt(cues)),
        "ssml": (SSML_TYPE, render_ssml(script)),
        "sync": (SYNC_TYPE, sync_map.to_json()),
        "transcript": (transcript.JSON_TYPE, transcript.render_json(cues)),
    }
