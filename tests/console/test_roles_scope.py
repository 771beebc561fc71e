"""The association's and the experts' console scope lives in the services
(`services.console_roles`), on SQLite and PostgreSQL: an association sees and scores only its
province's offices, an expert only the tickets they hold or may take; anything else is 404.
And two at once on PostgreSQL: two experts answering one ticket, two members scoring one office,
two files at once."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from services import console_roles
from services.errors import Conflict, Invalid, NotFound, ServiceError
from tests.console.conftest import Served, console_world
from tests.console.roles import (
    ASSOCIATION_FARS_TWO,
    HQ_ONE,
    HQ_TWO,
    LIAISON_4,
    LIAISON_7,
    actor,
    answerers,
    ask,
    count,
)
from tests.review.conftest import (
    ASSOCIATION_FARS,
    DASHTAK,
    REVIEWER_4,
    SARI,
    SHIRAZ,
    make_staff,
    office_id,
)


async def test_an_association_sees_and_scores_only_its_province(served_db: Served) -> None:
    world = served_db.world
    now = world.clock.now()
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    member = await actor(world, ASSOCIATION_FARS)
    table = await console_roles.score_table(world.uow(), member, now, "", 0, 50)
    assert table.rows and {r.province for r in table.rows} == {"فارس"}
    assert table.total == table.offices and table.scored == 0 and table.refusal is None
    found = await console_roles.score_table(world.uow(), member, now, SHIRAZ, 0, 50)
    assert [r.code for r in found.rows] == [SHIRAZ]
    persian = SHIRAZ.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert [r.code for r in (await console_roles.score_table(
        world.uow(), member, now, persian, 0, 50)).rows] == [SHIRAZ]
    assert (await console_roles.score_table(world.uow(), member, now, SARI, 0, 50)).total == 0
    assert (await console_roles.score_table(world.uow(), member, now, "%", 0, 50)).total == 0
    # 50 a page in the console (a province may have 1,000+ offices); here 1 a page
    first = await console_roles.score_table(world.uow(), member, now, "", 0, 1)
    second = await console_roles.score_table(world.uow(), member, now, "", 1, 1)
    assert first.total == second.total == table.total
    assert first.rows[0].code < second.rows[0].code
    assert table.periods == (table.period.code,)
    with pytest.raises(NotFound):
        await console_roles.score_table(world.uow(), member, now, "", 0, 50, "1399-H9")

    with pytest.raises(NotFound):  # another province's office: as if it did not exist
        await console_roles.set_score(world.uow(), member, await office_id(world, SARI), "80",
                                      now)
    with pytest.raises(Invalid) as bad:
        await console_roles.set_score(world.uow(), member, await office_id(world, SHIRAZ),
                                      "۵۰۰", now)
    assert bad.value.code == "assoc-bad-score"
    assert await count(world, "scores") == 0
    saved = await console_roles.set_score(world.uow(), member, await office_id(world, SHIRAZ),
                                          "۸۰", now)
    assert saved.old is None and saved.value == Decimal(80)
    assert await count(world, "score.association") == 1  # audited as the bot's entry is
    table = await console_roles.score_table(world.uow(), member, now, SHIRAZ, 0, 50)
    assert table.rows[0].score == Decimal(80) and table.scored == 1

    reviewer = await actor(world, REVIEWER_4)
    with pytest.raises(NotFound):  # no association role: no such page
        await console_roles.score_table(world.uow(), reviewer, now, "", 0, 50)


async def test_an_expert_sees_only_their_tickets(served_db: Served) -> None:
    world = served_db.world
    now = world.clock.now()
    await answerers(world)
    ticket_id = await ask(world)  # routed to the Sari liaison
    liaison = await actor(world, LIAISON_4)
    lines = await console_roles.open_tickets(world.uow(), liaison)
    assert [(line.view.ticket.id, line.mine, line.question) for line in lines] == [
        (ticket_id, True, "چرا امتیاز ما کم شد؟")]
    page = await console_roles.ticket(world.uow(), liaison, ticket_id)
    assert page.mine and page.answerable and page.seen > 0

    for who in (LIAISON_7, HQ_ONE):  # another region's liaison; HQ while the liaison holds it
        other = await actor(world, who)
        assert ticket_id not in [line.view.ticket.id
                                 for line in await console_roles.open_tickets(world.uow(),
                                                                               other)]
        with pytest.raises(NotFound):
            await console_roles.ticket(world.uow(), other, ticket_id)
        with pytest.raises(NotFound):
            await console_roles.answer(world.uow(), other, ticket_id, "پاسخ", page.seen, now)
    with pytest.raises(NotFound):
        await console_roles.ticket(world.uow(), liaison, ticket_id + 100)
    with pytest.raises(NotFound):  # not an answerer at all
        await console_roles.open_tickets(world.uow(), await actor(world, REVIEWER_4))

    with pytest.raises(Invalid):  # an empty answer is refused, nothing sent
        await console_roles.answer(world.uow(), liaison, ticket_id, "  ", page.seen, now)
    await console_roles.answer(world.uow(), liaison, ticket_id, "به‌زودی بررسی می‌شود.",
                               page.seen, now)
    assert await count(world, "owner-notices") == 1
    with pytest.raises(Conflict) as second:  # the same page sent again (another tab)
        await console_roles.answer(world.uow(), liaison, ticket_id, "دوباره", page.seen, now)
    assert second.value.code == "ticket-already-answered"
    assert second.value.params["by"] == "رابط ساری"
    assert await count(world, "expert-messages", ticket_id) == 1
    assert await count(world, "owner-notices") == 1
    again = await console_roles.ticket(world.uow(), liaison, ticket_id)  # a follow-up is fine
    await console_roles.answer(world.uow(), liaison, ticket_id, "تکمیل پاسخ", again.seen, now)
    assert await count(world, "expert-messages", ticket_id) == 2


@pytest.mark.postgres
async def test_two_experts_answering_one_ticket_at_once(tmp_path: Path,
                                                        postgres_url: str) -> None:
    async with console_world(tmp_path, postgres_url) as served:
        world = served.world
        await answerers(world)
        ticket_id = await ask(world, unassigned=True)  # in the pool: either HQ may take it
        one, two = await actor(world, HQ_ONE), await actor(world, HQ_TWO)
        seen = (await console_roles.ticket(world.uow(), one, ticket_id)).seen
        assert (await console_roles.ticket(world.uow(), two, ticket_id)).seen == seen
        outcomes = await asyncio.gather(
            console_roles.answer(world.uow(), one, ticket_id, "پاسخ مریم", seen,
                                 world.clock.now()),
            console_roles.answer(world.uow(), two, ticket_id, "پاسخ رضا", seen,
                                 world.clock.now()),
            return_exceptions=True)
        lost = [o for o in outcomes if isinstance(o, ServiceError)]
        assert len(lost) == 1 and isinstance(lost[0], Conflict), outcomes
        assert lost[0].code == "ticket-already-answered"
        assert lost[0].params["by"] in ("مریم", "رضا")
        assert await count(world, "ticket.answer") == 1
        assert await count(world, "ticket.claim") == 1
        assert await count(world, "expert-messages", ticket_id) == 1
        assert await count(world, "owner-notices") == 1


@pytest.mark.postgres
async def test_two_association_members_at_once(tmp_path: Path, postgres_url: str) -> None:
    async with console_world(tmp_path, postgres_url) as served:
        world = served.world
        now = world.clock.now()
        await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
        await make_staff(world, ASSOCIATION_FARS_TWO, "association", province="فارس")
        one, two = await actor(world, ASSOCIATION_FARS), await actor(world, ASSOCIATION_FARS_TWO)
        shiraz = await office_id(world, SHIRAZ)
        saved = await asyncio.gather(
            console_roles.set_score(world.uow(), one, shiraz, "70", now),
            console_roles.set_score(world.uow(), two, shiraz, "90", now))
        assert sorted(s.value for s in saved) == [Decimal(70), Decimal(90)]
        assert [s.old for s in saved].count(None) == 1  # the second saw the first's score
        assert await count(world, "scores") == 1
        assert await count(world, "score.association") == 2

        files = []
        for n, who in enumerate((one, two)):
            path = tmp_path / f"scores-{n}.csv"
            path.write_text(f"office_code,score\n{SHIRAZ},6{n}\n{DASHTAK},7{n}\n")
            files.append((who, path))
        reports = await asyncio.gather(*(console_roles.import_scores(world.uow(), who, path, now)
                                         for who, path in files))
        assert all(r.written and not r.rejected for r in reports), reports
        assert sorted(r.inserted for r in reports) == [0, 1]  # Dashtak: new, then changed
        assert await count(world, "scores") == 2
        assert await count(world, "score.association.import") == 2
