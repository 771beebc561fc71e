"""The limits of the contact feature and its working-hours clock: how long a person may write,
how many open questions an office may have, and when an unanswered question moves on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.workhours import WorkSchedule, add_working_hours, parse_hours, parse_workdays
from storage.models import Holiday
from storage.tickets.records import SUPERVISOR, TicketError


@dataclass(frozen=True, slots=True)
class TicketPolicy:
    """Limits and the working-hours schedule. `from_settings` reads optional Settings fields
    (`ticket_escalation_hours`, `work_days`, `work_hours`, `tickets_max_open`,
    `ticket_flood_messages`, `ticket_flood_minutes`, `ticket_max_chars`) and falls back to these
    defaults when a field is absent."""

    escalation_hours: float = 8
    schedule: WorkSchedule = field(default_factory=WorkSchedule)
    max_open_per_office: int = 3
    flood_messages: int = 8
    flood_window: timedelta = timedelta(minutes=10)
    max_chars: int = 1500
    max_file_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Any | None) -> TicketPolicy:
        if settings is None:
            return cls()

        def get(name: str, default: Any) -> Any:
            value = getattr(settings, name, None)
            return default if value is None else value

        start, end = parse_hours(get("work_hours", "08:00-16:00"))
        schedule = WorkSchedule(workdays=parse_workdays(get("work_days", "sat-wed")),
                                start=start, end=end,
                                tz=ZoneInfo(get("timezone", "Asia/Tehran")))
        return cls(escalation_hours=float(get("ticket_escalation_hours", 8)),
                   schedule=schedule,
                   max_open_per_office=int(get("tickets_max_open", 3)),
                   flood_messages=int(get("ticket_flood_messages", 8)),
                   flood_window=timedelta(minutes=float(get("ticket_flood_minutes", 10))),
                   max_chars=int(get("ticket_max_chars", 1500)),
                   max_file_bytes=int(float(get("evidence_max_mb", 10)) * 1024 * 1024))


def policy_of(session: AsyncSession, policy: TicketPolicy | None = None) -> TicketPolicy:
    """The given policy (services pass the one built from the settings), else the defaults."""
    return policy or TicketPolicy.from_settings(None)


async def load_schedule(session: AsyncSession, policy: TicketPolicy) -> WorkSchedule:
    days = (await session.scalars(select(Holiday.day))).all()
    return policy.schedule.with_holidays(date.fromisoformat(d) for d in days)


# --- limits ----------------------------------------------------------------------------------

def clean_text(text: str | None, policy: TicketPolicy, *, allow_empty: bool = False) -> str:
    text = (text or "").strip()
    if not text and not allow_empty:
        raise TicketError("empty")
    if len(text) > policy.max_chars:
        raise TicketError("too-long", length=len(text), max=policy.max_chars)
    return text



async def due_after(session: AsyncSession, now: datetime, policy: TicketPolicy) -> datetime:
    return add_working_hours(now, policy.escalation_hours, await load_schedule(session, policy))


async def deadline(session: AsyncSession, level: int, assignee: int | None, now: datetime,
                    policy: TicketPolicy) -> datetime | None:
    """When an unanswered ticket moves on: never from the top level; an unassigned ticket is
    routed again after the same time."""
    if assignee is not None and level >= SUPERVISOR:
        return None
    return await due_after(session, now, policy)

