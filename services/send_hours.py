"""Send hours: reminders and other non-urgent messages go out by day in Tehran (quiet hours at
night). The reminder sweep runs only within them (`services.reminders`); `next_allowed` gives
the instant a message queued at night may go (an outbox row's `not_before`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from scoring.calendar import TEHRAN


@dataclass(frozen=True, slots=True)
class SendHours:
    """The hours messages may go out, local time, both ends included (a reminder due at 21:00,
    three hours before a midnight close, still goes)."""

    start: time = time(9, 0)
    end: time = time(21, 0)

    @classmethod
    def parse(cls, text: str) -> SendHours:
        """«09:00-21:00» (the setting `PISHKHAN_SEND_HOURS`)."""
        try:
            first, last = (part.strip() for part in text.split("-"))
            start, end = time.fromisoformat(first), time.fromisoformat(last)
        except ValueError as error:
            raise ValueError(f"send hours {text!r}: expected HH:MM-HH:MM") from error
        if not start < end:
            raise ValueError(f"send hours {text!r}: the start must come before the end")
        return cls(start, end)

    def next_allowed(self, now: datetime, tz: ZoneInfo = TEHRAN) -> datetime:
        """`now` when it is within the hours, else the next start (the same morning before
        it, the next morning after the end), in `now`'s zone."""
        local = now.astimezone(tz)
        if self.allows(now, tz):
            return now
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=tz).astimezone(now.tzinfo)

    def allows(self, now: datetime, tz: ZoneInfo = TEHRAN) -> bool:
        return self.start <= now.astimezone(tz).time().replace(second=0, microsecond=0) \
            <= self.end


DAYTIME = SendHours()

# The hours of this process: `PISHKHAN_SEND_HOURS`, set once at start-up by whoever reads the
# settings (`cli.common.settings`; services never read the environment themselves).
_configured = DAYTIME


def configure(hours: SendHours) -> None:
    global _configured
    _configured = hours


def configured() -> SendHours:
    return _configured


def by_day(now: datetime, hours: SendHours | None = None) -> datetime | None:
    """When a non-urgent notice queued at `now` may go out (its outbox row's `not_before`):
    None (at once) within the send hours, else the next start (09:00 Tehran by default).

    Non-urgent, and so sent by day: a confirmed declaration, a committee's negative point,
    published results, a period's extension, the survey's notices to a region, reminders (their
    sweep runs only by day). Urgent, sent at once: whatever answers a person's own action or
    question (a ticket's answer, a discrepancy report's answer), whatever asks them to act by a
    deadline (a returned declaration, a rejected file), a change of who may act for an office,
    and operators' alerts."""
    hours = hours or _configured
    return None if hours.allows(now) else hours.next_allowed(now)
