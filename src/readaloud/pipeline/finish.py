"""The assembly step of one article, on the client: the clips of every segment -> the episode
files in the output folder (stitch, loudness, encode, tags, sidecars, manifest last)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..fsutil import FULL, READ_ONLY, temp_dir
from ..pcm import Clip
from ..publish.cover_image import article_cover
from ..publish.episode import write_episode
from ..publish.manifest import Manifest
from ..synth.run import default_cache_dir
from .outcome import Outcome, Status
from .outputs import named_write_error
from .plan import ArticlePlan

logger = logging.getLogger(__name__)


def finish_article(plan: ArticlePlan, clips: Mapping[str, Clip], synthesized: int) -> Outcome:
    """Write the episode of `plan` from `clips` (every utterance key -> its clip on this
    machine) and return its Outcome; `synthesized` counts the utterances made for it now."""
    count = sum(1 for _ in plan.script.segments())
    aligned = [
        clips[utterance.key] if (utterance := plan.utterances.get(index)) else None
        for index in range(count)
    ]
    try:
        manifest = _write(plan, aligned)
    except OSError as exc:
        if exc.errno not in FULL + READ_ONLY:
            raise
        raise named_write_error(exc, plan.output_dir, plan.options.synth.cache_dir) from exc
    files = {key: plan.output_dir / entry.name for key, entry in manifest.files.items()}
    return Outcome(
        plan.source,
        Status.CONVERTED,
        manifest.path,
        files=files,
        synthesized=synthesized,
        cached=len(plan.utterances) - synthesized,
    )


def _write(plan: ArticlePlan, aligned: list[Clip | None]) -> Manifest:
    """The episode's files, with the article's own image (checked and cleaned) as the cover
    unless the user gave one."""
    publish = plan.options.publish
    with temp_dir("cover") as cover_dir:
        if publish.cover is None:
            cover = article_cover(
                plan.image,
                Path(cover_dir),
                remote=bool(plan.source_url),
                policy=plan.options.script.fetch,
            )
            publish = replace(publish, cover=cover)
        return write_episode(
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
            loudness_memo=_memo(plan),
        )


def _memo(plan: ArticlePlan) -> Path | None:
    """Where the episode's loudness plan is kept between renders: in the clip cache (none when
    caching is off), named by the episode's audio file."""
    synth = plan.options.synth
    if not synth.use_cache:
        return None
    audio = plan.output_dir.resolve() / f"{plan.slug}.{plan.options.audio.encoding().extension}"
    name = hashlib.sha256(str(audio).encode("utf-8")).hexdigest()[:32]
    return (synth.cache_dir or default_cache_dir()) / "loudness" / f"{name}.json"
