"""The application: bots, one dispatcher for all of them, polling and shutdown."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import redact
from bot.middlewares import Context
from bot.stores import evidence_store
from delivery.coordination import from_settings as coordination_from_settings
from delivery.platforms import PlatformBot, make_bots
from handlers import build_router
from services.clock import Clock
from settings import Settings
from storage import faults
from storage.db import connection_limit, create_engine, create_sessionmaker, upgrade
from texts.i18n import LANGUAGES, catalog_keys

log = logging.getLogger(__name__)


def make_fsm_storage(settings: Settings) -> BaseStorage:
    if settings.fsm_redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        # The bot id must be in the key: a Bale user and a Telegram user may share a number.
        return RedisStorage.from_url(settings.fsm_redis_url,
                                     key_builder=DefaultKeyBuilder(with_bot_id=True))
    return MemoryStorage()


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    bots: list[PlatformBot]
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def clock(self) -> Clock:
        return self.services["clock"]

    def bot_for(self, platform: str) -> PlatformBot:
        return next(bot for bot in self.bots if bot.platform == platform)


def build_dispatcher(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession],
                     services: dict[str, Any]) -> Dispatcher:
    dispatcher = Dispatcher(storage=make_fsm_storage(settings))
    dispatcher.update.outer_middleware(Context(
        sessionmaker, settings.default_locale, services,
        # Two connections stay free for the outbox sender and the sweeps.
        concurrency=max(1, connection_limit(settings.database_url) - 2)))
    dispatcher.include_router(build_router())
    return dispatcher


@asynccontextmanager
async def application(settings: Settings, clock: Clock | None = None) -> AsyncIterator[App]:
    """Everything `pishkhan run`, `pishkhan webhook`, the demo and the tests start from."""
    # Before anything can log: no record of this process shows a token or a secret.
    redact.install(redact.settings_secrets(settings))
    faults.arm(settings.fault_points.split(","))
    engine = create_engine(settings.database_url)
    if settings.is_sqlite:
        await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    # Parse the catalogs now rather than while the first owner waits for a reply.
    for lang in LANGUAGES:
        catalog_keys(lang)
    services: dict[str, Any] = {"settings": settings, "sessionmaker": sessionmaker,
                                "clock": clock or Clock(),
                                "evidence_store": evidence_store(settings),
                                # Rate budgets and short-lived locks: Redis when configured.
                                "coordination": coordination_from_settings(settings)}
    dispatcher = build_dispatcher(settings, sessionmaker, services)
    bots = make_bots(settings.platforms())
    app = App(settings, engine, sessionmaker, dispatcher, bots, services)
    services["app"] = app
    try:
        yield app
    finally:
        for bot in bots:
            await bot.acknowledgements.drain()
            await bot.session.close()
        await dispatcher.storage.close()
        await services["coordination"].close()
        await engine.dispose()


def settle_heap() -> None:
    """Keep the collector off what start-up built (modules, models, catalogs, schemas).

    The process holds hundreds of thousands of long-lived objects once everything is imported;
    each full collection walked all of them with the loop stopped, every few hundred updates
    under load (seen with gc.callbacks in bench.journey). Frozen, they are never walked again;
    what updates leave behind is still collected.
    """
    gc.collect()
    gc.freeze()


def background_work(app: App) -> Any:
    """The outbox sender and the scheduler's sweeps (window close, reminders, escalations)."""
    from bot.scheduler import background

    return background(app, extra=[sweep_escalations, sweep_inbox])


async def sweep_escalations(app: App, now: datetime) -> int:
    """The scheduler's sweep of unanswered questions (`services.tickets.escalate_due`)."""
    from services.tickets import escalate_due
    from services.uow import UnitOfWork
    from storage.tickets import TicketPolicy

    return await escalate_due(UnitOfWork(app.sessionmaker), now,
                              TicketPolicy.from_settings(app.settings))


async def sweep_inbox(app: App, now: datetime) -> int:
    """The scheduler's pruning of updates handled more than a week ago."""
    from services.inbox import prune
    from services.uow import UnitOfWork

    return await prune(UnitOfWork(app.sessionmaker), now)


async def report_parked(app: App, row: Any, error: BaseException | None) -> None:
    """An update parked by the inbox: hq is told (`services.inbox.report_parked`)."""
    from services.inbox import report_parked as report
    from services.uow import UnitOfWork

    try:
        await report(UnitOfWork(app.sessionmaker), row.id, row.platform, row.update_id,
                     f"{type(error).__name__}" if error is not None else "unknown")
    except Exception:
        log.exception("could not tell hq that update %s was parked", row.id)


async def serve_updates(app: App, stop: asyncio.Event, *, polling_timeout: int = 25) -> None:
    """Long-poll every bot into the inbox and handle the updates from it until `stop`."""
    from delivery.inbox import serve_polling

    await serve_polling(app.dispatcher, app.sessionmaker, app.bots, app.clock, stop,
                        polling_timeout=polling_timeout,
                        lease=timedelta(seconds=app.settings.inbox_lease_seconds),
                        on_parked=lambda row, error: report_parked(app, row, error))


def setup_logging(settings: Settings) -> None:
    """The process's log: to stderr as text or JSON, the update on every line handled for it,
    every record scrubbed of the configured secrets (`bot.logs`, `bot.redact`)."""
    from bot.logs import configure

    configure(settings)


async def run_polling(settings: Settings, *, ready: asyncio.Event | None = None,
                      handle_signals: bool = True) -> None:
    setup_logging(settings)
    async with application(settings) as app, background_work(app):
        for bot in app.bots:
            await bot.delete_webhook()
        settle_heap()
        log.info("polling %s", ", ".join(bot.platform for bot in app.bots))
        stop_ops = None
        if settings.ops_port:  # /healthz, /readyz, /metrics (bot.health)
            from bot.health import serve_ops

            stop_ops = await serve_ops(app.sessionmaker, settings.ops_host, settings.ops_port)
        if ready is not None:
            ready.set()
        stop = asyncio.Event()
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
        try:
            await serve_updates(app, stop)
        finally:
            if stop_ops is not None:
                await stop_ops()


async def run_webhook(settings: Settings, host: str, port: int) -> None:
    from bot.webhook import serve_webhook
    from bot.webhook_secrets import webhook_secrets

    setup_logging(settings)
    secrets = webhook_secrets(settings)  # refused at start: ValueError says which rule
    assert settings.webhook_base_url
    async with application(settings) as app, background_work(app):
        settle_heap()
        await serve_webhook(app, host, port, settings.webhook_base_url, secrets)
