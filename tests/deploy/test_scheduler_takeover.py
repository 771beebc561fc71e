"""Exactly one scheduler among several workers on PostgreSQL, taken over when its holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.db import create_engine, upgrade
from tests.waiting import until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def _runs(log: Path) -> list[int]:
    return [int(line.split()[1]) for line in log.read_text().splitlines()
            if line.startswith("RUN ")]


def _spawn(url: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tests.deploy.sweeper_worker", url],
                            cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


async def test_one_of_two_workers_sweeps_and_the_other_takes_over_when_it_is_killed(
        postgres_url: str, tmp_path: Path) -> None:
    engine = create_engine(postgres_url)
    await upgrade(engine)
    await engine.dispose()
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    procs = [_spawn(postgres_url, log) for log in logs]
    try:
        # Both run their schedulers; only one sweeps, again and again.
        await until(lambda: all("READY" in log.read_text() for log in logs), 60,
                    "both workers to start")
        await until(lambda: sum(len(_runs(log)) for log in logs) >= 10, 30, "ten sweeps",
                    detail=lambda: [_runs(log) for log in logs])
        runs = [_runs(log) for log in logs]
        leaders = [i for i in range(2) if runs[i]]
        assert len(leaders) == 1, runs
        leader, other = leaders[0], 1 - leaders[0]
        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait(10)
        killed_at = time.monotonic()
        await until(lambda: len(_runs(logs[other])) >= 3, 15, "the other worker to sweep",
                    detail=lambda: _runs(logs[other]))
        assert time.monotonic() - killed_at < 10  # taken over within a few sweep intervals
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
