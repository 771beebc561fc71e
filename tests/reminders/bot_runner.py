"""`pishkhan run` as it is once the outbox sender and the scheduler are wired into it.

The SIGKILL test runs `pishkhan run` itself when `bot.app.run_polling` starts them
(`bot.scheduler.background`); until then it runs this module, which does exactly that.
"""

from __future__ import annotations

import asyncio
import logging

from bot.app import application
from bot.scheduler import background
from settings import Settings


async def main() -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    async with application(settings) as app, background(app):
        for bot in app.bots:
            await bot.delete_webhook()
        await app.dispatcher.start_polling(*app.bots, handle_signals=True,
                                           allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    asyncio.run(main())
