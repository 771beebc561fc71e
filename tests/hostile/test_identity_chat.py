"""Hostile identity attempts in the chat, fed to the dispatcher in process: guessed codes, a used
code, a staff invite typed twice; each gets a clear Persian answer and nothing else changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.linking import issue_code, issue_invite
from storage.models import AccountOffice, StaffRole
from tests.hostile.conftest import Harness, texts


async def _count(harness: Harness, model: type) -> int:
    async with harness.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("guess", ["AAAAAAAA", "۱۲۳۴۵۶۷۸", "' OR 1=1 --", "x" * 4000,
                                   "ZZZZ\u200cZZZZ"])
async def test_five_guesses_then_the_person_waits_fifteen_minutes(harness: Harness,
                                                                   guess: str) -> None:
    code = (await issue_code(harness.uow(), "71100002", harness.clock.now())).code
    chat = harness.chat("telegram", 601)
    for _ in range(5):
        assert any("درست نیست" in t for t in texts(await chat.send(f"/start {guess}")))
    replies = texts(await chat.send(f"/start {code}"))  # even the right code waits
    assert any("۱۵ دقیقهٔ دیگر" in t for t in replies), replies
    assert await _count(harness, AccountOffice) == 0


async def test_a_staff_invite_makes_a_reviewer_once(harness: Harness) -> None:
    invite = await issue_invite(harness.uow(), role="reviewer", region=4,
                                now=harness.clock.now())
    first, second = harness.chat("bale", 602, "مریم"), harness.chat("telegram", 603)
    replies = texts(await first.send(f"/start {invite.code}"))
    assert any("نقش شما در ربات ثبت شد" in t for t in replies), replies
    assert any("/review" in t for t in texts(await first.send("/start")))
    assert any("قبلاً استفاده شده" in t for t in texts(await second.send(
        f"/start {invite.code}")))
    assert await _count(harness, StaffRole) == 1
