"""Nobody reviews, scores or rates an office they are linked to as its owner: a reviewer of the
region, an association member of the province or a citizen who owns the office is refused with
a clear code, and nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services import association, linking, review
from services.errors import Forbidden
from storage.models import AuditLog, Declaration, ExternalScore
from tests.services.conftest import NOW, World
from tests.services.test_review import SARI, _count, _staff, _submitted

HOLDER = "09382413657"  # holder of 16598444 (Sari, region 4, Mazandaran)
BABOL = "16598445"  # another office of region 4


async def _owner_reviewer(world: World) -> Any:
    """A reviewer of region 4 who also owns the Sari office."""
    await _staff(world, 7301, "reviewer", region=4)
    actor = await world.person("telegram", 7301)
    linked = await linking.link_by_contact(world.uow(), actor, contact_user_id=7301,
                                           phone=HOLDER)
    assert isinstance(linked, linking.Linked)
    return linked.actor


REVIEW_CALLS = {
    "open": lambda w, a, d: review.open_declaration(w.uow(), a, d),
    "target": lambda w, a, d: review.target(w.uow(), a, d),
    "confirm": lambda w, a, d: review.confirm(w.uow(), a, d, NOW),
    "adjust": lambda w, a, d: review.adjust(w.uow(), a, d, 0, 90, "بازدید", NOW),
    "comment": lambda w, a, d: review.comment(w.uow(), a, d, 0, "خوب است", NOW),
    "return": lambda w, a, d: review.return_to_owner(w.uow(), a, d, 3, NOW),
}


@pytest.mark.parametrize("call", list(REVIEW_CALLS))
async def test_a_reviewer_never_reviews_their_own_office(world: World, call: str) -> None:
    declaration = await _submitted(world, SARI)
    actor = await _owner_reviewer(world)
    audits = await _count(world, AuditLog)
    with pytest.raises(Forbidden) as refused:
        await REVIEW_CALLS[call](world, actor, declaration)
    assert refused.value.code == "rv-own-office"
    assert await _count(world, AuditLog) == audits
    async with world.sessionmaker() as session:
        assert await session.scalar(select(Declaration.status).where(
            Declaration.id == declaration)) == "submitted"


async def test_the_next_declaration_skips_the_reviewers_own_office(world: World) -> None:
    own = await _submitted(world, SARI)
    other = await _submitted(world, BABOL)
    actor = await _owner_reviewer(world)
    found = await review.next_declaration(world.uow(), actor, NOW)
    assert found is not None and found.target.view.id == other and other != own
    again = await review.next_declaration(world.uow(), actor, NOW, after=other)
    assert again is None or again.target.view.id == other


async def _owner_member(world: World) -> Any:
    await _staff(world, 7401, "association", province="مازندران")
    actor = await world.person("telegram", 7401)
    linked = await linking.link_by_contact(world.uow(), actor, contact_user_id=7401,
                                           phone=HOLDER)
    assert isinstance(linked, linking.Linked)
    return linked.actor


async def test_an_association_member_never_scores_their_own_office(world: World) -> None:
    actor = await _owner_member(world)
    with pytest.raises(Forbidden) as refused:
        await association.office(world.uow(), actor, SARI, NOW)
    assert refused.value.code == "assoc-own-office"
    own = (await linking.own_offices(world.uow(), actor))[0]
    with pytest.raises(Forbidden) as refused:
        await association.set_score(world.uow(), actor, own.id, "80", NOW)
    assert refused.value.code == "assoc-own-office"
    assert await _count(world, ExternalScore) == 0
    assert (await association.office(world.uow(), actor, BABOL, NOW)).office.code == BABOL


async def test_an_association_file_with_the_members_own_office_writes_nothing(
        world: World, tmp_path: Path) -> None:
    actor = await _owner_member(world)
    path = tmp_path / "scores.csv"
    path.write_text(f"office_code,score\n{BABOL},70\n{SARI},95\n", encoding="utf-8")
    report = await association.import_scores(world.uow(), actor, path, "association", NOW)
    assert [(e.row, e.column) for e in report.rejected] == [(3, "office_code")]
    assert "your own" in report.rejected[0].reason and not report.written
    assert await _count(world, ExternalScore) == 0
