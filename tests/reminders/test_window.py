"""A whole window in time travel, through the sandbox: every milestone reaches every owner who has
not submitted exactly once, submitted offices hear nothing, a restart loses nothing, downtime
sends only the latest reminder, and at the close drafts are told what counts for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import application
from bot.scheduler import background
from demo.local import World, local_world, open_period
from scoring import milestones as ms
from scoring.calendar import window
from services.send_hours import DAYTIME
from storage.models import Outbox, Period, Result
from storage.models_reminders import ReminderSweep
from tests.reminders.helpers import Owner, at, bot_messages, link_owner, set_declaration, wait_for

OPENS, CLOSES = window("1405/07/12", "1405/07/22")  # 4 Oct 2026 00:00 – 15 Oct 2026 00:00 Tehran
PLAN = ms.schedule(OPENS, CLOSES)


def day(instant: datetime, seconds: float = 1) -> datetime:
    """When a reminder due at `instant` goes out: reminders are sent 09:00–21:00 Tehran only,
    so one due at midnight goes at 09:00 that morning."""
    return DAYTIME.next_allowed(at(instant, seconds))


def delivered(plan: list[ms.Scheduled]) -> list[ms.Scheduled]:
    """The milestones people receive: of two that come due in the same night (the «1 day left»
    at midnight of the last day, the last-day reminder at 09:00), the later one."""
    out: list[ms.Scheduled] = []
    for item in plan:
        if out and DAYTIME.next_allowed(out[-1].due_at) == DAYTIME.next_allowed(item.due_at):
            out[-1] = item
        else:
            out.append(item)
    return out


SENT = delivered(PLAN)
FAST = {"sweep_interval": 0.05, "poll_interval": 0.05}
HEADS_FA = {  # what the first line says at each milestone (sent at 09:00: whole days left)
    "opened": "پنجرهٔ خوداظهاری ششماهه باز شد",
    "d7": "۶ روز تا پایان مهلت",
    "d3": "۲ روز تا پایان مهلت",
    "d1": "۱ روز تا پایان مهلت",
    "last_day": "امروز، ۲۲ مهر ۱۴۰۵، آخرین روز مهلت خوداظهاری است",
    "h3": "تنها ۳ ساعت تا پایان مهلت",
}


class Cast:
    """Owners of the demo offices: who should hear what."""

    def __init__(self, world: World, period_id: int) -> None:
        self.world = world
        self.period_id = period_id
        self.reminded: list[Owner] = []
        self.silent: list[Owner] = []
        self.draft: Owner | None = None
        self.carried: Owner | None = None

    async def build(self) -> None:
        w = self.world
        sari = await link_owner(w, "16598444", "telegram", 501)
        babol = await link_owner(w, "16598445", "bale", 502)
        # one licence holder of two offices: one reminder per office
        amol = await link_owner(w, "16598446", "bale", 502)
        rural = await link_owner(w, "22201372", "telegram", 504, locale="en")
        shiraz = await link_owner(w, "71100001", "bale", 505)
        shiraz_partner = await link_owner(w, "71100001", "telegram", 506)
        bushehr = await link_owner(w, "71100002", "telegram", 507)  # submitted
        dashtak = await link_owner(w, "71100003", "bale", 508)  # confirmed already
        kerman = await link_owner(w, "81100001", "telegram", 509)  # returned: was submitted
        await set_declaration(w, bushehr.office_id, self.period_id, "submitted")
        await set_declaration(w, dashtak.office_id, self.period_id, "confirmed")
        await set_declaration(w, kerman.office_id, self.period_id, "returned")
        # a draft with two answers: the area still needs its document
        await set_declaration(w, sari.office_id, self.period_id, "draft",
                              {"area": 85, "step_free": True})
        # Shiraz had a confirmed declaration in the previous period: it will be carried forward
        earlier = await open_period(w.app, "1404-H2", OPENS - timedelta(days=200),
                                    OPENS - timedelta(days=170))
        await set_declaration(w, shiraz.office_id, earlier.id, "confirmed", {"area": 50})
        await set_declaration(w, shiraz.office_id, self.period_id, "draft")
        self.reminded = [sari, babol, amol, rural, shiraz, shiraz_partner]
        self.silent = [bushehr, dashtak, kerman]
        self.draft, self.carried = sari, shiraz

    def count(self, owner: Owner) -> int:
        return len(bot_messages(self.world, owner))

    def expected(self, owner: Owner, per_office: int) -> int:
        offices = sum(1 for o in self.reminded if o.platform == owner.platform
                      and o.user_id == owner.user_id)
        return per_office * offices

    def total(self, owner: Owner) -> int:
        """Every reminder, and a close message for each office that had only a draft."""
        drafts = {self.draft.office_id, self.carried.office_id} if self.draft and self.carried \
            else set()
        closing = sum(1 for o in self.reminded if o.platform == owner.platform
                      and o.user_id == owner.user_id and o.office_id in drafts)
        return self.expected(owner, len(SENT)) + closing

    async def wait_reminders(self, n: int) -> None:
        await wait_for(lambda: all(self.count(o) >= self.expected(o, n) for o in self.reminded),
                       what=f"{n} reminders per office")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[World, Period]]:
    async with local_world(tmp_path, period_days=None, now=OPENS - timedelta(hours=2),
                           polling=False) as w:
        period = await open_period(w.app, "1405-H1", OPENS, CLOSES)
        yield w, period


async def test_a_whole_window(world: tuple[World, Period]) -> None:
    w, period = world
    cast = Cast(w, period.id)
    await cast.build()

    async with background(w.app, **FAST):
        await w.app.services["sweeper"].run()
        assert all(cast.count(o) == 0 for o in cast.reminded), "nothing before the opening"
        w.clock.set(at(OPENS))  # midnight: the opening's reminder waits for the morning
        await w.app.services["sweeper"].run()
        async with w.session() as session:
            queued = (await session.scalars(select(Outbox.dedup_key))).all()
        assert queued == [] and all(cast.count(o) == 0 for o in cast.reminded), \
            f"nothing at night: {queued}"
        for n, item in enumerate(SENT[:2], start=1):
            w.clock.set(day(item.due_at))
            await cast.wait_reminders(n)

    # a restart between milestones: a new process on the same database and sandbox
    w.clock.set(day(SENT[2].due_at))
    async with application(w.settings, w.clock) as app2, background(app2, **FAST):
        await cast.wait_reminders(3)
        for n, item in enumerate(SENT[3:], start=4):
            w.clock.set(day(item.due_at))
            await cast.wait_reminders(n)
        # the close: drafts are told what counts for them; nobody gets another reminder
        w.clock.set(at(CLOSES))
        await wait_for(lambda: all(cast.count(o) == cast.total(o) for o in cast.reminded),
                       what="the close messages")
        await w.app.services["sweeper"].run()
        await w.app.services["outbox"].drain_once()

    # every office's owners got every milestone exactly once, in order, and submitted ones none
    assert cast.draft is not None and cast.carried is not None
    for owner in cast.reminded:
        texts = [m["text"] for m in bot_messages(w, owner)]
        assert len(texts) == cast.total(owner), (owner, texts)
        reminders = [t for t in texts if "مهلت خوداظهاری دفتر" not in t
                     and "closed at the end" not in t]
        assert len(reminders) == cast.expected(owner, len(SENT)), (owner, texts)
        if owner.user_id == 504:  # English
            assert "window is open" in reminders[0]
            assert "2 days left" in reminders[2]
            assert "3 hours left" in reminders[-1]
            continue
        step = cast.expected(owner, 1)
        for index, item in enumerate(SENT):
            for text in reminders[index * step:(index + 1) * step]:
                assert HEADS_FA[item.key] in text, (item.key, text)
                assert "22" not in text and "1405" not in text, "Persian digits only"
    for owner in cast.silent:
        assert cast.count(owner) == 0, bot_messages(w, owner)

    # what the draft owner was told: what is missing, and a button that resumes the wizard
    draft_texts = [m for m in bot_messages(w, cast.draft)]
    first = draft_texts[0]
    assert "مساحت مفید دفتر (مستندات)" in first["text"]
    assert "دسترسی بدون پله" not in first["text"]  # answered already
    # the button names the office, so a holder of several offices resumes the right one
    assert first["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith(
        "w:resume:")
    not_started = bot_messages(w, cast.reminded[1])[0]
    assert "هنوز خوداظهاری این دفتر را شروع نکرده" in not_started["text"]
    assert not_started["reply_markup"]["inline_keyboard"][0][0]["text"] == "شروع خوداظهاری"
    assert "*یادآوری:*" in bot_messages(w, cast.reminded[1])[2]["raw_text"]  # Bale: Markdown

    assert "حداقل امتیاز و رتبهٔ ۳" in draft_texts[-1]["text"]
    assert "ملاک ارزیابی" in bot_messages(w, cast.carried)[-1]["text"]
    partner = cast.reminded[5]
    assert "ملاک ارزیابی" in bot_messages(w, partner)[-1]["text"]

    async with w.session() as session:
        closed = await session.get(Period, period.id, populate_existing=True)
        assert closed is not None and closed.closed_at is not None
        sweeps = (await session.scalars(select(ReminderSweep.milestone).where(
            ReminderSweep.period_id == period.id, ReminderSweep.kind == "owners")
            .order_by(ReminderSweep.due_at))).all()
        assert list(sweeps) == [item.key for item in SENT]
        statuses = set((await session.scalars(select(Outbox.status))).all())
        assert statuses == {"sent"}
        # the close ranked the period: a draft counts as nothing, so carry-forward or minimum
        sources = dict((await session.execute(
            select(Result.office_id, Result.source).where(Result.period_id == period.id))).all())
        assert sources[cast.draft.office_id] == "minimum"
        assert sources[cast.carried.office_id] == "carried_forward"


async def test_downtime_over_two_milestones_sends_only_the_later(
        world: tuple[World, Period]) -> None:
    w, period = world
    owner = await link_owner(w, "16598444", "telegram", 601)
    async with background(w.app, **FAST):
        w.clock.set(day(OPENS))
        await wait_for(lambda: len(bot_messages(w, owner)) == 1)
    # down from before d7 until after d3
    w.clock.set(day(PLAN[2].due_at, 3600))
    async with background(w.app, **FAST):
        await wait_for(lambda: len(bot_messages(w, owner)) == 2)
        await w.app.services["sweeper"].run()
        await w.app.services["outbox"].drain_once()
    texts = [m["text"] for m in bot_messages(w, owner)]
    assert len(texts) == 2
    # the d3 reminder, an hour late: it says what is true now (2 days and 23 hours: 2 days)
    assert "۲ روز تا پایان مهلت" in texts[1]
    assert "۷ روز" not in texts[1]


async def test_queued_reminders_of_an_older_milestone_are_never_delivered(
        world: tuple[World, Period]) -> None:
    """The d7 reminders were written but the platform was unreachable until the last day: the
    owner must not read "7 days left" on the last day."""
    w, period = world
    owner = await link_owner(w, "16598445", "bale", 602)
    w.clock.set(day(PLAN[1].due_at))  # d7
    from bot.scheduler import Sweeper

    await Sweeper(w.app).run()  # swept, not sent
    w.clock.set(day(PLAN[3].due_at, 60))  # d1 at midnight: sent with the last day's, 09:00
    async with background(w.app, **FAST):
        await wait_for(lambda: len(bot_messages(w, owner)) == 1)
        await w.app.services["outbox"].drain_once()
    texts = [m["text"] for m in bot_messages(w, owner)]
    assert len(texts) == 1 and HEADS_FA["last_day"] in texts[0]
    async with w.session() as session:
        rows = (await session.execute(select(Outbox.dedup_key, Outbox.status)
                                      .order_by(Outbox.id))).all()
    assert [(key.rsplit(":", 1)[1], status) for key, status in rows] == [
        ("d7", "expired"), ("last_day", "sent")]


async def test_a_stale_row_expires_in_the_sender_too(world: tuple[World, Period]) -> None:
    """No newer sweep replaced it (the sweeper was down too): the row's own expiry stops it."""
    w, period = world
    owner = await link_owner(w, "16598445", "bale", 603)
    w.clock.set(at(PLAN[-1].due_at))  # 3 hours left
    from bot.scheduler import Sweeper
    from delivery.outbox import OutboxSender

    await Sweeper(w.app).run()
    w.clock.set(at(PLAN[-1].due_at, 2 * 3600))  # a third of the time has passed
    await OutboxSender.from_app(w.app).drain_once()
    assert bot_messages(w, owner) == []
    async with w.session() as session:
        assert (await session.scalars(select(Outbox.status))).all() == ["expired"]


