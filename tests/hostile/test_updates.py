"""Hostile updates: each gets a clear Persian answer or is ignored on purpose; never a database
error, never a change to what was saved, and the bot goes on answering everyone.

Each case is sent by (or on behalf of) an owner standing on the first question (office area,
a number) or, for files, on its evidence step; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.local import World
from sandbox.user import ScriptedUser
from storage.models import Answer, Evidence
from storage.models_inbox import InboxUpdate
from tests.e2e.conftest import make_jpeg

OWNER = "+989382413657"  # office 16598444
HUGE = 2**70
IGNORED = None  # no answer, on purpose


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[World, ScriptedUser], Any]  # async
    expect: str | None  # a piece of the Persian answer, or IGNORED
    # number | refused (a word was refused) | evidence | button (the answer is an alert)
    step: str = "number"


def raw(fields: dict[str, Any]) -> Callable[[World, ScriptedUser], Any]:
    async def send(world: World, user: ScriptedUser) -> None:
        await user.send_raw(fields)
    return send


def update(body: Callable[[ScriptedUser], dict[str, Any]]) -> Callable[..., Any]:
    """A whole update as given (any kind), with the next id of the queue."""
    async def send(world: World, user: ScriptedUser) -> None:
        bot = world.sandbox.bot(world.tokens["bale"])
        world.sandbox.inject_raw_update(world.tokens["bale"],
                                        {"update_id": bot.next_update_id, **body(user)})
    return send


def message(user: ScriptedUser, **fields: Any) -> dict[str, Any]:
    return {"message_id": 900, "date": 1761380000,
            "chat": {"id": user.user_id, "type": "private"},
            "from": {"id": user.user_id, "is_bot": False, "first_name": "مالک"}, **fields}


def named(**names: str) -> Callable[..., Any]:
    """A word for the number question, from the owner under odd names."""
    return update(lambda u: {"message": message(
        u, text="x", **{"from": {"id": u.user_id, "is_bot": False, **names}})})


def text(value: str) -> Callable[..., Any]:
    async def send(world: World, user: ScriptedUser) -> None:
        await user.send_text(value)
    return send


async def _edit(world: World, user: ScriptedUser) -> None:
    """The owner's refused «هشتاد» (sent by `_owner_on`), edited into a valid 85."""
    sent = [e for e in await user.transcript() if e.get("text") == "هشتاد"][-1]
    await user.edit_text(sent["message_id"], "85")


async def _forwarded_contact(world: World, user: ScriptedUser) -> None:
    await user.send_raw({"contact": {"phone_number": "+989171230001", "first_name": "دیگری",
                                     "user_id": 5555},
                         "forward_origin": {"type": "user", "date": 1761380000,
                                            "sender_user": {"id": 5555, "is_bot": False,
                                                            "first_name": "دیگری"}}})


def press(data: str) -> Callable[..., Any]:
    async def send(world: World, user: ScriptedUser) -> None:
        await user.press_callback(data)
    return send


async def _location(world: World, user: ScriptedUser) -> None:
    await user.send_location()


async def _sticker(world: World, user: ScriptedUser) -> None:
    await user.send_sticker()


async def _voice(world: World, user: ScriptedUser) -> None:
    await user.send_voice()


async def _photo_caption(size: int, world: World, user: ScriptedUser) -> None:
    await user.send_photo(make_jpeg(), caption="ت" * size)


CASES = [
    Case("user id above 64 bits", raw({"from": {"id": HUGE, "is_bot": False,
                                                "first_name": "x"}, "text": "85"}), IGNORED),
    Case("chat id above 64 bits", raw({"chat": {"id": HUGE, "type": "private"},
                                       "text": "85"}), IGNORED),
    Case("negative id below 64 bits", raw({"from": {"id": -HUGE, "is_bot": False,
                                                    "first_name": "x"}, "text": "85"}),
         IGNORED),
    Case("message id above 64 bits", raw({"message_id": HUGE, "text": "85"}), IGNORED),
    Case("contact user id above 64 bits",
         raw({"contact": {"phone_number": OWNER, "first_name": "x", "user_id": HUGE}}),
         IGNORED),
    Case("callback from a 200-bit id", update(lambda u: {"callback_query": {
        "id": "1", "data": "x", "chat_instance": "1",
        "from": {"id": 2**200, "is_bot": False, "first_name": "x"}}}), IGNORED),
    Case("nul inside a number", text("8\x005"), "عدد"),
    Case("only a nul", text("\x00"), "عدد"),
    Case("nul in the first name", named(first_name="\x00ali\x00"), "عدد"),
    Case("nul in a button's data", press("w:\x00:a"), "معتبر نیست", step="button"),
    Case("text at the limit", text("۸" * 4096), "رقم"),
    Case("text over the limit", text("۸" * 4097), "رقم"),
    Case("a 100 KB text", update(lambda u: {"message": message(u, text="۸" * 100_000)}),
         "رقم"),
    Case("caption at the limit", lambda w, u: _photo_caption(1024, w, u), "فایلی لازم نیست"),
    Case("caption over the limit", lambda w, u: _photo_caption(1025, w, u), "فایلی لازم نیست"),
    Case("a 100 KB caption", lambda w, u: _photo_caption(100_000, w, u), "فایلی لازم نیست"),
    Case("a 5000-character first name", named(first_name="ن" * 5000), "عدد"),
    Case("a 500-character username", named(first_name="x", username="u" * 500), "عدد"),
    Case("a 5000-character last name", named(first_name="x", last_name="ی" * 5000), "عدد"),
    Case("unknown update type", update(lambda u: {"poll": {"id": "1", "question": "?"}}),
         IGNORED),
    Case("an update with nothing", update(lambda u: {}), IGNORED),
    Case("a channel post", update(lambda u: {"channel_post": message(
        u, chat={"id": -100, "type": "channel", "title": "x"})}), IGNORED),
    Case("an edited answer", _edit, IGNORED, step="refused"),
    Case("an edited message of another kind", update(lambda u: {"edited_message": message(
        u, text="85", edit_date=1761380001)}), IGNORED),
    Case("someone's contact, forwarded", _forwarded_contact, "متعلق به حساب شما نیست"),
    Case("a sticker where a file is expected", _sticker, "پذیرفته نمی", step="evidence"),
    Case("a voice where a file is expected", _voice, "پذیرفته نمی", step="evidence"),
    Case("a location where a file is expected", _location, "پذیرفته نمی", step="evidence"),
    Case("a sticker for a number", _sticker, "برچسب"),
    Case("nested 40 deep", update(lambda u: {"message": message(
        u, text="85", extra=json.loads("[" * 40 + "]" * 40))}), IGNORED),
]


