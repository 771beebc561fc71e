"""The services headquarters' console pages call, on SQLite and PostgreSQL: only headquarters
(or the command line) may read a period for editing, a period's results panel, publish, or an
office's corrections; a rubric text is checked as the command line checks a file."""

from __future__ import annotations

import pytest

from services import corrections, periods, results
from services.accounts import identify
from services.errors import Forbidden, Invalid
from tests.console.conftest import Served
from tests.review.conftest import ASSOCIATION_FARS, HQ, REVIEWER_4, SARI, make_staff


async def test_only_headquarters(served_db: Served) -> None:
    world = served_db.world
    await make_staff(world, HQ, "hq")
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    hq = await identify(world.uow(), *HQ)
    now = world.clock.now()
    assert (await periods.get_period(world.uow(), "1404-H1", hq)).code == "1404-H1"
    panel = await results.period_panel(world.uow(), hq, "1404-H1", now)
    assert panel.refusal is not None and panel.results == 0  # the windows are open
    state = await corrections.office_state(world.uow(), SARI, "1404-H1", hq)
    assert state.office.code == SARI and state.status is None and state.negatives == ()
    for who in (REVIEWER_4, ASSOCIATION_FARS):
        other = await identify(world.uow(), *who)
        for call in (periods.get_period(world.uow(), "1404-H1", other),
                     results.period_panel(world.uow(), other, "1404-H1", now),
                     results.publish_once(world.uow(), other, "1404-H1", now),
                     corrections.office_state(world.uow(), SARI, "1404-H1", other)):
            with pytest.raises(Forbidden):
                await call


def test_a_rubric_text_is_checked_as_the_command_line_checks_a_file() -> None:
    code, text = periods.read_rubric(None)
    assert code == "sample" and "[[indicators]]" in text
    assert periods.read_rubric(text.replace('code = "sample"', 'code = "mine"', 1))[0] == "mine"
    with pytest.raises(Invalid) as refused:
        periods.read_rubric('code = "x"\n')
    assert refused.value.code == "admin-rubric-invalid"
    assert "title_fa" in refused.value.params["errors"]
    with pytest.raises(Invalid):
        periods.read_rubric("not toml = = =")


async def test_the_office_table_pages_match_the_export(served_db: Served) -> None:
    from services import statistics

    world = served_db.world
    await make_staff(world, HQ, "hq")
    hq = await identify(world.uow(), *HQ)
    await results.rank(world.uow(), hq, "1404-H1", world.clock.now())
    every = await statistics.office_results(world.uow(), "1404-H1", hq)
    first = await results.office_page(world.uow(), hq, "1404-H1", 0, 3)
    second = await results.office_page(world.uow(), hq, "1404-H1", 1, 3)
    assert first.total == second.total == len(every.lines) > 6
    assert first.lines + second.lines == every.lines[:6]
    one = await results.office_page(world.uow(), hq, "1404-H1", 0, 1, office=SARI)
    assert one.total == 1 and one.lines == tuple(x for x in every.lines if x.code == SARI)
