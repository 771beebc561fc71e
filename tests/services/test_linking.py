"""Linking as a use case on SQLite and PostgreSQL: refusals, one code redeemed by many at once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from scoring.text import to_persian_digits
from services import linking
from services.errors import Forbidden, Invalid, NotFound
from storage.models import AccountOffice, AuditLog, LinkAttempt
from tests.services.conftest import NOW, World
from texts.i18n import Translator

HOLDER = "09382413657"  # the licence holder of the demo office 16598444


async def _count(world: World, model: type) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("accounts", [6, 20])
async def test_twenty_accounts_redeeming_one_code_at_once_link_exactly_one(
        world: World, accounts: int) -> None:
    """Six (the issue's report: six linked on PostgreSQL) and twenty at once."""
    code = (await linking.issue_code(world.uow(), "71100002", NOW)).code
    people = [await world.person("bale", 8000 + i, f"کاربر {to_persian_digits(i)}")
              for i in range(accounts)]
    outcomes = await asyncio.gather(
        *(linking.redeem_code(world.uow(), p, code, NOW) for p in people),
        return_exceptions=True)
    won = [o for o in outcomes if isinstance(o, linking.Linked)]
    lost = [o for o in outcomes if isinstance(o, Invalid)]
    assert len(won) == 1 and len(lost) == accounts - 1, outcomes
    # Each loser is told who used the code and when.
    assert {e.code for e in lost} == {"link-code-used-by"}
    [winner] = [p for p, o in zip(people, outcomes, strict=True) if not isinstance(o, Invalid)]
    said = {Translator("fa")(e.code, **e.params) for e in lost}
    assert said == {f"این کد را {winner.first_name} در ۳ آبان ۱۴۰۴ ساعت ۱۲:۰۰ استفاده کرده "
                    "است. اگر شما نبوده‌اید، از منطقه کد تازه بخواهید."}
    assert await _count(world, AccountOffice) == 1
    async with world.sessionmaker() as session:
        links = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "account.link"))
    assert links == 1


async def test_wrong_codes_count_and_the_sixth_try_is_refused(
        world: World) -> None:
    code = (await linking.issue_code(world.uow(), "71100002", NOW)).code
    actor = await world.person("telegram", 8101)
    for _ in range(linking.linking.WRONG_CODES):
        with pytest.raises(Invalid) as refused:
            await linking.redeem_code(world.uow(), actor, "WRONG123", NOW)
        assert refused.value.code == "link-code-wrong"
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), actor, code, NOW)
    assert refused.value.code == "link-code-limit"
    assert await _count(world, LinkAttempt) == linking.linking.WRONG_CODES
    assert await _count(world, AccountOffice) == 0


async def test_contact_must_be_the_senders_own(world: World) -> None:
    actor = await world.person("bale", 8201)
    for other in (None, 999):
        with pytest.raises(Invalid) as refused:
            await linking.link_by_contact(world.uow(), actor, contact_user_id=other,
                                          phone=HOLDER)
        assert refused.value.code == "link-not-own-contact"
    linked = await linking.link_by_contact(world.uow(), actor, contact_user_id=8201,
                                           phone="+98 938 241 3657")
    assert isinstance(linked, linking.Linked)
    assert [o.code for o in linked.offices] == ["16598444"]
    assert linked.actor.office_ids == (linked.offices[0].id,)


async def test_an_office_not_linked_cannot_be_chosen_and_a_missing_office_has_no_code(
        world: World) -> None:
    actor = await world.person("bale", 8301)
    with pytest.raises(Forbidden):
        await linking.choose_office(world.uow(), actor, 1)
    with pytest.raises(NotFound) as missing:
        await linking.issue_code(world.uow(), "99999999", NOW)
    assert missing.value.params == {"code": "99999999"}


async def test_the_same_account_redeeming_its_code_again_is_told_it_is_linked(
        world: World) -> None:
    """A re-run of the update after a kill between the commit and the reply (the fault suite's
    `linking.committed`), or the person typing the code again: linked, to the same office, with
    no second audit row and no wrong attempt counted. Another account is still refused."""
    code = (await linking.issue_code(world.uow(), "71100002", NOW)).code
    owner = await world.person("bale", 8201, "زهرا")
    first = await linking.redeem_code(world.uow(), owner, code, NOW)
    again = await linking.redeem_code(world.uow(), first.actor, f" {code.lower()} ", NOW)
    assert [o.code for o in again.offices] == [o.code for o in first.offices] == ["71100002"]
    assert again.actor.office_ids == first.actor.office_ids
    assert await linking.redeemed_by_me(world.uow(), first.actor, code)
    assert not await linking.redeemed_by_me(world.uow(), first.actor, "WRONG123")
    other = await world.person("bale", 8202, "رضا")
    assert not await linking.redeemed_by_me(world.uow(), other, code)
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), other, code, NOW)
    assert refused.value.code == "link-code-used-by"
    async with world.sessionmaker() as session:
        links = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "account.link"))
        attempts = await session.scalar(select(func.count()).select_from(LinkAttempt).where(
            LinkAttempt.account_id == owner.account_id))
    assert links == 1 and attempts == 0
    assert await _count(world, AccountOffice) == 1
