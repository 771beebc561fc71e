"""Helpers for the reminder and outbox tests: owners linked to offices, and waiting on chats."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

import storage.models_reminders  # noqa: F401 - the sweep table, until storage.models imports it
from demo.local import World
from storage.models import Account, AccountOffice, Answer, Declaration, Office


@dataclass(frozen=True)
class Owner:
    platform: str
    user_id: int
    account_id: int
    office_id: int
    office_code: str


async def link_owner(world: World, office_code: str, platform: str, user_id: int,
                     locale: str = "fa") -> Owner:
    """An account linked to an office (as after sharing the licence holder's contact), whose
    chat with the bot exists in the sandbox."""
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == office_code))
        assert office is not None, office_code
        account = await session.scalar(select(Account).where(
            Account.platform == platform, Account.platform_user_id == user_id))
        if account is None:
            account = Account(platform=platform, platform_user_id=user_id, locale=locale,
                              first_name="مالک", phone=office.holder_phone)
            session.add(account)
            await session.flush()
        session.add(AccountOffice(account_id=account.id, office_id=office.id, via="contact"))
        await session.commit()
        owner = Owner(platform, user_id, account.id, office.id, office.code)
    world.sandbox.add_user(world.tokens[platform], user_id, "مالک")
    return owner


async def set_declaration(world: World, office_id: int, period_id: int, status: str,
                          answers: dict[str, Any] | None = None) -> int:
    async with world.session() as session:
        declaration = Declaration(office_id=office_id, period_id=period_id, status=status)
        session.add(declaration)
        await session.flush()
        for key, value in (answers or {}).items():
            session.add(Answer(declaration_id=declaration.id, item_key=key,
                               value_json=json.dumps(value)))
        await session.commit()
        return declaration.id


def bot_messages(world: World, owner: Owner) -> list[dict[str, Any]]:
    """What the owner saw from the bot, in order."""
    entries = world.sandbox.transcript(world.tokens[owner.platform], owner.user_id)
    return [e for e in entries if e["direction"] == "out"]


async def wait_for(check: Callable[[], bool], within: float = 15.0, what: str = "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)


def at(instant: datetime, seconds: float = 1) -> datetime:
    from datetime import timedelta

    return instant + timedelta(seconds=seconds)
