"""The audit log for everyone with access, scoped in the services, on SQLite and PostgreSQL:
headquarters reads every row, a reviewer the rows about their region's offices, an association
those about its province's offices; one page at a time, newest first, with the count; an office
outside the scope is as unknown as one that does not exist. Over HTTP: the page and the CSV."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services import audit as audit_service
from services import console_stats
from services.accounts import identify
from services.errors import Forbidden, NotFound
from storage.admin import audit
from storage.audit import AuditFilter
from storage.models import Office
from tests.console.conftest import Served, browser_client, signed_in
from tests.review.conftest import (
    ASSOCIATION_FARS,
    HQ,
    REVIEWER_4,
    SARI,
    SHIRAZ,
    SHIRAZ_OWNER,
    file_declaration,
    make_staff,
)


async def _rows(served: Served) -> None:
    """For Sari (region 4, Mazandaran) and Shiraz (region 7, Fars): three rows each, about the
    office and its declaration; and one row about a period (HQ's only)."""
    world = served.world
    declarations = {code: (await file_declaration(world, code)).declaration_id
                    for code in (SARI, SHIRAZ)}
    async with world.session() as session:
        for code, declaration in declarations.items():
            office = await session.scalar(select(Office.id).where(Office.code == code))
            for n in range(2):
                await audit(session, actor="cli", action=f"test.office{n}", entity="office",
                            entity_id=office, new=code)
            await audit(session, actor="cli", action="test.declaration",
                        entity="declaration", entity_id=declaration, new=code)
        await audit(session, actor="cli", action="test.period", entity="period", entity_id=1)
        await session.commit()


async def test_each_reads_their_scope_paged_newest_first(served_db: Served) -> None:
    world = served_db.world
    await make_staff(world, HQ, "hq")
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    await _rows(served_db)
    hq = await identify(world.uow(), *HQ)
    reviewer = await identify(world.uow(), *REVIEWER_4)
    association = await identify(world.uow(), *ASSOCIATION_FARS)
    owner = await identify(world.uow(), *SHIRAZ_OWNER)
    test = AuditFilter(action="test")

    every, total = await audit_service.audit_page(world.uow(), test, 0, 4, hq)
    assert total == 7 and len(every) == 4
    assert [r.id for r in every] == sorted((r.id for r in every), reverse=True)
    rest, _ = await audit_service.audit_page(world.uow(), test, 1, 4, hq)
    assert len(rest) == 3 and not {r.id for r in rest} & {r.id for r in every}

    mine, total = await audit_service.audit_page(world.uow(), test, 0, 10, reviewer)
    assert total == 3 and {r.new for r in mine} == {SARI}
    fars, total = await audit_service.audit_page(world.uow(), test, 0, 2, association)
    assert total == 3 and len(fars) == 2 and {r.new for r in fars} == {SHIRAZ}
    exported = await audit_service.audit_rows(world.uow(), test, association, newest_first=True)
    assert [r.new for r in exported] == [SHIRAZ] * 3
    assert exported[0].id > exported[-1].id

    # An office outside the scope is unknown; inside, its own rows.
    with pytest.raises(NotFound):
        await audit_service.audit_page(world.uow(), AuditFilter(office=SHIRAZ), 0, 10, reviewer)
    own, total = await audit_service.audit_page(world.uow(), AuditFilter(office=SARI,
                                                                         action="test"),
                                                0, 10, reviewer)
    assert total == 3 and {r.new for r in own} == {SARI}
    with pytest.raises(Forbidden):
        await audit_service.audit_page(world.uow(), test, 0, 10, owner)
    with pytest.raises(NotFound):  # the console's answer to anyone without access
        await console_stats.audit_page(world.uow(), owner, test, 0, 10)


async def test_a_reviewer_browses_and_exports_their_region(served: Served) -> None:
    await _rows(served)
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        async with client.get(served.base + "/") as response:
            assert 'id="nav-audit"' in await response.text()
        async with client.get(served.base + "/audit?action=test") as response:
            assert response.status == 200
            page = await response.text()
        assert "test.declaration" in page and "test.period" not in page
        assert page.count(SARI) + page.count("۱۶۵۹۸۴۴۴") >= 3 and SHIRAZ not in page
        async with client.get(served.base + "/audit/export.csv?action=test") as response:
            assert response.status == 200
            lines = (await response.read()).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 4 and all(SHIRAZ not in line for line in lines)
        async with client.get(served.base + f"/audit?office={SHIRAZ}") as response:
            assert response.status == 200
            assert "پیدا نشد" in await response.text()
