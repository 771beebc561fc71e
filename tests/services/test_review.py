"""The review as use cases on SQLite and PostgreSQL: two reviewers at once, return against
confirm, the region and province checks, and the owners' notices queued as data."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from services import association, discrepancy, review
from services.errors import Conflict, Forbidden
from services.staff import add_staff
from storage.accounts import Actor
from storage.models import (
    Account,
    AccountOffice,
    Answer,
    AuditLog,
    Declaration,
    Discrepancy,
    Office,
    Outbox,
)
from tests.services.conftest import NOW, World
from texts.i18n import Translator, format_when
from texts.notices import render
from texts.review_text import explain

SARI, SHIRAZ = "16598444", "71100001"  # region 4 (Mazandaran), region 7 (Fars)
ANSWERS: dict[str, Any] = {"area": 85, "holder_years": 12, "step_free": True,
                           "location_urban": "main_street", "facilities": ["ramp", "toilet"]}


async def _office(world: World, code: str) -> Office:
    async with world.sessionmaker() as session:
        office = await session.scalar(select(Office).where(Office.code == code))
        assert office is not None
        return office


async def _submitted(world: World, code: str) -> int:
    """A submitted declaration of the office, and an owner linked to it."""
    office = await _office(world, code)
    async with world.sessionmaker() as session:
        row = Declaration(office_id=office.id, period_id=world.period.id, status="submitted",
                          version=1, submitted_at=NOW)
        session.add(row)
        await session.flush()
        for key, value in ANSWERS.items():
            session.add(Answer(declaration_id=row.id, item_key=key,
                               value_json=json.dumps(value, ensure_ascii=False)))
        account = Account(platform="bale", platform_user_id=6000 + office.id, locale="fa",
                          first_name="مالک", current_office_id=office.id)
        session.add(account)
        await session.flush()
        session.add(AccountOffice(account_id=account.id, office_id=office.id, via="contact"))
        await session.commit()
        return row.id


NAMES = {7004: "مریم احمدی", 7014: "رضا کریمی"}


async def _staff(world: World, user_id: int, role: str, **where: Any) -> Actor:
    await add_staff(world.uow(), platform="telegram", user_id=user_id, role=role,
                    name=NAMES.get(user_id, ""), **where)
    return await world.person("telegram", user_id)


async def _count(world: World, model: type, *where: Any) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where))
                   or 0)


def _status_moves(declaration_id: int) -> tuple[Any, ...]:
    return (AuditLog.action == "declaration.status", AuditLog.entity == "declaration",
            AuditLog.entity_id == str(declaration_id))


async def _moved_at(world: World, declaration_id: int) -> Any:
    async with world.sessionmaker() as session:
        return await session.scalar(select(AuditLog.at).where(*_status_moves(declaration_id)))


def _who_won(outcomes: list[Any], first: Actor, second: Actor) -> str:
    """The winner's staff name: the other one lost."""
    return NAMES[first.user_id] if isinstance(outcomes[1], Conflict) else NAMES[second.user_id]


