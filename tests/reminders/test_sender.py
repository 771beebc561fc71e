"""The outbox sender against the sandbox: what each platform answer does to a row and to the
people behind it, and the pace it keeps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import delete, select, update

from delivery.outbox import OutboxSender, build_method
from delivery.platforms import PlatformBot
from demo.local import World, local_world
from storage.models import Account, AccountOffice, Outbox
from storage.outbox import enqueue, enqueue_to_account
from storage.reach import unreachable_offices
from storage.reminders import plan_owner_reminders
from tests.reminders.helpers import bot_messages, link_owner

# One world for the module (starting one costs a second); each test starts from an empty outbox,
# no accounts, no faults and no ceiling, and uses chat ids of its own.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with local_world(tmp_path_factory.mktemp("sender"), polling=False) as w:
        yield w


@pytest_asyncio.fixture(loop_scope="module")
async def world(shared: World) -> World:
    async with shared.session() as session:
        for table in (Outbox, AccountOffice, Account):
            await session.execute(delete(table))
        await session.commit()
    for token in shared.tokens.values():
        shared.sandbox.clear_faults(token)
        shared.sandbox.set_rate_limit(token, None)
    return shared


async def put(w: World, platform: str, chat_id: int, text: str = "سلام", **kw: object) -> None:
    async with w.session() as session:
        await enqueue(session, platform=platform, chat_id=chat_id, text=text, kind="test", **kw)
        await session.commit()


async def rows(w: World) -> list[Outbox]:
    async with w.session() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def due_now(w: World) -> None:
    """Skip the backoff wait (the delay it chose is checked before calling this)."""
    async with w.session() as session:
        await session.execute(update(Outbox).where(Outbox.status == "queued")
                              .values(not_before=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()


def sender(w: World, **kw: object) -> OutboxSender:
    return OutboxSender.from_app(w.app, **kw)


def delay(row: Outbox) -> float:
    return (row.not_before - datetime.now(UTC)).total_seconds()


async def test_429_with_retry_after_waits_that_long_and_delivers_once(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["telegram"], 11)
    w.sandbox.set_fault(w.tokens["telegram"], "sendMessage", "429", times=1, retry_after=1)
    await put(w, "telegram", 11)
    s = sender(w)
    assert await s.drain_once() == 0
    [row] = await rows(w)
    assert (row.status, row.attempts) == ("queued", 1)
    assert 0.5 < delay(row) <= 1.05 and "Too Many Requests" in row.last_error
    assert s.stats["telegram"]["too_many"] == 1
    await asyncio.sleep(max(0.0, delay(row)) + 0.05)
    assert await s.drain_once() == 1
    [row] = await rows(w)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert row.sent_at is not None
    assert len(w.sandbox.transcript(w.tokens["telegram"], 11)) == 1


async def test_bale_429_without_retry_after_backs_off_exponentially(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["bale"], 12)
    w.sandbox.set_fault(w.tokens["bale"], "sendMessage", "429_no_retry", times=3)
    await put(w, "bale", 12)
    s = sender(w)
    delays = []
    for _ in range(3):
        assert await s.drain_once() == 0
        [row] = await rows(w)
        assert row.last_error == "bot limit exceed"
        delays.append(delay(row))
        await due_now(w)
    assert await s.drain_once() == 1
    assert delays[0] < delays[1] < delays[2] and 0.3 < delays[0] < 0.7, delays
    [row] = await rows(w)
    assert (row.status, row.attempts) == ("sent", 4)
    assert len(w.sandbox.transcript(w.tokens["bale"], 12)) == 1


async def test_server_errors_are_retried_then_given_up(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["telegram"], 13)
    w.sandbox.add_user(w.tokens["telegram"], 14)
    w.sandbox.set_fault(w.tokens["telegram"], "sendMessage", "500", chat_id=13, times=1)
    w.sandbox.set_fault(w.tokens["telegram"], "sendMessage", "500", chat_id=14, times=None)
    await put(w, "telegram", 13)
    await put(w, "telegram", 14)
    s = sender(w, max_attempts=3)
    assert await s.drain_once() == 0
    first = [delay(r) for r in await rows(w)]
    assert all(0.7 < d < 1.3 for d in first), first
    await due_now(w)
    assert await s.drain_once() == 1  # chat 13's second attempt
    second = [delay(r) for r in await rows(w) if r.status == "queued"]
    assert all(1.5 < d < 2.5 for d in second), second  # doubled
    await due_now(w)
    assert await s.drain_once() == 0
    by_chat = {r.chat_id: r for r in await rows(w)}
    assert by_chat[13].status == "sent"
    assert by_chat[14].status == "failed" and "gave up after 3 attempts" in by_chat[14].last_error
    assert w.sandbox.sent_count(w.tokens["telegram"], 14) == 0


async def test_blocked_user_makes_the_account_unreachable(world: World) -> None:
    w = world
    owner = await link_owner(w, "16598444", "telegram", 21)
    other = await link_owner(w, "16598445", "bale", 22)
    w.sandbox.block(w.tokens["telegram"], 21)
    async with w.session() as session:
        for who in (owner, other):
            account = await session.get(Account, who.account_id)
            assert account is not None
            await enqueue_to_account(session, account, "remind-complete", kind="test")
        await session.commit()
    assert await sender(w).drain_once() == 1
    statuses = {r.chat_id: (r.status, r.attempts) for r in await rows(w)}
    assert statuses == {21: ("unreachable", 1), 22: ("sent", 1)}
    async with w.session() as session:
        blocked = await session.get(Account, owner.account_id)
        assert blocked is not None and blocked.unreachable_at is not None
        offices, unlinked = await unreachable_offices(session)
        assert [o.code for o in offices] == ["16598444"]
        assert offices[0].accounts == ("telegram:21",)
        assert unlinked == 8
        # the next reminder skips the account instead of wasting a send on it
        from storage.models import Period

        period = await session.scalar(select(Period))
        plan = await plan_owner_reminders(session, period, w.clock.now())
        assert plan.unreachable == 1
        assert [m.chat_id for m in plan.messages] == [22]


async def test_a_chat_that_never_started_is_unreachable(world: World) -> None:
    w = world
    await put(w, "bale", 987654)  # no such chat in the sandbox: "chat not found"
    assert await sender(w).drain_once() == 0
    [row] = await rows(w)
    assert row.status == "unreachable" and "chat not found" in row.last_error


async def test_a_refused_request_fails_without_retry(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["telegram"], 15)
    # (a text over 4,096 characters is no longer refused: the sender splits it)
    markup = {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]}
    await put(w, "telegram", 15, "x", reply_markup=markup)
    assert await sender(w).drain_once() == 0
    [row] = await rows(w)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "BUTTON_DATA_INVALID" in row.last_error


async def test_a_bad_bale_token_blames_the_bot_not_the_user(world: World) -> None:
    w = world
    owner = await link_owner(w, "16598444", "bale", 23)
    await put(w, "bale", 23, account_id=owner.account_id)
    bot = PlatformBot("bale", "12345:wrong", w.sandbox.api_base("bale"))
    try:
        s = OutboxSender(w.app.sessionmaker, [bot], w.settings, w.clock)
        assert await s.drain_once() == 0
    finally:
        await bot.session.close()
    [row] = await rows(w)
    assert (row.status, row.attempts) == ("queued", 0)  # the attempt does not count
    assert delay(row) > 50 and "Token not found" in row.last_error
    async with w.session() as session:
        account = await session.get(Account, owner.account_id)
        assert account is not None and account.unreachable_at is None


async def test_a_hung_request_times_out_and_is_retried(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["telegram"], 16)
    w.sandbox.set_fault(w.tokens["telegram"], "sendMessage", "hang", times=1)
    await put(w, "telegram", 16)
    s = sender(w, request_timeout=1)
    assert await s.drain_once() == 0
    [row] = await rows(w)
    assert row.status == "queued" and row.attempts == 1
    await due_now(w)
    assert await s.drain_once() == 1
    assert len(w.sandbox.transcript(w.tokens["telegram"], 16)) == 1


async def test_the_pace_stays_under_the_platform_ceiling(world: World) -> None:
    w = world
    token = w.tokens["telegram"]
    w.sandbox.add_users(token, range(100, 180))
    w.sandbox.set_rate_limit(token, 50)
    for chat in range(100, 180):
        await put(w, "telegram", chat)
    s = OutboxSender(w.app.sessionmaker, w.app.bots,
                     w.settings.model_copy(update={"telegram_rate": 50}), w.clock)
    started = time.perf_counter()
    assert await s.drain_once() == 80
    elapsed = time.perf_counter() - started
    assert elapsed >= (80 - 10) / 50 - 0.05, elapsed  # 50 a second after a burst of 10
    assert elapsed < 3.0, elapsed
    assert w.sandbox.info(token)["rate_limited"] == 0
    assert all(w.sandbox.sent_count(token, chat) == 1 for chat in range(100, 180))


async def test_a_ceiling_lower_than_configured_slows_the_sender_down(world: World) -> None:
    w = world
    token = w.tokens["telegram"]
    w.sandbox.add_users(token, range(200, 260))
    w.sandbox.set_rate_limit(token, 20)
    for chat in range(200, 260):
        await put(w, "telegram", chat)
    s = OutboxSender(w.app.sessionmaker, w.app.bots,
                     w.settings.model_copy(update={"telegram_rate": 200}), w.clock)
    sent = 0
    deadline = time.monotonic() + 20
    while sent < 60 and time.monotonic() < deadline:
        sent += await s.drain_once()
        await asyncio.sleep(0.2)
    assert sent == 60
    assert s.stats["telegram"]["too_many"] > 0
    assert s.lanes["telegram"].limiter.current < 200
    assert all(w.sandbox.sent_count(token, chat) == 1 for chat in range(200, 260))


async def test_one_chat_receives_its_messages_in_order(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["bale"], 17)
    for n in range(1, 7):
        await put(w, "bale", 17, f"پیام {n}")
    assert await sender(w).drain_once() == 6
    texts = [e["text"] for e in w.sandbox.transcript(w.tokens["bale"], 17)]
    assert texts == [f"پیام {n}" for n in range(1, 7)]


async def test_buttons_reach_the_user(world: World) -> None:
    w = world
    owner = await link_owner(w, "16598444", "telegram", 18)
    markup = {"inline_keyboard": [[{"text": "ادامه", "callback_data": "w:resume"}]]}
    await put(w, "telegram", 18, "<b>یادآوری</b>", reply_markup=markup,
              account_id=owner.account_id)
    assert await sender(w).drain_once() == 1
    [message] = bot_messages(w, owner)
    assert message["text"] == "یادآوری" and message["parse_mode"] == "HTML"
    assert message["reply_markup"] == markup


async def test_payloads_name_their_method() -> None:
    message = build_method(5, {"text": "hi", "expires_at": "2030-01-01T00:00:00+00:00"})
    assert type(message).__name__ == "SendMessage" and message.text == "hi"
    document = build_method(5, {"method": "sendDocument", "file_id": "F1", "text": "lease"})
    assert type(document).__name__ == "SendDocument"
    assert (document.document, document.caption, document.chat_id) == ("F1", "lease", 5)
    with pytest.raises(ValueError, match="unknown method"):
        build_method(5, {"method": "dropDatabase"})
    with pytest.raises(ValueError, match="takes no file"):
        build_method(5, {"text": "x", "file_id": "F1"})
