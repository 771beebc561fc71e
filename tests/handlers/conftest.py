"""Handler tests in process: updates fed straight to the dispatcher, the calls it makes to the
platform recorded instead of sent (aiogram's own tests do the same). Milliseconds each, on a
real SQLite database with the demo registry and a period open; for the whole way round
(HTTP, polling, the outbox) the end-to-end tests use the sandbox."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, Message, Update

from bot.app import build_dispatcher
from demo.local import DATA, load_registry, open_period
from services.clock import TravelClock
from services.uow import UnitOfWork
from settings import Settings
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.evidence import LocalEvidenceStore

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)  # 1404/08/03 12:00 in Tehran


class RecordingSession(BaseSession):
    """Answers every call as the platform would, and keeps it for the test to read."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.ids = itertools.count(1000)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:  # noqa: ASYNC109 (aiogram's signature)
        self.calls.append(method)
        returning = getattr(method, "__returning__", None)
        if returning is Message:
            chat_id = getattr(method, "chat_id", 0)
            return Message(message_id=next(self.ids), date=datetime.now(UTC),
                           chat=Chat(id=int(chat_id or 0), type="private"),
                           text=getattr(method, "text", None))
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        raise NotImplementedError("no file downloads in handler tests")
        yield b""  # pragma: no cover

    async def close(self) -> None:
        pass


@dataclass
class Chat1:
    """One person's private chat with the bot on one platform."""

    dispatcher: Dispatcher
    bot: Bot
    session: RecordingSession
    user_id: int
    first_name: str = "کاربر"
    updates: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name}

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self.updates), "date": int(NOW.timestamp()),
                "chat": {"id": self.user_id, "type": "private"}, "from": self._user(), **fields}

    async def feed(self, update: dict[str, Any]) -> list[TelegramMethod[Any]]:
        """The calls the bot made while handling this update."""
        before = len(self.session.calls)
        await self.dispatcher.feed_update(self.bot, Update.model_validate(
            {"update_id": next(self.updates), **update}, context={"bot": self.bot}))
        return self.session.calls[before:]

    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] \
            if text.startswith("/") else None
        return await self.feed({"message": self._message(text=text, entities=entities)})

    async def share_contact(self, phone: str, user_id: int | None = -1
                            ) -> list[TelegramMethod[Any]]:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": self.first_name}
        if user_id is not None:
            contact["user_id"] = self.user_id if user_id == -1 else user_id
        return await self.feed({"message": self._message(contact=contact)})

    async def press(self, data: str) -> list[TelegramMethod[Any]]:
        message = self._message(text="…")
        message["from"] = {"id": 1, "is_bot": True, "first_name": "bot"}
        return await self.feed({"callback_query": {
            "id": str(next(self.updates)), "from": self._user(), "chat_instance": "1",
            "message": message, "data": data}})


def texts(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [c.text for c in calls if getattr(c, "text", None)]


@dataclass
class Harness:
    dispatcher: Dispatcher
    sessionmaker: Any
    clock: TravelClock
    bots: dict[str, Bot]
    sessions: dict[str, RecordingSession]

    def chat(self, platform: str, user_id: int, first_name: str = "کاربر") -> Chat1:
        return Chat1(self.dispatcher, self.bots[platform], self.sessions[platform], user_id,
                     first_name)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_harness(f"sqlite+aiosqlite:///{tmp_path}/h.db", tmp_path) as made:
        yield made


@asynccontextmanager
async def make_harness(database_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """The dispatcher on `database_url` (upgraded, the demo registry loaded, a period open),
    with a recording bot per platform."""
    settings = Settings(_env_file=None, database_url=database_url,
                        evidence_dir=tmp_path / "evidence")
    engine = create_engine(settings.database_url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    clock = TravelClock(NOW)
    app = SimpleNamespace(sessionmaker=sessionmaker)
    await load_registry(app, DATA / "demo_regions.csv", DATA / "demo_offices.csv")  # type: ignore[arg-type]
    await open_period(app, "1404-H1", NOW - timedelta(days=3), NOW + timedelta(days=10))  # type: ignore[arg-type]
    services: dict[str, Any] = {"settings": settings, "sessionmaker": sessionmaker,
                                "clock": clock,
                                "evidence_store": LocalEvidenceStore(settings.evidence_dir)}
    dispatcher = build_dispatcher(settings, sessionmaker, services)
    bots, sessions = {}, {}
    for number, platform in enumerate(("bale", "telegram"), start=1):
        sessions[platform] = RecordingSession()
        default = DefaultBotProperties(parse_mode="HTML") if platform == "telegram" else None
        bot = Bot(f"{number}00:test", session=sessions[platform], default=default)
        bot.platform = platform  # type: ignore[attr-defined]
        bots[platform] = bot
    try:
        yield Harness(dispatcher, sessionmaker, clock, bots, sessions)
    finally:
        await dispatcher.storage.close()
        await engine.dispose()
