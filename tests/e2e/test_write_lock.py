"""Another process holding SQLite's write lock (a backup, an administrator's shell) neither
freezes the bot nor loses an update: the bot's loop keeps running, and the update is kept and
answered, once, as soon as the lock is released."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

from demo.local import World

WELCOME = "خوش آمدید"
HOLD = 3.0


def hold_write_lock(path: str, seconds: float, taken: threading.Event) -> None:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        connection.execute("COMMIT")
    finally:
        connection.close()


async def test_a_held_write_lock_delays_but_neither_freezes_nor_loses(world: World) -> None:
    path = world.settings.database_url.split("///", 1)[1]
    user = world.user("telegram", 9600, "کاربر")
    taken = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(path, HOLD, taken))
    holder.start()
    assert await asyncio.to_thread(taken.wait, 5)
    started = time.monotonic()
    await user.send_command("/start")
    # The loop is not frozen while the bot waits for the lock: ticks keep their pace.
    worst = 0.0
    while holder.is_alive():
        before = time.monotonic()
        await asyncio.sleep(0.05)
        worst = max(worst, time.monotonic() - before - 0.05)
    assert worst < 0.5, f"the event loop stalled {worst:.2f} s while the lock was held"
    welcome, _ = await user.wait_messages(2, timeout=20)
    assert WELCOME in welcome["text"]
    assert time.monotonic() - started >= HOLD - 0.5  # answered after the release, not before
    await asyncio.sleep(0.5)
    welcomes = [e for e in await user.transcript()
                if e["direction"] == "out" and WELCOME in (e.get("text") or "")]
    assert len(welcomes) == 1


async def test_a_lock_held_past_the_busy_timeout_loses_no_one(world: World) -> None:
    """Held longer than SQLite's busy timeout (10 s), where the bot once dropped the blocked
    update: two people writing meanwhile are both kept (the poller tries again rather than
    confirm what it could not store) and each answered once after the release."""
    path = world.settings.database_url.split("///", 1)[1]
    people = [world.user("telegram", 9610, "کاربر"), world.user("bale", 9611, "کاربر")]
    taken = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(path, 11.0, taken))
    holder.start()
    assert await asyncio.to_thread(taken.wait, 5)
    for person in people:
        await person.send_command("/start")
    await asyncio.to_thread(holder.join, 20)
    for person in people:
        await person.wait_text(WELCOME, timeout=20)
    await asyncio.sleep(0.5)
    for person in people:
        welcomes = [e for e in await person.transcript()
                    if e["direction"] == "out" and WELCOME in (e.get("text") or "")]
        assert len(welcomes) == 1


async def test_while_the_lock_is_held_readers_are_answered_and_the_writer_after(
        world: World) -> None:
    """Issue 18, item 5: while another process holds the write lock for several seconds, a
    linked owner asking for their menu (a read) is answered within a short bound, and someone
    whose update must write (a first /start creates the account) waits in the inbox and is
    answered once, after the release."""
    path = world.settings.database_url.split("///", 1)[1]
    owner = world.user("bale", 9620, "زهرا", phone="+989382413657")
    await owner.send_command("/start")
    await owner.wait_text("شمارهٔ همراه")
    await owner.press("📱 ارسال شمارهٔ همراه من")
    await owner.wait_text("مهلت خوداظهاری")
    newcomer = world.user("bale", 9621, "کاربر")
    taken = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(path, 6.0, taken))
    holder.start()
    assert await asyncio.to_thread(taken.wait, 5)
    held = time.monotonic()
    await newcomer.send_command("/start")
    await asyncio.sleep(0.2)  # the writer first: the reader must not queue behind it
    for _ in range(2):
        asked = time.monotonic()
        await owner.send_command("/start")
        await owner.wait_text("مهلت خوداظهاری", timeout=10)
        waited = time.monotonic() - asked
        assert waited < 2.0, f"a reader waited {waited:.1f} s while the lock was held"
    assert holder.is_alive(), "the lock must still be held when the reader is answered"
    await newcomer.wait_text(WELCOME, timeout=20)
    assert time.monotonic() - held >= 6.0 - 0.5  # answered after the release
    await asyncio.to_thread(holder.join, 5)
    await asyncio.sleep(0.5)
    welcomes = [e for e in await newcomer.transcript()
                if e["direction"] == "out" and WELCOME in (e.get("text") or "")]
    assert len(welcomes) == 1
