"""The survey's world: the demo registry with an open period, the real application polling the
sandbox, and helpers to put an owner, staff or many earlier ratings in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from demo.local import World, local_world
from sandbox.user import ScriptedUser
from services.staff import add_staff
from storage.models import Account, AccountOffice, Answer, Declaration, Office
from storage.models_survey import SurveyRating
from storage.survey import SurveyOffice, office_links
from tests.e2e.conftest import FIXED_NOW

__all__ = ["FIXED_NOW"]

SARI, BABOL, SHIRAZ = "16598444", "16598445", "71100001"  # Sari and Babol: region 4
SARI_HOLDER = "09382413657"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with local_world(tmp_path, now=FIXED_NOW) as world:
        yield world


async def survey_office(world: World, code: str) -> SurveyOffice:
    async with world.session() as session:
        [office] = await office_links(session, office_code=code)
        await session.commit()
        return office


async def link_owner(world: World, code: str, platform: str, user_id: int) -> int:
    """An account linked to the office, as after sharing the holder's own contact."""
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == code))
        assert office is not None
        account = Account(platform=platform, platform_user_id=user_id, first_name="مالک",
                          phone=office.holder_phone, current_office_id=office.id)
        session.add(account)
        await session.flush()
        session.add(AccountOffice(account_id=account.id, office_id=office.id, via="contact"))
        await session.commit()
        return account.id


async def make_staff(world: World, platform: str, user_id: int, role: str, *,
                     region: int | None = None) -> None:
    await add_staff(world.uow(), platform=platform, user_id=user_id, role=role, region=region,
                    name="کارشناس")


async def seed_ratings(world: World, code: str, stars: list[int], *, start: datetime,
                       step: timedelta, prefix: str = "0912555", new_account: bool = False,
                       account_id: int | None = None) -> None:
    """Earlier ratings written straight into the database, one phone each."""
    assert world.period is not None
    async with world.session() as session:
        office_id = await session.scalar(select(Office.id).where(Office.code == code))
        for n, value in enumerate(stars):
            session.add(SurveyRating(
                period_id=world.period.id, office_id=office_id,
                phone=f"+98{prefix[1:]}{n:04d}", platform="bale", service="other",
                stars=value, rated_at=start + n * step, status="counted",
                new_account=new_account, account_id=account_id))
        await session.commit()


async def declare(world: World, code: str) -> None:
    """A submitted declaration (one answer), so the office is scored on its own data."""
    assert world.period is not None
    async with world.session() as session:
        office_id = await session.scalar(select(Office.id).where(Office.code == code))
        row = Declaration(office_id=office_id, period_id=world.period.id, status="submitted",
                          version=1, submitted_at=world.clock.now())
        session.add(row)
        await session.flush()
        session.add(Answer(declaration_id=row.id, item_key="area", value_json="85"))
        await session.commit()


async def ratings(world: World, code: str) -> list[SurveyRating]:
    async with world.session() as session:
        office_id = await session.scalar(select(Office.id).where(Office.code == code))
        return list((await session.scalars(select(SurveyRating).where(
            SurveyRating.office_id == office_id).order_by(SurveyRating.id))).all())


async def count_ratings(world: World) -> int:
    async with world.session() as session:
        return await session.scalar(select(func.count()).select_from(SurveyRating)) or 0


async def rate(user: ScriptedUser, office: SurveyOffice, *, service: str = "کارت هوشمند ملی",
               stars: str = "🙂 خوب", fee: str = "خیر", comment: str | None = None,
               first_time: bool = True) -> None:
    """The citizen's whole path from the poster's link to the thanks."""
    await user.send_command("/start", f"s_{office.token}")
    if first_time:
        await user.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
        await user.press("📱 ارسال شمارهٔ همراه من")
    await user.wait_text("چه خدمتی گرفتید؟")
    await user.press(service)
    await user.wait_text("چقدر راضی بودید؟")
    await user.press(stars)
    await user.wait_text("تعرفهٔ رسمی")
    await user.press(fee)
    await user.wait_text("«پایان» را بزنید")
    if comment is None:
        await user.press("✅ پایان")
    else:
        await user.send_text(comment)
    await user.wait_text("سپاس از وقتی که گذاشتید")
