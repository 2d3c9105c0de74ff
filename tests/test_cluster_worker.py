"""Inside a Dask worker: the memory budget decides how many voice sessions run at once."""

from __future__ import annotations

import pytest

from readaloud.engines.registry import get_engine
from readaloud.synth import default_jobs

pytest.importorskip("distributed", reason="needs the cluster extra: pip install -e '.[test]'")

from readaloud.cluster.worker import worker_budget_mb  # noqa: E402


@pytest.mark.parametrize(
    ("threads", "budget_mb", "sessions"),
    # a Piper run in flight needs about 91 MB beside the 300 MB base (synth.run.default_jobs)
    [(1, 1024, 1), (4, 512, 2), (4, 1024, 4), (2, 1200, 2), (8, 100, 1), (2, 350, 1)],
)
def test_piper_sessions_per_worker_follow_threads_and_budget(threads, budget_mb, sessions):
    piper = get_engine("piper")
    assert default_jobs(piper, cores=threads, budget_mb=budget_mb) == sessions


def test_budget_is_the_environment_first_then_the_worker_limit(monkeypatch):
    monkeypatch.delenv("READALOUD_MEMORY_MB", raising=False)
    assert worker_budget_mb(3 * 2**30) == 3072
    assert worker_budget_mb(None) == 1024  # no Dask limit: the local default budget
    monkeypatch.setenv("READALOUD_MEMORY_MB", "1500")
    assert worker_budget_mb(3 * 2**30) == 1500