async def test_staff_are_reminded_of_the_liaison_list_deadline(
        world: tuple[World, Period]) -> None:
    w, _period = world
    from services.periods import edit_period
    from services.staff import add_staff

    deadline = OPENS + timedelta(days=3)  # the end of 1405/07/14, Tehran
    # The period has not opened yet: HQ sets its liaison deadline (a second period over the
    # same window would be refused as overlapping).
    period = await edit_period(w.uow(), _period.code, liaison_deadline=deadline,
                               now=w.clock.now())
    staff = await add_staff(w.uow(), platform="bale", user_id=701, role="reviewer",
                            region=4, name="کارشناس منطقه")
    w.sandbox.add_user(w.tokens["bale"], 701)
    reviewer = Owner("bale", 701, staff.account_id, 0, "")
    owner = await link_owner(w, "16598444", "telegram", 702)
    async with background(w.app, **FAST):
        w.clock.set(day(deadline - timedelta(days=1)))
        await wait_for(lambda: len(bot_messages(w, reviewer)) == 1, what="liaison reminder")
        await w.app.services["outbox"].drain_once()
    [message] = bot_messages(w, reviewer)
    assert "فهرست رابطان منطقه" in message["text"] and "۱۴ مهر ۱۴۰۵" in message["text"]
    assert "۱۵ ساعت مانده" in message["text"]  # sent at 09:00, not at midnight
    assert all("رابطان" not in m["text"] for m in bot_messages(w, owner))
    assert period.liaison_deadline == deadline


async def test_the_reminder_button_resumes_the_wizard_where_the_owner_left_off(
        tmp_path: Path) -> None:
    async with local_world(tmp_path, period_days=None, now=day(PLAN[2].due_at)) as w:
        period = await open_period(w.app, "1405-H1", OPENS, CLOSES)
        owner = await link_owner(w, "16598444", "telegram", 801)
        await set_declaration(w, owner.office_id, period.id, "draft", {"area": 85})
        user = w.user("telegram", 801, "مالک")
        async with background(w.app, **FAST):
            reminder = await user.wait_message(timeout=15)
            assert HEADS_FA["d3"] in reminder["text"]
            assert "کارکنان دفتر" in reminder["text"]  # still missing
            await user.press("ادامهٔ خوداظهاری")
            question = await user.wait_message(timeout=15)
        # the wizard asks the first item that is still unanswered, not the area again
        assert "کارکنان" in question["text"], question["text"]
        assert "مساحت" not in question["text"]
