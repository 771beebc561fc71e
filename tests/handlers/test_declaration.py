"""The wizard, fed to the dispatcher in process: typed buttons in the form older messages
carry, a typed answer saved with its position, stale and forged buttons, the submit flow's
confirmation."""

from __future__ import annotations

from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from sqlalchemy import select

from storage.models import Declaration
from tests.handlers.conftest import Harness, texts

HOLDER = "09382413657"  # the licence holder of the demo office 16598444


def buttons(calls: list[TelegramMethod[Any]]) -> list[str]:
    """Every button's data in the replies, in order."""
    found = []
    for call in calls:
        markup = getattr(call, "reply_markup", None)
        for row in getattr(markup, "inline_keyboard", None) or []:
            found += [b.callback_data for b in row if b.callback_data]
    return found


def alerts(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [c.text or "" for c in calls if isinstance(c, AnswerCallbackQuery) and c.show_alert]


async def _current(harness: Harness) -> str | None:
    async with harness.sessionmaker() as session:
        return await session.scalar(select(Declaration.current_item))


async def test_continue_asks_the_first_question_and_a_typed_answer_moves_to_its_files(
        harness: Harness) -> None:
    chat = harness.chat("telegram", 601)
    await chat.share_contact(HOLDER)
    asked = await chat.press("menu:continue")
    assert any("پرسش ۱ از ۶" in t for t in texts(asked)), texts(asked)
    assert await _current(harness) == "area"
    saved = texts(await chat.send("۸۵"))
    assert any("ذخیره شد" in t and "PDF" in t for t in saved), saved
    assert await _current(harness) == "ev:area"
    assert any("فایل" in t for t in texts(await chat.send("۹۰")))  # files expected, not text


async def test_a_choice_by_its_place_and_by_its_key(harness: Harness) -> None:
    chat = harness.chat("bale", 602)
    await chat.share_contact(HOLDER)
    review = await chat.press("menu:review")
    edit = [b for b in buttons(review) if b.endswith(":e:location_urban")]
    assert edit, buttons(review)
    question = await chat.press(edit[0])
    choices = [b for b in buttons(question) if ":a:location_urban:" in b]
    assert choices[0].endswith(":a:location_urban:0"), choices  # compact: the option's place
    period = edit[0].split(":")[1]
    for data in (choices[1], f"w:{period}:a:location_urban:main_street"):
        replies = await chat.press(data)
        assert not alerts(replies) and texts(replies), data
    async with harness.sessionmaker() as session:
        declaration = await session.scalar(select(Declaration))
    assert declaration is not None


async def test_stale_and_forged_buttons_change_nothing(harness: Harness) -> None:
    chat = harness.chat("telegram", 603)
    await chat.share_contact(HOLDER)
    await chat.press("menu:continue")
    period = [b for b in buttons(await chat.press("menu:review")) if ":e:" in b][0].split(":")[1]
    other = await chat.press(f"w:{int(period) + 7}:a:location_urban:main_street")
    assert any("معتبر نیست" in a for a in alerts(other)), other
    gone = texts(await chat.press(f"w:{period}:e:no_such_item"))
    assert any("دیگر در فهرست" in t for t in gone), gone
    shapeless = await chat.press(f"w:{period}:zz:1:2:3")
    assert any("معتبر نیست" in a for a in alerts(shapeless)), shapeless
    assert await _current(harness) == "area"


async def test_submit_of_an_incomplete_declaration_lists_what_is_missing(
        harness: Harness) -> None:
    chat = harness.chat("bale", 604)
    await chat.share_contact(HOLDER)
    await chat.press("menu:continue")
    period = [b for b in buttons(await chat.press("menu:review")) if ":e:" in b][0].split(":")[1]
    replies = texts(await chat.press(f"w:{period}:subok"))
    assert any("مساحت" in t for t in replies), replies
