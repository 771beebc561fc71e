"""Several worker processes (PROMETHEUS_MULTIPROC_DIR, as the systemd units set it): whichever
worker answers /metrics reports the updates of all of them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from storage.db import create_engine, upgrade
from tests.conftest import ROOT

WORKER = """
from delivery import observe
for _ in range({n}):
    observe.handled("bale", "handled", 0.02)
observe.send_error("telegram", "queued", "network: ClientConnectorError")
"""
SCRAPE = """
import asyncio, sys
from bot.metrics import exposition
from storage.db import create_engine, create_sessionmaker
engine = create_engine(sys.argv[1])
body, _ = asyncio.run(exposition(create_sessionmaker(engine)))
sys.stdout.write(body.decode())
"""


async def run(code: str, env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode()


async def test_metrics_add_up_every_worker_process(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    await asyncio.gather(run(WORKER.format(n=3), env), run(WORKER.format(n=4), env))
    page = await run(SCRAPE, env, url)  # a third worker answers
    found = {(s.name, tuple(sorted(s.labels.items()))): s.value
             for family in text_string_to_metric_families(page) for s in family.samples}
    assert found[("pishkhan_updates_total", (("outcome", "handled"), ("platform", "bale")))] == 7
    assert found[("pishkhan_update_seconds_count", (("platform", "bale"),))] == 7
    assert found[("pishkhan_send_errors_total", (("kind", "network"),
                                                 ("platform", "telegram")))] == 2
    assert found[("pishkhan_inbox_depth", ())] == 0
