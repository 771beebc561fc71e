"""Headquarters unlinks an account in the chat (`/links <office>`, a button, a confirmation):
the account stops acting for the office at once, the change is audited under the hq member and
the person told; a second press, a forged press by an owner, an unknown office: a clear answer
and nothing else changes. In process, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import func, select

from services import linking, staff
from services.accounts import identify
from storage.models import AccountOffice, AuditLog, Outbox
from tests.handlers.conftest import Harness, make_harness, texts

OFFICE, HOLDER = "16598444", "09382413657"
OWNER, HELPER, HQ = ("telegram", 7501), ("bale", 7502), ("bale", 7503)


@pytest.fixture
async def harness(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_harness(db_url, tmp_path) as made:
        owner = await identify(made.uow(), *OWNER)
        await linking.link_by_contact(made.uow(), owner, contact_user_id=OWNER[1], phone=HOLDER)
        helper = await identify(made.uow(), *HELPER)
        code = (await linking.issue_code(made.uow(), OFFICE, made.clock.now())).code
        await linking.redeem_code(made.uow(), helper, code, made.clock.now())
        await identify(made.uow(), *HQ, "ستاد")
        await staff.add_staff(made.uow(), platform=HQ[0], user_id=HQ[1], role="hq")
        yield made


async def _count(harness: Harness, model: type, *where: object) -> int:
    async with harness.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)
                                        .where(*where)) or 0)


def _alerts(calls: list) -> list[str]:
    return [c.text or "" for c in calls if isinstance(c, AnswerCallbackQuery)]


async def test_hq_lists_the_links_and_unlinks_one_after_confirming(harness: Harness) -> None:
    hq = harness.chat(*HQ)
    [listing] = [c for c in await hq.send(f"/links {OFFICE}") if getattr(c, "text", None)]
    assert "حساب‌های متصل" in listing.text and "با کد یک‌بارمصرف" in listing.text
    buttons = [b.callback_data for row in listing.reply_markup.inline_keyboard for b in row]
    assert buttons == [f"hql:u:{OFFICE}:telegram:{OWNER[1]}", f"hql:u:{OFFICE}:bale:{HELPER[1]}"]
    asked = texts(await hq.press(buttons[1]))
    assert any("قطع شود؟" in t for t in asked), asked
    assert await _count(harness, AccountOffice) == 2  # nothing yet: only asked
    done = texts(await hq.press(f"hql:uy:{OFFICE}:bale:{HELPER[1]}"))
    assert any("قطع شد" in t for t in done), done
    assert await _count(harness, AccountOffice) == 1
    assert await _count(harness, AuditLog, AuditLog.action == "account.unlink",
                        AuditLog.actor == f"bale:{HQ[1]}") == 1
    assert await _count(harness, Outbox, Outbox.chat_id == HELPER[1]) == 1  # told
    # The helper acts for the office no more: the next update finds no office.
    again = await hq.press(f"hql:uy:{OFFICE}:bale:{HELPER[1]}")  # a second press
    assert any("متصل نیست" in a for a in _alerts(again)), _alerts(again)
    assert await _count(harness, AuditLog, AuditLog.action == "account.unlink") == 1


@pytest.mark.parametrize("who", [OWNER, HELPER])
async def test_an_owner_pressing_a_forged_unlink_changes_nothing(harness: Harness,
                                                                 who: tuple[str, int]) -> None:
    chat = harness.chat(*who)
    calls = await chat.press(f"hql:uy:{OFFICE}:telegram:{OWNER[1]}")
    assert calls and not any("قطع شد" in t for t in texts(calls))
    assert texts(await chat.send(f"/links {OFFICE}")) != []  # answered, never a list
    assert not any("حساب‌های متصل" in t for t in texts(await chat.send(f"/links {OFFICE}")))
    assert await _count(harness, AccountOffice) == 2
    assert await _count(harness, AuditLog, AuditLog.action == "account.unlink") == 0


@pytest.mark.parametrize(("args", "expected"), [
    ("", "کد دفتر را پس از فرمان بنویسید"),
    ("99999999", "در فهرست نیست"),
    ("' OR 1=1 --", "در فهرست نیست"),
    ("71100002", "هیچ حسابی"),
])
async def test_hq_asks_about_an_office_with_nothing_to_show(harness: Harness, args: str,
                                                            expected: str) -> None:
    replies = texts(await harness.chat(*HQ).send(f"/links {args}".strip()))
    assert any(expected in t for t in replies), replies
    assert await _count(harness, AccountOffice) == 2