async def _state(world: World) -> tuple[Any, ...]:
    async with world.session() as session:
        answers = sorted((k, v) for k, v in (await session.execute(
            select(Answer.item_key, Answer.value_json))).all())
        files = (await session.scalars(select(Evidence.sha256).where(
            Evidence.removed_at.is_(None)))).all()
        failed = await session.scalar(select(func.count()).select_from(InboxUpdate).where(
            InboxUpdate.last_error.is_not(None)))
    return answers, sorted(files), failed


async def _said(user: ScriptedUser) -> list[str]:
    return [entry.get("text") or "" for entry in await user.transcript()
            if entry["direction"] == "out"]


async def _owner_on(world: World, step: str) -> ScriptedUser:
    owner = world.user("bale", 8870, "مالک", phone=OWNER)
    await owner.share_contact()
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("✍️ ادامهٔ خوداظهاری")
    await owner.wait_text("پرسش ۱")
    if step == "refused":  # a word where a number goes, refused
        await owner.send_text("هشتاد")
        await owner.wait_text("عدد نیست")
    if step == "evidence":  # the number question answered: its files are asked for
        await owner.send_text("85")
        await owner.wait_text("حداکثر")
    return owner


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_hostile_update(any_world: World, case: Case) -> None:
    world = any_world
    owner = await _owner_on(world, case.step)
    await asyncio.sleep(0.5)  # what follows the last answer (the question again) has come
    before = await _state(world)
    said = await _said(owner)
    await case.send(world, owner)
    if case.expect is IGNORED:
        await asyncio.sleep(1.0)
        assert await _said(owner) == said, "an ignored update is not answered"
    elif case.step == "button":
        answer = await owner.wait_callback_answer(timeout=10)
        assert case.expect in (answer.get("text") or "")
    else:
        shown = (await owner.wait_text(case.expect, timeout=10))["text"]
        assert case.expect in shown
    await asyncio.sleep(0.2)
    assert await _state(world) == before, "nothing saved may change"
    # The bot is alive, for this owner and for everyone else.
    await owner.send_command("/start")
    await owner.wait_text("مهلت خوداظهاری", timeout=10)
    other = world.user("telegram", 8871, "دیگری")
    await other.send_command("/start")
    await other.wait_message(timeout=10)


async def test_a_long_file_name_is_kept_short(any_world: World) -> None:
    """A document whose name no platform allows (300 characters) is stored under its end."""
    owner = await _owner_on(any_world, "evidence")
    await owner.send_document(make_jpeg(), "ن" * 300 + ".jpg")
    await owner.wait_text("فایل دریافت شد", timeout=10)
    async with any_world.session() as session:
        names = (await session.scalars(select(Evidence.filename))).all()
    assert names == ["ن" * 124 + ".jpg"]


WELCOME = "شماره"  # the first words to someone new ask them to share their number
STRANGERS = [
    ("nul in the first name", {"first_name": "\x00علی\x00"}),
    ("only a nul as the name", {"first_name": "\x00"}),
    ("a 5000-character first name", {"first_name": "ن" * 5000}),
    ("a 5000-character last name", {"first_name": "x", "last_name": "ی" * 5000}),
    ("a 500-character username", {"first_name": "x", "username": "u" * 500}),
    ("nul in the username", {"first_name": "x", "username": "a\x00b"}),
    ("right-to-left override in the name", {"first_name": "\u202eعلی"}),
    ("an empty name", {"first_name": ""}),
]


@pytest.mark.parametrize("names", [names for _, names in STRANGERS],
                         ids=[name for name, _ in STRANGERS])
async def test_someone_new_with_an_odd_name_is_welcomed(any_world: World,
                                                        names: dict[str, str]) -> None:
    """A person the bot has never seen: their name is stored (on PostgreSQL a NUL byte or a
    name longer than the column was a database error, and no answer)."""
    person = any_world.user("bale", 8880, "x")
    await person.send_raw({"from": {"id": 8880, "is_bot": False, **names}, "text": "/start"})
    assert WELCOME in (await person.wait_text(WELCOME, timeout=10))["text"]
    async with any_world.session() as session:
        failed = await session.scalar(select(func.count()).select_from(InboxUpdate).where(
            InboxUpdate.last_error.is_not(None)))
    assert failed == 0
