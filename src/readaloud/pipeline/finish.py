"""The assembly step of one article, on the client: the clips of every segment -> the episode
files in the output folder (stitch, loudness, encode, tags, sidecars, manifest last)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import ReadaloudError
from ..pcm import Clip
from ..publish.episode import write_episode
from .outcome import Outcome, Status
from .plan import ArticlePlan

logger = logging.getLogger(__name__)


def _fetch_cover(image: str | None, folder: Path) -> Path | None:
    """The article's image, fetched along with a web page, as the cover when it is JPEG/PNG."""
    if not image or not image.startswith(("http://", "https://")):
        return None
    from ..audio.tags import image_type
    from ..sources.fetch import fetch_url

    try:
        fetched = fetch_url(image, max_bytes=5_000_000, timeout=10.0)
        path = folder / "cover"
        path.write_bytes(fetched.data)
        image_type(path)
    except ReadaloudError as exc:
        logger.warning("The article image is not used as cover: %s", exc)
        return None
    return path


def finish_article(plan: ArticlePlan, clips: Mapping[str, Clip], synthesized: int) -> Outcome:
    """Write the episode of `plan` from `clips` (every utterance key -> its clip on this
    machine) and return its Outcome; `synthesized` counts the utterances made for it now."""
    count = sum(1 for _ in plan.script.segments())
    aligned = [
        clips[utterance.key] if (utterance := plan.utterances.get(index)) else None
        for index in range(count)
    ]
    publish = plan.options.publish
    with tempfile.TemporaryDirectory(prefix="readaloud-cover-") as cover_dir:
        if publish.cover is None and plan.source_url:
            cover = _fetch_cover(plan.image, Path(cover_dir))
            publish = replace(publish, cover=cover)
        manifest = write_episode(
            plan.script,
            aligned,
            plan.output_dir,
            slug=plan.slug,
            identity=plan.identity,
            audio=plan.options.audio,
            publish=publish,
            pause_scale=plan.preset.pause_scale,
            article=plan.article,
            editions=plan.editions,
        )
    files = {key: plan.output_dir / entry.name for key, entry in manifest.files.items()}
    return Outcome(
        plan.source,
        Status.CONVERTED,
        manifest.path,
        files=files,
        synthesized=synthesized,
        cached=len(plan.utterances) - synthesized,
    )
