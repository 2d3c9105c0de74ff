"""Faults on a real cluster: a worker killed mid-batch, an unreachable scheduler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

pytest.importorskip("distributed", reason="needs the cluster extra: pip install -e '.[test]'")

from cluster_articles import write_articles  # noqa: E402
from dask_procs import DaskProcesses  # noqa: E402
from test_cluster_connect import free_port  # noqa: E402

pytestmark = pytest.mark.slow

BATCH_TIMEOUT_S = 240


def readaloud(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "readaloud", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def busy_worker(address: str, timeout: float = 120) -> str | None:
    """The name of a worker that is running or holding a readaloud packet right now."""
    from distributed import Client

    deadline = time.monotonic() + timeout
    with Client(address, timeout=10) as client:
        while time.monotonic() < deadline:
            processing = client.processing()
            names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
            for worker, keys in processing.items():
                if any(str(key).startswith("readaloud-") for key in keys):
                    return names.get(worker)
            time.sleep(0.05)
    return None


def test_a_killed_worker_loses_no_article(tmp_path):
    sources = write_articles(tmp_path / "articles")
    out = tmp_path / "out"
    procs = DaskProcesses(tmp_path)
    try:
        address = procs.start_scheduler()
        workers = {name: procs.start_worker(name) for name in ("a", "b")}
        procs.wait_for_workers(2)
        run = readaloud(
            "convert", *sources, "-o", str(out), "--cache-dir", str(tmp_path / "cache"),
            "--scheduler", address,
        )  # fmt: skip
        victim = busy_worker(address)
        assert victim in workers, "no worker ever held a packet"
        assert run.poll() is None, "the batch ended before a worker could be killed"
        procs.kill(workers[victim])
        stdout, stderr = run.communicate(timeout=BATCH_TIMEOUT_S)
    finally:
        procs.stop()
    assert run.returncode == 0, stderr
    assert "3 converted, 0 up to date, 0 failed" in stderr
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")], names
    documents = [json.loads((out / n).read_text()) for n in names if n.endswith(".json")]
    manifests = [d for d in documents if "manifest_version" in d]
    assert len(manifests) == 3
    for manifest in manifests:
        for entry in manifest["files"].values():
            assert (out / entry["name"]).stat().st_size == entry["bytes"]


def test_unreachable_scheduler_is_one_error_line_and_writes_nothing(tmp_path):
    sources = write_articles(tmp_path / "articles")
    out = tmp_path / "out"
    started = time.monotonic()
    run = readaloud(
        "convert", *sources, "-o", str(out), "--scheduler", f"tcp://127.0.0.1:{free_port()}"
    )
    stdout, stderr = run.communicate(timeout=30)
    elapsed = time.monotonic() - started
    assert run.returncode == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    assert "scheduler" in lines[0]
    assert elapsed < 10
    assert not out.exists()


def test_scheduler_from_the_environment_and_bad_addresses(tmp_path):
    sources = write_articles(tmp_path / "articles")
    env = {**os.environ, "READALOUD_SCHEDULER": f"tcp://127.0.0.1:{free_port()}"}
    run = readaloud("convert", sources[0], "-o", str(tmp_path / "out"), env=env)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == 1 and stderr.startswith("Error: "), stderr
    bad = readaloud("convert", sources[0], "--scheduler", "nowhere")
    _, stderr = bad.communicate(timeout=30)
    assert bad.returncode == 2 and "not a scheduler address" in stderr
    stray = readaloud("convert", sources[0], "--workers", "2")
    _, stderr = stray.communicate(timeout=30)
    assert stray.returncode == 2 and "--workers" in stderr