async def test_two_reviewers_confirming_at_once_confirm_once(world: World) -> None:
    declaration = await _submitted(world, SARI)
    first = await _staff(world, 7004, "reviewer", region=4)
    second = await _staff(world, 7014, "reviewer", region=4)
    outcomes = await asyncio.gather(review.confirm(world.uow(), first, declaration, NOW),
                                    review.confirm(world.uow(), second, declaration, NOW),
                                    return_exceptions=True)
    won = [o for o in outcomes if isinstance(o, review.Confirmed)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    # The loser is told who confirmed it and when (Tehran time, Jalali date: not today).
    winner = _who_won(outcomes, first, second)
    assert lost[0].code == "rv-already-confirmed"
    at = await _moved_at(world, declaration)
    assert explain(Translator("fa"), lost[0]) == \
        f"این خوداظهاری را {winner} {format_when(at, 'fa')} تأیید کرده است."
    assert explain(Translator("en"), lost[0]) == \
        f"{winner} confirmed this declaration {format_when(at, 'en')}."
    assert await _count(world, AuditLog, *_status_moves(declaration)) == 1
    assert await _count(world, Outbox, Outbox.kind == "review.confirmed") == 1
    # A third tap later is told the same, and writes nothing.
    with pytest.raises(Conflict) as third:
        await review.confirm(world.uow(), first, declaration, NOW)
    assert explain(Translator("fa"), third.value) == explain(Translator("fa"), lost[0])
    assert await _count(world, AuditLog, *_status_moves(declaration)) == 1


async def test_return_against_confirm_at_once_one_wins(world: World) -> None:
    declaration = await _submitted(world, SARI)
    first = await _staff(world, 7004, "reviewer", region=4)
    second = await _staff(world, 7014, "reviewer", region=4)
    await review.comment(world.uow(), first, declaration, 0, "مساحت با سند نمی‌خواند", NOW)
    outcomes = await asyncio.gather(
        review.return_to_owner(world.uow(), first, declaration, 0, NOW),
        review.confirm(world.uow(), second, declaration, NOW), return_exceptions=True)
    won = [o for o in outcomes if isinstance(o, review.Returned | review.Confirmed)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    winner = "returned" if isinstance(won[0], review.Returned) else "confirmed"
    assert lost[0].code == f"rv-already-{winner}"
    said = explain(Translator("fa"), lost[0])
    assert said.startswith(f"این خوداظهاری را {_who_won(outcomes, first, second)} ساعت ")
    assert ("تأیید کرده است" if winner == "confirmed" else "برگردانده است") in said
    async with world.sessionmaker() as session:
        row = await session.get(Declaration, declaration)
        assert row is not None and row.status == winner
    assert await _count(world, AuditLog, *_status_moves(declaration)) == 1
    assert await _count(world, Outbox, Outbox.kind.like("review.%")) == 1


async def test_another_regions_reviewer_is_refused_and_nothing_is_written(
        world: World) -> None:
    declaration = await _submitted(world, SARI)
    south = await _staff(world, 7007, "reviewer", region=7)
    owner_like = await world.person("bale", 9999)
    for actor in (south, owner_like):
        with pytest.raises(Forbidden) as refused:
            await review.confirm(world.uow(), actor, declaration, NOW)
        assert refused.value.code == "rv-not-yours"
    assert await _count(world, AuditLog, *_status_moves(declaration)) == 0
    assert await _count(world, Outbox) == 0


async def test_the_owner_is_told_as_data_and_reads_it_in_their_language(world: World) -> None:
    declaration = await _submitted(world, SARI)
    reviewer = await _staff(world, 7004, "reviewer", region=4)
    await review.adjust(world.uow(), reviewer, declaration, 0, Decimal(70), "سند اجاره ۷۰ متر",
                        NOW)
    await review.confirm(world.uow(), reviewer, declaration, NOW)
    async with world.sessionmaker() as session:
        payload = json.loads(await session.scalar(select(Outbox.payload_json).where(
            Outbox.kind == "review.confirmed")))
    assert payload["notice"] == "review-confirmed" and "text" not in payload
    shown = render(payload, "telegram")
    assert "تأیید کرد" in shown["text"] and "۱۶۵۹۸۴۴۴" in shown["text"]
    assert "۷۰" in shown["text"] and "سند اجاره ۷۰ متر" in shown["text"]
    assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "menu:main"
    english = render({**payload, "locale": "en"}, "telegram")
    assert "confirmed" in english["text"].lower()


async def test_two_staff_resolving_one_report_at_once_resolve_it_once(world: World) -> None:
    office = await _office(world, SARI)
    await _submitted(world, SARI)
    owner = await world.person("bale", 6000 + office.id)
    number = await discrepancy.report(world.uow(), owner, "address", "نشانی قدیمی است")
    first = await _staff(world, 7004, "reviewer", region=4)
    second = await _staff(world, 7014, "reviewer", region=4)
    outcomes = await asyncio.gather(
        discrepancy.answer(world.uow(), first, number, "بررسی شد", NOW),
        discrepancy.fix(world.uow(), second, number, "ساری، خیابان فرهنگ", NOW),
        return_exceptions=True)
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(lost) == 1 and lost[0].code == "rv-disc-closed-by", outcomes
    said = explain(Translator("fa"), lost[0])
    assert said.startswith(f"به این گزارش {_who_won(outcomes, first, second)} ساعت ")
    assert said.endswith(" رسیدگی کرده است.")
    assert await _count(world, Discrepancy, Discrepancy.status != "open") == 1
    assert await _count(world, AuditLog, AuditLog.action.like("discrepancy.%"),
                        AuditLog.action != "discrepancy.open") == 1
    assert await _count(world, Outbox, Outbox.kind == "review.discrepancy") == 1


async def test_an_association_scores_only_its_province(world: World) -> None:
    fars = await _staff(world, 7101, "association", province="فارس")
    with pytest.raises(Forbidden) as refused:
        await association.office(world.uow(), fars, SARI, NOW)
    assert refused.value.code == "assoc-not-yours"
    shiraz = await association.office(world.uow(), fars, SHIRAZ, NOW)
    saved = await association.set_score(world.uow(), fars, shiraz.office.id, "۹۰", NOW)
    assert saved.value == Decimal(90) and saved.old is None
    again = await association.set_score(world.uow(), fars, shiraz.office.id, "85.5", NOW)
    assert again.old == Decimal(90)
    assert await _count(world, AuditLog, AuditLog.action == "score.association") == 2


def test_when_is_said_in_tehran_time_with_the_jalali_date_unless_today() -> None:
    from datetime import timedelta

    assert format_when(NOW, "fa", now=NOW + timedelta(hours=2)) == "ساعت ۱۲:۰۰"
    assert format_when(NOW, "en", now=NOW + timedelta(hours=2)) == "at 12:00"
    assert format_when(NOW, "fa", now=NOW + timedelta(days=1)) == "در ۳ آبان ۱۴۰۴ ساعت ۱۲:۰۰"
    assert format_when(NOW, "en", now=NOW + timedelta(days=1)) == "on 3 Aban 1404 at 12:00"


async def test_a_reports_file_and_a_language_change_are_on_the_record(world: World) -> None:
    """Every change a person makes has its audit row (issue 21): the two that had none."""
    from services.accounts import set_language

    office = await _office(world, SARI)
    await _submitted(world, SARI)
    owner = await world.person("bale", 6000 + office.id)
    number = await discrepancy.report(world.uow(), owner, "address", "نشانی قدیمی است")
    await discrepancy.attach_photo(world.uow(), owner, number, "ab" * 32)
    await set_language(world.uow(), owner, "en")
    await set_language(world.uow(), await world.person("bale", 6000 + office.id), "en")  # same
    async with world.sessionmaker() as session:
        rows = (await session.scalars(select(AuditLog).where(
            AuditLog.action.in_(("discrepancy.file", "account.locale"))))).all()
    assert sorted((r.action, r.old, r.new) for r in rows) == [
        ("account.locale", "fa", "en"), ("discrepancy.file", None, "ab" * 32)]
