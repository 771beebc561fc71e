"""Staff join with a one-time invite code from HQ (nobody needs to know a numeric id): single
use, expiring, the same wrong-code limit as link codes; removing a staff member revokes access
at once (their next request is refused)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services import linking, review
from services.errors import Forbidden, Invalid
from services.staff import list_staff, remove_staff
from storage.models import AuditLog, StaffRole
from tests.services.conftest import NOW, World


async def _count(world: World, model: type, *where: object) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where))
                   or 0)


async def test_an_invite_makes_the_person_a_reviewer_of_its_region(world: World) -> None:
    invite = await linking.issue_invite(world.uow(), role="reviewer", region=4,
                                        name="کارشناس ساری", now=NOW)
    person = await world.person("bale", 9501)
    assert not person.is_staff
    joined = await linking.redeem_code(world.uow(), person, invite.code.lower(), NOW)
    assert joined.offices == () and joined.joined is not None
    assert joined.joined.role == "reviewer" and joined.joined.region_code == 4
    assert joined.actor.has_role("reviewer") and joined.actor.regions() == {4}
    assert await _count(world, AuditLog, AuditLog.action == "staff.add") == 1
    other = await world.person("bale", 9502)
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), other, invite.code, NOW)
    assert refused.value.code == "link-code-used"


async def test_an_expired_invite_is_refused(world: World) -> None:
    invite = await linking.issue_invite(world.uow(), role="association", province="مازندران",
                                        now=NOW)
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), await world.person("bale", 9503), invite.code,
                                  NOW + timedelta(days=8))
    assert refused.value.code == "link-code-expired"


@pytest.mark.parametrize(("args", "code"), [
    ({"role": "owner"}, "admin-unknown-role"),
    ({"role": "reviewer"}, "admin-needs-region"),
    ({"role": "reviewer", "region": 99}, "admin-unknown-region"),
    ({"role": "association"}, "admin-needs-province"),
    ({"role": "association", "province": "آتلانتیس"}, "admin-unknown-province"),
])
async def test_a_wrong_invite_is_refused(world: World, args: dict, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        await linking.issue_invite(world.uow(), now=NOW, **args)
    assert refused.value.code == code


async def test_twenty_people_redeeming_one_invite_at_once_make_one_staff_member(
        world: World) -> None:
    invite = await linking.issue_invite(world.uow(), role="hq", now=NOW)
    people = [await world.person("telegram", 9600 + i) for i in range(20)]
    outcomes = await asyncio.gather(
        *(linking.redeem_code(world.uow(), p, invite.code, NOW) for p in people),
        return_exceptions=True)
    assert len([o for o in outcomes if isinstance(o, linking.Linked)]) == 1, outcomes
    assert await _count(world, StaffRole) == 1


async def test_removing_a_reviewer_revokes_their_access_at_once(world: World) -> None:
    invite = await linking.issue_invite(world.uow(), role="reviewer", region=4, now=NOW)
    person = await world.person("bale", 9701)
    joined = await linking.redeem_code(world.uow(), person, invite.code, NOW)
    assert (await review.queue(world.uow(), joined.actor, NOW)).period.code == "1404-H1"
    [staff] = await list_staff(world.uow())
    await remove_staff(world.uow(), staff.id)
    again = await world.person("bale", 9701)  # the next update reads the account again
    with pytest.raises(Forbidden):
        await review.queue(world.uow(), again, NOW)
