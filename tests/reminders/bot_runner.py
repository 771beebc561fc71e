"""`pishkhan run` as a module the SIGKILL test can start: `bot.app.run_polling`, which runs the
inbox (polling into it and handling from it), the outbox sender and the scheduler."""

from __future__ import annotations

import asyncio

from bot.app import run_polling
from settings import Settings

if __name__ == "__main__":
    asyncio.run(run_polling(Settings()))
