"""`services.console_stats`: who may see the statistics and the audit log, on the services'
own scope. HQ: everything; a reviewer: their region's per-office results only; an association:
no statistics (NotFound, as the console answers 404). The audit log's scope:
tests/console/test_audit_scope.py."""

from __future__ import annotations

import pytest

from services import console_stats
from services.accounts import identify
from services.errors import NotFound
from storage.admin import list_periods
from storage.audit import AuditFilter
from storage.ranking import rank_period
from tests.console.conftest import Served
from tests.review.conftest import ASSOCIATION_FARS, HQ, REVIEWER_4, make_staff


async def test_scope_of_statistics_and_audit(served_db: Served) -> None:
    world = served_db.world
    await make_staff(world, HQ, "hq")
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    hq = await identify(world.uow(), *HQ)
    reviewer = await identify(world.uow(), *REVIEWER_4)
    association = await identify(world.uow(), *ASSOCIATION_FARS)
    async with world.uow() as uow:
        period = (await list_periods(uow.session))[-1]
        await rank_period(uow.session, period.id, world.clock.now())
        await uow.commit()

    seen = await console_stats.stats_view(world.uow(), hq, None)
    assert seen.period == seen.periods[0] and seen.announcement is not None
    assert seen.regions is None
    every = await console_stats.office_results(world.uow(), hq, seen.period)
    assert every.regions is None and {x.region_code for x in every.lines} > {4}
    assert seen.announcement.sources.by_region.total.ranked == len(every.lines)
    page = await console_stats.audit_page(world.uow(), hq, AuditFilter(), 0, 2)
    assert len(page.rows) == 2 and page.total > 2
    assert page.rows[0].at >= page.rows[1].at  # newest first

    mine = await console_stats.stats_view(world.uow(), reviewer, None)
    assert mine.announcement is None and mine.regions == frozenset({4})
    region = await console_stats.office_results(world.uow(), reviewer, mine.period)
    assert region.regions == frozenset({4})
    assert region.lines and {x.region_code for x in region.lines} == {4}
    with pytest.raises(NotFound):
        await console_stats.announcement(world.uow(), reviewer, mine.period)

    for call in (console_stats.stats_view(world.uow(), association, None),
                 console_stats.office_results(world.uow(), association, mine.period)):
        with pytest.raises(NotFound):
            await call
    with pytest.raises(NotFound):
        await console_stats.stats_view(world.uow(), hq, "no-such-period")
