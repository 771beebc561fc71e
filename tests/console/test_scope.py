"""The console's scope lives in the services (`services.console_queue`), on SQLite and
PostgreSQL: a reviewer sees their region, an association its province, headquarters every
office, anyone else no queue; search and filters stay inside the scope."""

from __future__ import annotations

import pytest

from services import console_queue
from services.accounts import identify
from services.console_queue import QueueQuery
from services.errors import Forbidden, NotFound
from tests.console.conftest import Served
from tests.review.conftest import (
    ASSOCIATION_FARS,
    HQ,
    REVIEWER_4,
    SARI,
    SHIRAZ,
    file_declaration,
    make_staff,
)


async def _codes(served: Served, who: tuple[str, int], **query: object) -> set[str]:
    actor = await identify(served.world.uow(), who[0], who[1])
    found = await console_queue.search(served.world.uow(), actor, served.world.clock.now(),
                                       QueueQuery(**query))  # type: ignore[arg-type]
    return {row.office_code for row in found.rows}


async def test_each_role_sees_its_scope(served_db: Served) -> None:
    world = served_db.world
    sari = await file_declaration(world, SARI)
    await file_declaration(world, SHIRAZ)
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    await make_staff(world, HQ, "hq")
    assert await _codes(served_db, REVIEWER_4) == {SARI}
    assert await _codes(served_db, ASSOCIATION_FARS) == {SHIRAZ}
    assert await _codes(served_db, HQ) == {SARI, SHIRAZ}
    assert await _codes(served_db, REVIEWER_4, text="شیراز") == set()
    assert await _codes(served_db, HQ, text="شیراز") == {SHIRAZ}
    assert await _codes(served_db, HQ, text=SARI[:5]) == {SARI}
    assert await _codes(served_db, HQ, province="فارس") == {SHIRAZ}
    assert await _codes(served_db, HQ, status="c") == set()
    assert await _codes(served_db, HQ, text="100%_") == set()  # LIKE's wildcards are text
    reviewer = await identify(world.uow(), *REVIEWER_4)
    with pytest.raises(NotFound):
        await console_queue.open_declaration(world.uow(), reviewer, sari.declaration_id + 1,
                                             world.clock.now())
    opened = await console_queue.open_declaration(world.uow(), reviewer, sari.declaration_id,
                                                  world.clock.now())
    assert opened.actionable and opened.refusal is None


async def test_an_owner_has_no_queue(served: Served) -> None:
    owner = await identify(served.world.uow(), "bale", 99999)
    with pytest.raises(Forbidden):
        await console_queue.search(served.world.uow(), owner, served.world.clock.now(),
                                   QueueQuery())
