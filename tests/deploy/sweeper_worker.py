"""A worker's scheduler alone, for the takeover test: `python -m tests.deploy.sweeper_worker URL`.

Runs `bot.scheduler.build_scheduler` every 0.2 s against the database and prints `RUN <pid>` for
each sweep this process made (only the leader sweeps)."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from types import SimpleNamespace
from typing import Any


async def main(url: str) -> None:
    from bot.scheduler import build_scheduler
    from services.clock import Clock
    from settings import Settings
    from storage.db import create_engine, create_sessionmaker

    engine = create_engine(url)
    app = SimpleNamespace(engine=engine, sessionmaker=create_sessionmaker(engine),
                          clock=Clock(), settings=Settings(_env_file=None), services={})

    async def announce(_app: Any, _now: datetime) -> int:
        print(f"RUN {os.getpid()}", flush=True)
        return 0

    scheduler = build_scheduler(app, interval=0.2, extra=[announce])
    scheduler.start()
    print(f"READY {os.getpid()}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
