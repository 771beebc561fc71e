"""Quiet hours for every non-urgent notice (issue 20 item 5): one helper in services
(`services.send_hours.by_day`) gives the outbox row its `not_before`; urgent notices go at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from demo.local import World
from services import review
from services.accounts import identify
from services.send_hours import DAYTIME, SendHours, by_day
from storage.models import Office, Outbox
from storage.outbox import claim
from tests.review.conftest import file_declaration, make_staff

NIGHT = datetime(2025, 10, 25, 19, 30, tzinfo=UTC)  # 23:00 in Tehran, 1404/08/03
MORNING = datetime(2025, 10, 26, 5, 30, tzinfo=UTC)  # 09:00 in Tehran the next day
PHONE = "+989382413657"


def test_by_day_is_at_once_by_day_and_the_next_morning_at_night() -> None:
    assert by_day(NIGHT - timedelta(hours=8)) is None  # 15:00: at once
    assert by_day(NIGHT) == MORNING
    assert by_day(MORNING - timedelta(hours=6)) == MORNING  # 03:00: the same morning
    assert by_day(NIGHT, SendHours.parse("08:00-23:30")) is None  # configurable
    assert DAYTIME.next_allowed(NIGHT) == MORNING


async def _rows(world: World, kind: str) -> list[Outbox]:
    async with world.session() as session:
        return list((await session.scalars(select(Outbox).where(Outbox.kind == kind))).all())


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_a_confirmation_at_23_reaches_the_owner_at_9_and_a_return_at_once(
        world: World, platform: str) -> None:
    owner = world.user(platform, 7301, "زهرا", phone=PHONE)
    await owner.share_contact()
    await owner.wait_text("مهلت خوداظهاری")
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == "16598444"))
        assert office is not None
        region = office.region_code
    filed = await file_declaration(world, "16598444", platform=platform)
    await make_staff(world, (platform, 7302), "reviewer", region=region)
    reviewer = await identify(world.uow(), platform, 7302, "بازبین")

    confirmed = await review.confirm(world.uow(), reviewer, filed.declaration_id, NIGHT)
    assert confirmed.told == 1
    [row] = await _rows(world, "review.confirmed")
    assert row.not_before.astimezone(UTC) == MORNING  # not at 23:00
    async with world.session() as session:  # the sender takes nothing before 09:00 ...
        taken = await claim(session, platform, 100, NIGHT + timedelta(hours=9),
                            NIGHT + timedelta(hours=10))
        assert row.id not in [c.id for c in taken]
        await session.rollback()
    async with world.session() as session:  # ... and takes it at 09:00
        taken = await claim(session, platform, 100, MORNING, MORNING + timedelta(minutes=1))
        assert row.id in [c.id for c in taken]
        await session.rollback()


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_a_rejected_file_and_a_return_at_23_are_urgent_and_go_at_once(
        world: World, platform: str) -> None:
    owner = world.user(platform, 7303, "زهرا", phone=PHONE)
    await owner.share_contact()
    await owner.wait_text("مهلت خوداظهاری")
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == "16598444"))
        assert office is not None
        region = office.region_code
    filed = await file_declaration(world, "16598444", platform=platform)
    await make_staff(world, (platform, 7304), "reviewer", region=region)
    reviewer = await identify(world.uow(), platform, 7304, "بازبین")
    await review.reject_evidence(world.uow(), reviewer, filed.evidence_ids[0], "ناخوانا", NIGHT)
    await review.return_to_owner(world.uow(), reviewer, filed.declaration_id, 3, NIGHT)
    rows = await _rows(world, "review.returned") + await _rows(world, "review.evidence")
    assert len(rows) == 2
    # queued for now (the sender's clock), whatever the hour
    assert rows and all(r.not_before.astimezone(UTC) <= datetime.now(UTC) for r in rows)
