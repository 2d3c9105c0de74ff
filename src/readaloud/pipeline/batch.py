"""The Python API's two calls: `make_script` (one source -> its speech script) and `convert`
(a batch of sources -> episodes, with every failure collected in its Outcome)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import ReadaloudError
from ..fsutil import check_output_dir, temp_dir
from ..options import ConvertOptions, ScriptOptions
from ..pcm import PCM, Clip
from ..script.model import SpeechScript
from ..sources.expand import expand_sources
from ..synth.cache import ClipStore
from ..synth.packets import PacketResult
from ..synth.progress import Progress
from ..synth.run import default_cache_dir
from .finish import finish_article
from .load import load_source
from .outcome import Outcome, Status
from .outputs import prepare_output
from .plan import ArticlePlan, SlugBook, plan_article
from .runner import LocalRunner, Runner

logger = logging.getLogger(__name__)


def make_script(
    source: str | os.PathLike[str], options: ScriptOptions | None = None
) -> SpeechScript:
    """The speech script of one source (a file, an http(s) URL or "-" for stdin): what will be
    spoken, chapter by chapter. Raises ReadaloudError when the source cannot be read."""
    return load_source(os.fspath(source), options or ScriptOptions()).script


def convert(
    sources: Sequence[str | os.PathLike[str]],
    output_dir: str | os.PathLike[str] = "output",
    options: ConvertOptions | None = None,
    *,
    runner: Runner | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Convert sources into podcast episodes in `output_dir`; one Outcome per source, in order.

    A source is a file, a folder (its .html/.md/.txt/.ssml files), an http(s) URL or "-".
    An episode whose source and settings did not change is skipped as up to date. One source
    that fails never stops the others: its Outcome holds the error. `runner` decides where
    synthesis runs (default: threads in this process); `on_outcome` is called as each source
    is done. Raises UsageError when there is no source at all, ReadaloudError when the audio
    format cannot be encoded here.
    """
    options = options or ConvertOptions()
    out_dir = Path(output_dir)
    found = expand_sources(tuple(os.fspath(s) for s in sources), None, None)
    check_output_dir(out_dir)
    _check_ffmpeg(options.audio.format)
    prepare_output(out_dir, options.synth)
    runner = runner or LocalRunner()
    report = on_outcome or (lambda outcome: None)
    with temp_dir("clips") as tmp:
        synth = options.synth
        cache_dir = (synth.cache_dir or default_cache_dir()) if synth.use_cache else Path(tmp)
        store = ClipStore(cache_dir)
        if synth.use_cache:
            store.sweep_partials()
        outcomes: dict[int, Outcome] = {}
        plans: dict[str, tuple[int, ArticlePlan]] = {}
        slugs = SlugBook()
        for number, source in enumerate(found):
            try:
                planned = plan_article(source, out_dir, options, store, slugs, f"{number}")
            except ReadaloudError as exc:
                planned = Outcome(source, Status.FAILED, error=exc)
            if isinstance(planned, Outcome):
                outcomes[number] = planned
                report(planned)
            else:
                plans[planned.id] = (number, planned)
        _synthesize(plans, outcomes, runner, store, options, report)
    return [outcomes[number] for number in range(len(found))]


def _check_ffmpeg(audio_format: str) -> None:
    """Fail before any synthesis when the ffmpeg in use cannot encode `audio_format`."""
    from ..audio.encode import FORMATS
    from ..ffmpeg import ffmpeg

    ffmpeg().require_encoder(FORMATS[audio_format][0])


class _Article:
    """The clips of one article as its packets come back."""

    def __init__(self, plan: ArticlePlan) -> None:
        self.plan = plan
        self.clips: dict[str, Clip] = dict(plan.cached)
        self.waiting = len(plan.packets)
        self.synthesized = 0
        self.error: ReadaloudError | None = None


def _synthesize(
    plans: dict[str, tuple[int, ArticlePlan]],
    outcomes: dict[int, Outcome],
    runner: Runner,
    store: ClipStore,
    options: ConvertOptions,
    report: Callable[[Outcome], None],
) -> None:
    articles = {key: _Article(plan) for key, (_, plan) in plans.items()}
    total = sum(len(plan.utterances) for _, plan in plans.values())
    done = total - sum(_todo(plan) for _, plan in plans.values())
    bar = Progress(total, done, articles=len(plans) + len(outcomes), enabled=options.synth.progress)
    for planned in outcomes.values():  # up to date, or failed before synthesis
        bar.article_done(failed=planned.status is Status.FAILED)

    def finish(key: str) -> None:
        number, plan = plans[key]
        article = articles.pop(key)
        if article.error is None:
            try:
                outcome = finish_article(plan, article.clips, article.synthesized)
            except ReadaloudError as exc:
                outcome = Outcome(plan.source, Status.FAILED, error=exc)
        else:
            outcome = Outcome(plan.source, Status.FAILED, error=article.error)
        outcomes[number] = outcome
        bar.article_done(failed=outcome.status is Status.FAILED)
        with bar.message():
            report(outcome)

    try:
        for key in [k for k, a in articles.items() if a.waiting == 0]:
            finish(key)
        packets = [packet for _, plan in plans.values() for packet in plan.packets]
        for result in runner.synthesize(packets, store.root, options.synth.jobs):
            article = articles.get(result.article)
            if article is None:
                continue
            _land(article, result, store)
            bar.advance(result.audio_seconds, _advance(article, result))
            if article.waiting == 0:
                finish(result.article)
    finally:
        bar.close()


def _todo(plan: ArticlePlan) -> int:
    """Segments whose utterance is still to be synthesized (repeats included)."""
    keys = {u.key for packet in plan.packets for u in packet.utterances}
    return sum(1 for u in plan.utterances.values() if u.key in keys)


def _advance(article: _Article, result: PacketResult) -> int:
    """Utterances (segments) this packet finished, repeats included."""
    keys = {key for key, _ in result.clips}
    return sum(1 for u in article.plan.utterances.values() if u.key in keys)


def _land(article: _Article, result: PacketResult, store: ClipStore) -> None:
    """Take a packet's clips into the article; audio that came back in memory is stored here."""
    article.waiting -= 1
    if result.error is not None:
        article.error = article.error or result.error
        return
    article.synthesized += result.synthesized
    for key, audio in result.clips:
        article.clips[key] = store.put(key, audio) if isinstance(audio, PCM) else audio
