"""Someone once marked unreachable (a failed delivery, or linked before they pressed /start) is
answered on their next message, and the mark is cleared: owner, expert and staff member, on
SQLite and PostgreSQL, through the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from demo.local import local_world
from storage.models import Account, Expert, Office, StaffRole
from tests.e2e.conftest import FIXED_NOW
from tests.reminders.helpers import link_owner


async def _mark_unreachable(world, platform: str, user_id: int) -> None:
    async with world.session() as session:
        await session.execute(update(Account).where(
            Account.platform == platform, Account.platform_user_id == user_id).values(
            unreachable_at=datetime(2025, 10, 1, tzinfo=UTC)))
        await session.commit()


async def _unreachable_at(world, platform: str, user_id: int) -> datetime | None:
    async with world.session() as session:
        return await session.scalar(select(Account.unreachable_at).where(
            Account.platform == platform, Account.platform_user_id == user_id))


async def _account(world, platform: str, user_id: int, first_name: str) -> int:
    async with world.session() as session:
        account = Account(platform=platform, platform_user_id=user_id, first_name=first_name,
                          locale="fa")
        session.add(account)
        await session.commit()
        return account.id


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_people_marked_unreachable_are_answered_again(
        tmp_path: Path, migrated_db_url: str, platform: str) -> None:
    async with local_world(tmp_path, database_url=migrated_db_url, now=FIXED_NOW) as world:
        owner = await link_owner(world, "16598444", platform, 7001)
        expert_account = await _account(world, platform, 7002, "کارشناس")
        staff_account = await _account(world, platform, 7003, "بازبین")
        async with world.session() as session:
            office = await session.scalar(select(Office).where(Office.code == "16598444"))
            session.add(Expert(name="خانم کارشناس", phone="021-0", account_id=expert_account))
            session.add(StaffRole(account_id=staff_account, role="reviewer",
                                  region_code=office.region_code, name="بازبین"))
            await session.commit()

        for user_id, first_name in ((owner.user_id, "مالک"), (7002, "کارشناس"),
                                    (7003, "بازبین")):
            await _mark_unreachable(world, platform, user_id)
            user = world.user(platform, user_id, first_name)
            await user.send_command("/start")
            reply = await user.wait_message(timeout=10)
            assert reply["text"], f"{first_name} got an empty reply"
            assert await _unreachable_at(world, platform, user_id) is None, first_name
