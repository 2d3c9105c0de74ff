"""Reaching a Dask cluster: address checks, an unreachable scheduler, a worker of another version."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

pytest.importorskip("distributed", reason="needs the cluster extra: pip install -e '.[test]'")

from click.testing import CliRunner  # noqa: E402
from dask_procs import DaskProcesses  # noqa: E402

from readaloud.cli import main  # noqa: E402
from readaloud.cluster import check_address, connect  # noqa: E402
from readaloud.cluster.connect import ClusterError, local_versions, version_problem  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("address", ["local", "tcp://127.0.0.1:8786", "tls://[::1]:8786"])
def test_scheduler_addresses_are_accepted(address):
    assert check_address(address) == address


@pytest.mark.parametrize("address", ["127.0.0.1", "tcp://host", "http://h:1", "", "tcp://a b:1"])
def test_other_addresses_are_refused(address):
    with pytest.raises(ValueError, match="not a scheduler address"):
        check_address(address)


def test_unreachable_scheduler_fails_within_ten_seconds():
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(ClusterError, match="cannot reach the scheduler"):
        connect(address)
    assert time.monotonic() - started < 10


def test_version_problem_names_the_worker_and_both_versions():
    mine = {"readaloud": "0.1.0", "piper-tts": "1.3.0"}
    same = {"tcp://a:1": {"packages": dict(mine)}}
    assert version_problem(mine, same) is None
    other = {**same, "tcp://b:2": {"packages": {"readaloud": "0.2.0", "piper-tts": "1.3.0"}}}
    problem = version_problem(mine, other)
    assert "tcp://b:2" in problem and "0.2.0" in problem and "0.1.0" in problem
    missing = {"tcp://c:3": {"packages": {"readaloud": None, "piper-tts": "1.3.0"}}}
    assert "(not installed)" in version_problem(mine, missing)


def test_a_worker_with_another_readaloud_is_refused_at_connect(tmp_path):
    # The worker's Python finds a readaloud 9.9.9 distribution first: another install.
    fake = tmp_path / "site" / "readaloud-9.9.9.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: readaloud\nVersion: 9.9.9\n")
    procs = DaskProcesses(tmp_path)
    try:
        address = procs.start_scheduler()
        procs.start_worker("old", env={"PYTHONPATH": str(tmp_path / "site")})
        procs.wait_for_workers(1)
        with pytest.raises(ClusterError) as caught:
            connect(address)
        message = str(caught.value)
        assert "9.9.9" in message and local_versions()["readaloud"] in message
        assert "readaloud" in message
    finally:
        procs.stop()


@pytest.mark.slow
def test_dashboard_link_is_printed_once_and_served(tmp_path):
    article = tmp_path / "hello.md"
    article.write_text("# Hello\n\nA short note.\n", encoding="utf-8")
    args = ["convert", str(article), "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path)]
    result = CliRunner().invoke(
        main, [*args, "--scheduler", "local", "--workers", "1", "--dashboard"]
    )
    assert result.exit_code == 0, result.output
    links = [line for line in result.output.splitlines() if line.startswith("Dask dashboard:")]
    assert len(links) == 1 and links[0].startswith("Dask dashboard: http://127.0.0.1:"), links
    connection = connect("local", workers=1, dashboard=True)
    try:
        with urllib.request.urlopen(connection.dashboard, timeout=10) as reply:
            assert reply.status == 200
    finally:
        connection.close()
