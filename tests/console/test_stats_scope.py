"""`services.console_stats`: who may see the statistics and the audit log, on the services'
own scope. HQ: everything; a reviewer: their region's per-office results only; an association:
nothing (NotFound, as the console answers 404)."""

from __future__ import annotations

import pytest

from services import console_stats
from services.accounts import identify
from services.errors import NotFound
from storage.audit import AuditFilter
from tests.console.conftest import Served
from tests.review.conftest import ASSOCIATION_FARS, HQ, REVIEWER_4, make_staff


async def test_scope_of_statistics_and_audit(served_db: Served) -> None:
    world = served_db.world
    await make_staff(world, HQ, "hq")
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    hq = await identify(world.uow(), *HQ)
    reviewer = await identify(world.uow(), *REVIEWER_4)
    association = await identify(world.uow(), *ASSOCIATION_FARS)

    seen = await console_stats.stats_view(world.uow(), hq, None)
    assert seen.period == seen.periods[0] and seen.announcement is not None
    assert seen.regions is None
    assert (await console_stats.office_results(world.uow(), hq, seen.period)).regions is None
    page = await console_stats.audit_page(world.uow(), hq, AuditFilter(), 0, 2)
    assert len(page.rows) == 2 and page.total > 2
    assert page.rows[0].at >= page.rows[1].at  # newest first

    mine = await console_stats.stats_view(world.uow(), reviewer, None)
    assert mine.announcement is None and mine.regions == frozenset({4})
    assert (await console_stats.office_results(world.uow(), reviewer, mine.period)
            ).regions == frozenset({4})
    with pytest.raises(NotFound):
        await console_stats.announcement(world.uow(), reviewer, mine.period)
    with pytest.raises(NotFound):
        await console_stats.audit_export(world.uow(), reviewer, AuditFilter())

    for call in (console_stats.stats_view(world.uow(), association, None),
                 console_stats.office_results(world.uow(), association, mine.period),
                 console_stats.audit_page(world.uow(), association, AuditFilter(), 0, 10)):
        with pytest.raises(NotFound):
            await call
    with pytest.raises(NotFound):
        await console_stats.stats_view(world.uow(), hq, "no-such-period")
