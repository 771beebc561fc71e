"""Fixtures for testing the sandbox on its own: a started :class:`Sandbox` with one bot per
flavour, and a deliberately plain Bot API client (aiohttp, no aiogram) so these tests pin the
emulator's HTTP behaviour rather than any library's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from sandbox import Sandbox, ScriptedUser


class RawBot:
    """Calls ``{base}/bot{token}/{method}`` and returns ``(http_status, body)``."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self.session = session
        self.base = base
        self.token = token

    def url(self, method: str) -> str:
        return f"{self.base}/bot{self.token}/{method}"

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """JSON body (what most libraries send)."""
        async with self.session.post(self.url(method), json=params) as resp:
            return resp.status, await resp.json()

    async def form(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """urlencoded form, values JSON-encoded the way aiogram does."""
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        async with self.session.post(self.url(method), data=data) as resp:
            return resp.status, await resp.json()

    async def multipart(
        self, method: str, files: dict[str, tuple[str, bytes]], **params: Any
    ) -> tuple[int, dict[str, Any]]:
        form = aiohttp.FormData()
        for key, value in params.items():
            form.add_field(key, value if isinstance(value, str) else json.dumps(value))
        for name, (filename, data) in files.items():
            form.add_field(name, data, filename=filename)
        async with self.session.post(self.url(method), data=form) as resp:
            return resp.status, await resp.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], (method, status, body)
        return body["result"]


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(webhook_retry=(0.02, 0.1))
    await sandbox.start()
    try:
        yield sandbox
    finally:
        await sandbox.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def tg_token(sb: Sandbox) -> str:
    return sb.add_bot("telegram", username="tg_test_bot")


@pytest.fixture
def bale_token(sb: Sandbox) -> str:
    return sb.add_bot("bale", username="bale_test_bot")


@pytest.fixture
def tg(sb: Sandbox, http: aiohttp.ClientSession, tg_token: str) -> RawBot:
    return RawBot(http, sb.base_url, tg_token)


@pytest.fixture
def bale(sb: Sandbox, http: aiohttp.ClientSession, bale_token: str) -> RawBot:
    return RawBot(http, sb.base_url, bale_token)


@pytest.fixture
async def users(sb: Sandbox) -> AsyncIterator[Any]:
    """Factory for scripted users, all closed at the end."""
    made: list[ScriptedUser] = []

    def make(token: str, user_id: int, first_name: str = "کاربر", **kw: Any) -> ScriptedUser:
        user = ScriptedUser(sb.base_url, token, user_id, first_name, **kw)
        made.append(user)
        return user

    yield make
    for user in made:
        await user.close()
