"""The inbox: an update is kept before it is acknowledged, handled once, in order per person,
retried when its handling fails (the person told to try again), then parked for hq; on
SQLite and PostgreSQL, two at once on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Update
from sqlalchemy import func, select

from delivery import inbox as delivery_inbox
from delivery.inbox import InboxWorker, keep
from services import inbox as inbox_service
from services.errors import NotFound
from storage import inbox
from storage.inbox import Incoming
from storage.models import AuditLog
from storage.models_inbox import InboxUpdate
from tests.handlers.conftest import Harness, make_harness, texts

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)
WELCOME = "خوش آمدید"


@pytest.fixture
async def harness(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_harness(db_url, tmp_path) as made:
        yield made


def start_update(update_id: int, user_id: int, text: str = "/start") -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] \
        if text.startswith("/") else None
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(NOW.timestamp()), "text": text,
        "entities": entities, "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "زهرا"}}}


def parsed(harness: Harness, raw: dict[str, Any], platform: str = "bale") -> Update:
    return Update.model_validate(raw, context={"bot": harness.bots[platform]})


def worker(harness: Harness, **options: Any) -> InboxWorker:
    return InboxWorker(harness.dispatcher, harness.sessionmaker, list(harness.bots.values()),
                       harness.clock, **options)


async def rows(harness: Harness) -> list[InboxUpdate]:
    async with harness.sessionmaker() as session:
        return list((await session.scalars(select(InboxUpdate).order_by(InboxUpdate.id))).all())


async def drain(harness: Harness, work: InboxWorker) -> None:
    """Handle everything due now, as the running worker would."""
    while True:
        async with harness.sessionmaker() as session:
            now = harness.clock.now()
            taken = await inbox.take(session, now, now + timedelta(seconds=30), 10)
            await session.commit()
        if not taken:
            return
        await asyncio.gather(*(work.handle(row) for row in taken))


async def test_a_replayed_update_is_kept_once_and_answered_once(harness: Harness) -> None:
    bot = harness.bots["bale"]
    update = parsed(harness, start_update(501, 7001))
    assert await keep(harness.sessionmaker, bot, [update], harness.clock.now()) == 1
    # The platform delivers it again (a restart before the offset was confirmed, a replay).
    assert await keep(harness.sessionmaker, bot, [update], harness.clock.now()) == 0
    await drain(harness, worker(harness))
    assert await keep(harness.sessionmaker, bot, [update], harness.clock.now()) == 0
    await drain(harness, worker(harness))
    welcomes = [t for t in texts(harness.sessions["bale"].calls) if WELCOME in t]
    assert len(welcomes) == 1, welcomes
    assert [r.state for r in await rows(harness)] == ["done"]


@pytest.mark.postgres
async def test_two_workers_receiving_one_update_handle_it_once(postgres_url: str,
                                                               tmp_path: Path) -> None:
    async with make_harness(postgres_url, tmp_path) as harness:
        await _two_workers(harness)


async def _two_workers(harness: Harness) -> None:
    bot = harness.bots["telegram"]
    update = parsed(harness, start_update(502, 7002), "telegram")
    added = await asyncio.gather(*(keep(harness.sessionmaker, bot, [update],
                                        harness.clock.now()) for _ in range(2)))
    assert sorted(added) == [0, 1]
    first, second = worker(harness), worker(harness)

    async def take_and_handle(work: InboxWorker) -> int:
        async with harness.sessionmaker() as session:
            now = harness.clock.now()
            taken = await inbox.take(session, now, now + timedelta(seconds=30), 10)
            await session.commit()
        for row in taken:
            await work.handle(row)
        return len(taken)

    assert sorted(await asyncio.gather(take_and_handle(first), take_and_handle(second))) \
        == [0, 1]
    assert len([t for t in texts(harness.sessions["telegram"].calls) if WELCOME in t]) == 1


async def test_one_persons_updates_are_taken_in_order(harness: Harness) -> None:
    async with harness.sessionmaker() as session:
        await inbox.store(session, "bale", 1, [Incoming(10, 1, "{}"), Incoming(11, 1, "{}"),
                                               Incoming(12, 2, "{}")], NOW)
        await session.commit()
        first = await inbox.take(session, NOW, NOW + timedelta(seconds=30), 10)
        await session.commit()
        assert [t.update_id for t in first] == [10, 12]  # 11 waits for 10, same chat
        assert await inbox.take(session, NOW, NOW + timedelta(seconds=30), 10) == []
        await inbox.finish(session, first[0].id, NOW)  # its change committed, no answer yet
        await session.commit()
        assert await inbox.take(session, NOW, NOW + timedelta(seconds=30), 10) == []
        await inbox.answered(session, first[0].id, NOW)
        await session.commit()
        assert [t.update_id for t in await inbox.take(
            session, NOW, NOW + timedelta(seconds=30), 10)] == [11]


async def test_an_update_done_but_not_answered_is_taken_again_after_its_lease(
        harness: Harness) -> None:
    """Killed between the use case's commit and the reply: once the lease runs out the update
    is handled again (to answer the person); once answered, never again."""
    async with harness.sessionmaker() as session:
        await inbox.store(session, "bale", 1, [Incoming(30, 6, "{}")], NOW)
        await session.commit()
        [taken] = await inbox.take(session, NOW, NOW + timedelta(seconds=30), 10)
        assert await inbox.finish(session, taken.id, NOW)
        await session.commit()
        assert await inbox.take(session, NOW + timedelta(seconds=10),
                                NOW + timedelta(seconds=40), 10) == []  # still leased
        [again] = await inbox.take(session, NOW + timedelta(seconds=31),
                                   NOW + timedelta(seconds=61), 10)
        assert (again.update_id, again.attempts) == (30, 2)
        assert not await inbox.finish(session, again.id, NOW)  # the change is not marked twice
        assert await inbox.answered(session, again.id, NOW + timedelta(seconds=32))
        await session.commit()
        assert await inbox.take(session, NOW + timedelta(minutes=5),
                                NOW + timedelta(minutes=6), 10) == []
    [row] = await rows(harness)
    assert (row.state, row.done_at) == ("done", NOW)


async def test_a_lease_that_ran_out_is_taken_again(harness: Harness) -> None:
    """A worker killed while handling: after its lease, another takes the update."""
    async with harness.sessionmaker() as session:
        await inbox.store(session, "bale", 1, [Incoming(20, 3, "{}")], NOW)
        await session.commit()
        assert len(await inbox.take(session, NOW, NOW + timedelta(seconds=30), 10)) == 1
        await session.commit()
        assert await inbox.take(session, NOW + timedelta(seconds=10),
                                NOW + timedelta(seconds=40), 10) == []
        again = await inbox.take(session, NOW + timedelta(seconds=31),
                                 NOW + timedelta(seconds=61), 10)
        assert [t.attempts for t in again] == [2]


async def test_a_failing_update_is_answered_retried_then_parked_and_hq_told(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(0), timedelta(0)))

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("services.accounts.identify", broken)
    monkeypatch.setattr("bot.middlewares.identify", broken)
    parked: list[tuple[int, str]] = []

    async def on_parked(row: Any, error: BaseException | None) -> None:
        parked.append((row.update_id, type(error).__name__))

    bot = harness.bots["bale"]
    await keep(harness.sessionmaker, bot, [parsed(harness, start_update(601, 7003))],
               harness.clock.now())
    await drain(harness, worker(harness, on_parked=on_parked))
    answers = texts(harness.sessions["bale"].calls)
    assert len(answers) == 3  # each attempt answered: never silence
    assert all("یک دقیقهٔ دیگر دوباره تلاش کنید" in a for a in answers)
    [row] = await rows(harness)
    assert (row.state, row.attempts) == ("parked", 3)
    assert parked == [(601, "OSError")]
    # the operator puts it back after fixing the disk: it is handled
    monkeypatch.undo()
    await inbox_service.retry(harness.uow(), row.id, harness.clock.now())
    await drain(harness, worker(harness))
    assert [r.state for r in await rows(harness)] == ["done"]
    assert "یک دقیقهٔ دیگر" not in texts(harness.sessions["bale"].calls)[-1]
    with pytest.raises(NotFound):
        await inbox_service.drop(harness.uow(), row.id, harness.clock.now())


async def test_a_failing_button_is_acknowledged(harness: Harness,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise TimeoutError

    monkeypatch.setattr("bot.middlewares.identify", broken)
    chat = harness.chat("telegram", 7004)
    calls = await chat.press("menu:main")
    answers = [c for c in calls if type(c).__name__ == "AnswerCallbackQuery"]
    assert len(answers) == 1 and "دوباره تلاش کنید" in (answers[0].text or "")


async def test_hq_is_told_once_when_an_update_is_parked(harness: Harness) -> None:
    from services import staff
    from services.accounts import identify

    await identify(harness.uow(), "bale", 7005, "ستاد")
    await staff.add_staff(harness.uow(), platform="bale", user_id=7005, role="hq")
    async with harness.sessionmaker() as session:
        await inbox.store(session, "bale", 1, [Incoming(30, 9, "{}")], NOW)
        await session.commit()
    [row] = await rows(harness)
    for _ in range(2):
        await inbox_service.report_parked(harness.uow(), row.id, "bale", 30, "OSError")
    async with harness.sessionmaker() as session:
        from storage.models import Outbox

        notices = await session.scalar(select(func.count()).select_from(Outbox))
        audits = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "inbox.park"))
    assert notices == 1
    assert audits == 2


async def test_old_handled_updates_are_pruned(harness: Harness) -> None:
    async with harness.sessionmaker() as session:
        await inbox.store(session, "bale", 1, [Incoming(40, 4, "{}"), Incoming(41, 5, "{}")],
                          NOW)
        await session.commit()
        taken = await inbox.take(session, NOW, NOW + timedelta(seconds=30), 10)
        await inbox.answered(session, taken[0].id, NOW)
        await inbox.finish(session, taken[1].id, NOW)  # replying: kept until answered
        await session.commit()
    removed = await inbox_service.prune(harness.uow(), NOW + timedelta(days=8))
    assert removed == 1
    assert [r.update_id for r in await rows(harness)] == [41]


async def test_an_update_failing_after_it_was_read_is_not_done(
        harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading who wrote commits nothing of the update: only its use case marks it done, so
    a failure in the handler leaves the update to be tried again."""
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionResetError

    monkeypatch.setattr("services.linking.own_offices", broken)
    bot = harness.bots["bale"]
    press = {"update_id": 701, "callback_query": {
        "id": "701", "from": {"id": 7006, "is_bot": False, "first_name": "زهرا"},
        "chat_instance": "1", "data": "menu:offices",
        "message": {"message_id": 1, "date": int(NOW.timestamp()), "text": "…",
                    "chat": {"id": 7006, "type": "private"},
                    "from": {"id": 1, "is_bot": True, "first_name": "bot"}}}}
    await keep(harness.sessionmaker, bot, [parsed(harness, press)], harness.clock.now())
    async with harness.sessionmaker() as session:
        now = harness.clock.now()
        [row] = await inbox.take(session, now, now + timedelta(seconds=30), 10)
        await session.commit()
    await worker(harness).handle(row)
    [kept] = await rows(harness)
    assert (kept.state, kept.attempts) == ("new", 1)
    assert kept.due_at > harness.clock.now()  # tried again later
