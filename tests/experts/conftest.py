"""A world for the contact feature: owners on Bale, answerers on Telegram, and the outbox drained
through the app's own bots (what the outbox sender does, without its rate limits)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Router
from sqlalchemy import select

import bot.app
import handlers
from delivery.outbox import OutboxSender
from demo.local import World, local_world
from services.staff import add_staff
from storage.accounts import load_actor
from storage.admin import get_or_create_account
from storage.models import AccountOffice, Expert, Office

# Wednesday 1404/07/16 (2025-10-08) 10:00 in Tehran: two working hours before the weekend.
WEDNESDAY_10 = datetime(2025, 10, 8, 6, 30, tzinfo=UTC)

OWNER_A, OWNER_B = 1001, 1002  # Bale: offices 16598444 (Sari) and 16598445 (Babol), region 4
LIAISON = 2001  # Telegram: liaison of region 4
SCORING_EXPERT = 3001  # Telegram: «خانم رحمانی ثانی», category scoring (seeded expert)
DECLARATION_EXPERT = 3002  # Telegram: «سرکار خانم ثقفی», category declaration (seeded expert)
SUPERVISOR = 3003  # Telegram: an HQ supervisor added to the directory


def build_router() -> Router:
    return handlers.build_router()


@dataclass
class People:
    office_a: int
    office_b: int
    liaison_account: int
    scoring_account: int
    declaration_account: int
    supervisor_account: int


async def setup_people(world: World, *, liaison: bool = True) -> People:
    async with world.session() as session:
        offices = {o.code: o.id for o in (await session.scalars(select(Office))).all()}
        for user_id, code in ((OWNER_A, "16598444"), (OWNER_B, "16598445")):
            account = await get_or_create_account(session, "bale", user_id, "owner")
            session.add(AccountOffice(account_id=account.id, office_id=offices[code],
                                      via="code"))
            account.current_office_id = offices[code]
        await session.commit()
        accounts = {}
        for user_id in (LIAISON, SCORING_EXPERT, DECLARATION_EXPERT, SUPERVISOR):
            accounts[user_id] = (await get_or_create_account(session, "telegram", user_id,
                                                             "staff")).id
        await session.commit()
        if liaison:
            await add_staff(world.uow(), platform="telegram", user_id=LIAISON, role="liaison",
                            region=4, name="آقای رابط")
        experts_by_category = {e.category: e for e in (await session.scalars(select(Expert)))}
        experts_by_category["scoring"].account_id = accounts[SCORING_EXPERT]
        experts_by_category["declaration"].account_id = accounts[DECLARATION_EXPERT]
        session.add(Expert(name="آقای سرپرست", phone="021-89660000", category="supervisor",
                           topic_fa="سرپرستی", topic_en="Supervision",
                           account_id=accounts[SUPERVISOR]))
        await session.commit()
        return People(offices["16598444"], offices["16598445"], accounts[LIAISON],
                      accounts[SCORING_EXPERT], accounts[DECLARATION_EXPERT],
                      accounts[SUPERVISOR])


async def drain(world: World) -> int:
    """Send every queued outbox row with the real outbox sender; returns how many it sent."""
    return await OutboxSender.from_app(world.app).drain_once(within=20)


async def account_id(world: World, platform: str, user_id: int) -> int:
    async with world.session() as session:
        return (await load_actor(session, platform, user_id)).account_id


@pytest.fixture
async def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    monkeypatch.setattr(bot.app, "build_router", build_router)
    async with local_world(tmp_path, now=WEDNESDAY_10) as world:
        yield world


def make_jpeg(color: str = "navy") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()
