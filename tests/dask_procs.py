"""Real `dask scheduler` and `dask worker` processes on 127.0.0.1 for the cluster tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

START_TIMEOUT_S = 60


class DaskProcesses:
    """A scheduler and its workers, started as separate processes; `stop()` ends them all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.address = ""

    def _spawn(self, args: list[str], log: str, env: dict | None = None) -> subprocess.Popen:
        out = (self.folder / log).open("wb")
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # a kill of the worker takes its nanny's child along
        )

    def start_scheduler(self) -> str:
        info = self.folder / "scheduler.json"
        self.scheduler = self._spawn(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(info),
            ],
            "scheduler.log",
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not info.is_file():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                raise RuntimeError("dask scheduler did not start: " + self.log("scheduler.log"))
            time.sleep(0.1)
        time.sleep(0.2)  # the file may be written in two steps
        self.address = json.loads(info.read_text())["address"]
        return self.address

    def start_worker(self, name: str, env: dict | None = None) -> subprocess.Popen:
        worker = self._spawn(
            [
                "worker",
                self.address,
                "--name",
                name,
                "--nthreads",
                "1",
                "--memory-limit",
                "1GiB",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--local-directory",
                str(self.folder / name),
            ],
            f"{name}.log",
            env,
        )
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=10) as client:
            client.wait_for_workers(count, timeout=START_TIMEOUT_S)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its nanny's process group: a machine that died."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace")[-2000:] if path.is_file() else ""

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers, self.scheduler]:
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
