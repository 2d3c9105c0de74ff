"""Synthesis stage: speech script -> one cached WAV clip per utterance (cache, resume, jobs).

Every utterance is looked up in a content-addressed cache first (see synth_cache); only the
missing ones are synthesized, on `jobs` worker threads for engines that are parallel-safe.
Killing a run loses at most the utterances in flight: the next run picks up the rest.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from ..engines.base import Engine
from ..engines.registry import get_engine
from ..errors import EngineError
from ..fsutil import temp_dir
from ..paths import audio_cache_dir, memory_budget_mb
from ..pcm import Clip
from ..script.model import SpeechScript
from ..voices import VoicePreset
from .cache import ClipStore
from .packets import synthesize_checked, utterances
from .progress import Progress

logger = logging.getLogger(__name__)

MAX_DEFAULT_JOBS = 4


def default_cache_dir() -> Path:
    """Where clips are cached: `<user cache dir>/readaloud/audio` (READALOUD_CACHE_DIR moves it)."""
    return audio_cache_dir()


# The default job count keeps a conversion within paths.memory_budget_mb() (READALOUD_MEMORY_MB).
BASE_MEMORY_MB = 300  # interpreter, libraries, one loaded model, the encoder


def default_jobs(engine: Engine, *, cores: int | None = None, budget_mb: int | None = None) -> int:
    """One worker per core (at most MAX_DEFAULT_JOBS) for parallel-safe engines, as many as the
    memory budget holds: (budget - BASE_MEMORY_MB) // engine.worker_memory_mb.

    `cores` and `budget_mb` default to this machine's cores and READALOUD_MEMORY_MB; a Dask
    worker passes its own thread count and memory budget.

    Piper workers share one model session and each adds about 100 MB at the peak (its sentence's
    front run and decoder chunk: engines/piper_session.py), so the default 1024 MB budget allows
    one worker per core up to MAX_DEFAULT_JOBS.
    """
    if not engine.parallel_safe:
        return 1
    jobs = min(MAX_DEFAULT_JOBS, cores or os.cpu_count() or 1)
    if engine.worker_memory_mb:
        budget = budget_mb or memory_budget_mb()
        jobs = min(jobs, (budget - BASE_MEMORY_MB) // engine.worker_memory_mb)
    return max(1, jobs)


@dataclass
class SynthResult:
    """The clips of one script, aligned with `[seg for _, seg in script.segments()]`.

    `clips[i]` is None for a segment with nothing to say (assembly inserts only its pause).
    With `use_cache=False` the clips live in a temporary folder owned by this result: call
    `close()` (or use `with synthesize_script(...) as result:`) once assembly is done; it is
    also removed when the result is garbage-collected.
    """

    clips: list[Clip | None]
    hits: int = 0
    misses: int = 0
    synthesized: list[int] = field(default_factory=list)
    engine: str = ""
    voice_id: str = ""
    _tempdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def audio_seconds(self) -> float:
        return sum(c.duration_ms for c in self.clips if c is not None) / 1000.0

    @property
    def sample_rate(self) -> int | None:
        return next((c.sample_rate for c in self.clips if c is not None), None)

    def close(self) -> None:
        """Delete the temporary clip folder of a `use_cache=False` run (no-op otherwise)."""
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> SynthResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def synthesize_script(
    script: SpeechScript,
    preset: VoicePreset,
    *,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    jobs: int | None = None,
    progress: bool = True,
) -> SynthResult:
    """Make (or find in the cache) one clip per segment of `script`, spoken with `preset`."""
    engine = get_engine(preset.engine)
    ready, reason = engine.check_voice(preset)
    if not ready:
        raise EngineError(f"Voice '{preset.name}' cannot be used: {reason}")
    segments = [segment for _, segment in script.segments()]

    tempdir = None
    if use_cache:
        store = ClipStore(Path(cache_dir) if cache_dir else default_cache_dir())
        store.sweep_partials()
    else:
        # Clips still go to files so assembly can stream them; the folder dies with the result.
        tempdir = temp_dir("clips")
        store = ClipStore(Path(tempdir.name))
    result = SynthResult(clips=[None] * len(segments), engine=engine.name, _tempdir=tempdir)
    try:
        _run(engine, preset, segments, store, result, jobs, progress)
    except BaseException:
        result.close()
        raise
    return result


def _run(
    engine: Engine,
    preset: VoicePreset,
    segments: list,
    store: ClipStore,
    result: SynthResult,
    jobs: int | None,
    progress: bool,
) -> None:
    result.voice_id = engine.voice_id(preset)
    # SSML-capable engines get each utterance as SSML, so <sub>/<say-as> reach them.
    spoken = utterances(engine, preset, segments)
    keys = {index: utterance.key for index, utterance in spoken.items()}

    # First look-up: what the cache already holds. Repeated texts are synthesized once.
    todo: dict[str, list[int]] = {}
    for index, key in keys.items():
        if key in todo:
            todo[key].append(index)
            continue
        clip = store.get(key)
        if clip is None:
            todo[key] = [index]
        else:
            result.clips[index] = clip
            result.hits += 1

    bar = Progress(len(keys), result.hits, enabled=progress)
    bar.audio_s = result.audio_seconds
    if not todo:
        bar.close()
        return
    workers = max(1, min(jobs or default_jobs(engine), len(todo)))
    if workers > 1 and not engine.parallel_safe:
        logger.info(
            "The %s engine runs one utterance at a time; ignoring jobs=%d", engine.name, workers
        )
        workers = 1
    engine.prepare(preset, workers)
    logger.debug("Synthesizing %d utterances on %d worker(s)", len(todo), workers)

    lock = threading.Lock()

    def make(key: str, indices: list[int]) -> None:
        utterance = spoken[indices[0]]
        clip = store.put(key, synthesize_checked(engine, utterance.text, preset, utterance.ssml))
        with lock:
            _record(result, clip, indices)
        bar.advance(clip.duration_ms / 1000.0 * len(indices), len(indices))

    try:
        if workers == 1:
            for key, indices in todo.items():
                make(key, indices)
        else:
            _run_parallel(make, todo, workers)
    finally:
        bar.close()
    result.synthesized.sort()


def _record(result: SynthResult, clip: Clip, indices: list[int]) -> None:
    """The first segment of a text counts as synthesized, its repeats as cache hits."""
    for position, index in enumerate(indices):
        result.clips[index] = clip
        if position == 0:
            result.misses += 1
            result.synthesized.append(index)
        else:
            result.hits += 1


def _run_parallel(make, todo: dict[str, list[int]], workers: int) -> None:
    """Run `make` over the work list on a thread pool; stop at the first error."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="readaloud-synth")
    futures: list[Future] = []
    try:
        futures = [pool.submit(make, key, indices) for key, indices in todo.items()]
        wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            if future.done() and not future.cancelled():
                future.result()  # re-raises the worker's error
    finally:
        # On error or Ctrl-C, drop queued utterances; running ones finish (and are cached).
        pool.shutdown(wait=True, cancel_futures=True)
