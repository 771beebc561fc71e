"""The reviewer's buttons fed to the dispatcher in process: the queue, a declaration, confirm
twice (the second is told it is confirmed already), a forged button, and no commit outside the
services (the owner's notice is queued with the confirmation)."""

from __future__ import annotations

import json
from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from sqlalchemy import func, select

from services.staff import add_staff
from storage.models import Account, AccountOffice, Answer, AuditLog, Declaration, Office, Outbox
from tests.handlers.conftest import NOW, Harness, texts

SARI = "16598444"  # region 4
ANSWERS: dict[str, Any] = {"area": 85, "holder_years": 12, "step_free": True}


async def _submitted(harness: Harness) -> int:
    async with harness.sessionmaker() as session:
        office = await session.scalar(select(Office).where(Office.code == SARI))
        assert office is not None
        row = Declaration(office_id=office.id, period_id=1, status="submitted", version=1,
                          submitted_at=NOW)
        session.add(row)
        await session.flush()
        for key, value in ANSWERS.items():
            session.add(Answer(declaration_id=row.id, item_key=key, value_json=json.dumps(value)))
        owner = Account(platform="bale", platform_user_id=5001, locale="fa", first_name="مالک",
                        current_office_id=office.id)
        session.add(owner)
        await session.flush()
        session.add(AccountOffice(account_id=owner.id, office_id=office.id, via="contact"))
        await session.commit()
        return row.id


def _alerts(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [c.text or "" for c in calls if isinstance(c, AnswerCallbackQuery) and c.show_alert]


async def test_queue_open_confirm_and_a_second_tap(harness: Harness) -> None:
    declaration = await _submitted(harness)
    await add_staff(harness.uow(), platform="telegram", user_id=7004, role="reviewer", region=4)
    reviewer = harness.chat("telegram", 7004)
    assert any("در انتظار بررسی" in t for t in texts(await reviewer.send("/review")))
    opened = texts(await reviewer.press(f"rv:o:{declaration}"))
    assert any("امتیاز موقت" in t for t in opened), opened
    confirmed = await reviewer.press(f"rv:cy:{declaration}")
    assert any("۱۶۵۹۸۴۴۴" in t for t in texts(confirmed)), texts(confirmed)
    again = _alerts(await reviewer.press(f"rv:cy:{declaration}"))
    assert again and "تأیید" in again[0], again
    assert any("معتبر نیست" in t for t in _alerts(await reviewer.press("rv:o:abc")))
    async with harness.sessionmaker() as session:
        moves = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "declaration.status"))
        queued = await session.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.kind == "review.confirmed"))
    assert (moves, queued) == (1, 1)
