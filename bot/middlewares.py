"""Outer middlewares: every update is de-duplicated, gets one database session, its actor and
the actor's language, before any router sees it."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.accounts import identify
from services.uow import UnitOfWork
from texts.i18n import Translator

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# The database session of the update being handled, for ReleaseBeforeSend.
CURRENT_SESSION: contextvars.ContextVar[AsyncSession | None] = contextvars.ContextVar(
    "current_session", default=None)


class ReleaseBeforeSend(BaseRequestMiddleware):
    """A call to the platform never holds a database connection.

    Handlers commit before they reply; what is left open at a send is a read transaction
    (the next question being rendered). Ending it returns the connection to the pool, so a slow
    network never starves other updates of connections, and SQLite's writer is never kept
    waiting on a reader's snapshot.
    """

    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        session = CURRENT_SESSION.get()
        if session is not None and session.in_transaction():
            if session.new or session.dirty or session.deleted:
                log.warning("a handler replied with unflushed changes; committing them first")
            await session.commit()
        return await make_request(bot, method)


class Context(BaseMiddleware):
    """One session per update, the actor, and a translator for the actor's language."""

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
        async with self.gate, self.sessionmaker() as session:
            token = CURRENT_SESSION.set(session)
            data["session"] = session
            session.info["settings"] = self.services.get("settings")
            data["uow"] = UnitOfWork(self.sessionmaker, data.get("inbox_id"))
            try:
                if user is None or user.is_bot:
                    return await handler(event, data)
                # Its own unit of work: reading who wrote is not the update's change, so it
                # must not mark the update done in the inbox (the handler's use case does).
                actor = await identify(UnitOfWork(self.sessionmaker), platform, user.id,
                                       user.first_name or "", self.default_locale)
                data["actor"] = actor
                data["t"] = Translator(actor.locale, platform)
                return await handler(event, data)
            finally:
                CURRENT_SESSION.reset(token)
