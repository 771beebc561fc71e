"""The outer middleware: every update gets its actor, the actor's language and a unit of work
(`services.uow.UnitOfWork`, tied to the update's inbox row) before any router sees it.
Handlers never hold a database session: each service call opens and closes its own, so no
connection is held while the platform is called."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.accounts import identify
from services.uow import UnitOfWork
from texts.i18n import Translator

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Context(BaseMiddleware):
    """The update's unit of work, its actor, and a translator for the actor's language."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], default_locale: str,
                 services: dict[str, Any], concurrency: int = 16) -> None:
        self.sessionmaker = sessionmaker
        self.default_locale = default_locale
        self.services = services
        # aiogram starts a task per update; past the connection pool's size they would only
        # queue for connections (and time out after 30 s under a burst). Queue them here
        # instead, in arrival order, before they hold anything.
        self.gate = asyncio.Semaphore(concurrency)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]
                       ) -> Any:
        user: User | None = data.get("event_from_user")
        bot = data["bot"]
        platform = getattr(bot, "platform", "telegram")
        data["platform"] = platform
        data.update(self.services)
        async with self.gate:
            data["uow"] = UnitOfWork(self.sessionmaker, data.get("inbox_id"))
            if user is None or user.is_bot:
                return await handler(event, data)
            # Its own unit of work: reading who wrote is not the update's change, so it
            # must not mark the update done in the inbox (the handler's use case does).
            actor = await identify(UnitOfWork(self.sessionmaker), platform, user.id,
                                   user.first_name or "", self.default_locale)
            data["actor"] = actor
            data["t"] = Translator(actor.locale, platform)
            return await handler(event, data)
