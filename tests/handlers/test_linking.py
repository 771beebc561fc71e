"""Linking, fed to the dispatcher in process: /start, an own contact, someone else's, a code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.linking import issue_code
from storage.models import AccountOffice, AuditLog
from tests.handlers.conftest import Harness, texts

HOLDER = "09382413657"  # the licence holder of the demo office 16598444


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_start_then_own_contact_links_and_shows_the_menu(harness: Harness,
                                                               platform: str) -> None:
    chat = harness.chat(platform, 501, "زهرا")
    greeting = texts(await chat.send("/start"))
    assert any("خوش آمدید" in t for t in greeting)
    replies = texts(await chat.share_contact(HOLDER))
    assert any("۱۶۵۹۸۴۴۴" in t for t in replies), replies


async def test_someone_elses_contact_links_nothing(harness: Harness) -> None:
    chat = harness.chat("bale", 502)
    for other in (12345, None):
        replies = texts(await chat.share_contact(HOLDER, user_id=other))
        assert any("متعلق به حساب شما نیست" in t for t in replies), replies
    async with harness.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AccountOffice)) == 0


async def test_a_code_links_once_and_a_second_account_is_told_it_is_used(
        harness: Harness) -> None:
    code = (await issue_code(harness.uow(), "71100002", harness.clock.now())).code
    first, second = harness.chat("telegram", 503), harness.chat("bale", 504)
    assert any("۷۱۱۰۰۰۰۲" in t for t in texts(await first.send(f"/start {code}")))
    assert any("استفاده کرده است" in t for t in texts(await second.send(f"/start {code}")))


async def test_the_language_button_switches_the_menu_to_english(harness: Harness) -> None:
    chat = harness.chat("telegram", 505)
    await chat.share_contact(HOLDER)
    replies = texts(await chat.press("lang:en"))
    assert replies[0] == "The bot now speaks English."
    assert "self-declaration deadline: 13 Aban 1404" in replies[1], replies


async def test_a_code_sent_again_by_the_account_it_linked_says_linked_once(
        harness: Harness) -> None:
    """The update re-run after a kill between the link's commit and its reply (or the person
    typing the code again): "linked to office X" and the menu, typed or by the /start link, with
    one link and one audit row; an eight-digit answer to a question still goes to the wizard."""
    code = (await issue_code(harness.uow(), "71100002", harness.clock.now())).code
    chat = harness.chat("bale", 506)
    assert any("۷۱۱۰۰۰۰۲" in t and "متصل شد" in t for t in texts(await chat.send(code)))
    for again in (code, f"/start {code}", code.lower()):
        replies = texts(await chat.send(again))
        assert any("۷۱۱۰۰۰۰۲" in t and "متصل شد" in t for t in replies), (again, replies)
        assert any("مهلت خوداظهاری" in t for t in replies), replies
    asked = texts(await chat.press("menu:continue"))
    assert any("پرسش ۱ از ۶" in t for t in asked), asked
    answered = texts(await chat.send("23456789"))  # an area, out of its range: the wizard's
    assert not any("متصل" in t or "کد" in t for t in answered), answered
    assert any("۲٬۰۰۰" in t for t in answered), answered
    async with harness.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AccountOffice)) == 1
        assert await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "account.link")) == 1
