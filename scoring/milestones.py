"""Reminder milestones of a period: when owners are reminded, and which reminder is due now.

A milestone is a named instant relative to a window: so many hours after it opens, so many hours
before it closes, or a clock time (Tehran) on its last day. The defaults are the window opening,
7, 3 and 1 days before the close, 09:00 on the last day and 3 hours before the close.

Only the *latest* due milestone counts (`latest_due`): after downtime over several milestones the
reminder sweep sends the newest one and never an older one ("3 days left" when one day is left).
Keys are stable names (`opened`, `d7`, `h3`, `last_day`, …): outbox rows are de-duplicated by them.

A period stores its milestones as JSON (`Period.milestones_json`), a list of objects:
``{"key": "d7", "before_close_hours": 168}``, ``{"key": "opened", "after_open_hours": 0}``,
``{"key": "last_day", "last_day_at": "09:00"}``. `parse_spec` reads the short form people type:
``"opened, 7d, 3d, 1d, last-day@09:00, 3h"``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from scoring.calendar import TEHRAN, last_day
from scoring.text import to_ascii_digits

Anchor = Literal["after_open", "before_close", "last_day_at"]
Flavour = Literal["opened", "days", "hours", "last_day"]

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class MilestoneError(ValueError):
    """A milestone configuration that cannot be used; the message names the bad part."""


@dataclass(frozen=True, slots=True)
class Milestone:
    """One reminder instant. `hours` for the relative anchors; `at` ("HH:MM") for the last day."""

    key: str
    anchor: Anchor
    hours: float = 0
    at: str = ""

    def instant(self, opens_at: datetime, closes_at: datetime, tz: ZoneInfo = TEHRAN
                ) -> datetime:
        if self.anchor == "after_open":
            return opens_at + timedelta(hours=self.hours)
        if self.anchor == "before_close":
            return closes_at - timedelta(hours=self.hours)
        hour, minute = (int(part) for part in self.at.split(":"))
        local = datetime.combine(last_day(closes_at, tz), time(hour, minute), tzinfo=tz)
        return local.astimezone(UTC)

    def to_dict(self) -> dict[str, Any]:
        if self.anchor == "last_day_at":
            return {"key": self.key, "last_day_at": self.at}
        value: float | int = int(self.hours) if float(self.hours).is_integer() else self.hours
        return {"key": self.key, f"{self.anchor}_hours": value}


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A milestone placed in a concrete window: its instant and its place in the order."""

    milestone: Milestone
    due_at: datetime
    order: int

    @property
    def key(self) -> str:
        return self.milestone.key


DEFAULT_MILESTONES: tuple[Milestone, ...] = (
    Milestone("opened", "after_open", 0),
    Milestone("d7", "before_close", 7 * 24),
    Milestone("d3", "before_close", 3 * 24),
    Milestone("d1", "before_close", 24),
    Milestone("last_day", "last_day_at", at="09:00"),
    Milestone("h3", "before_close", 3),
)

# The staff's reminder of the region-liaison-list deadline: counted from the period's creation.
LIAISON_MILESTONES: tuple[Milestone, ...] = (
    Milestone("d3", "before_close", 3 * 24),
    Milestone("d1", "before_close", 24),
    Milestone("last_day", "last_day_at", at="09:00"),
)


# ---------------------------------------------------------------------------------- parsing

def from_config(data: Any) -> tuple[Milestone, ...]:
    """Milestones from their JSON form (a list of objects). Raises MilestoneError."""
    if not isinstance(data, list) or not data:
        raise MilestoneError("milestones must be a non-empty list")
    out: list[Milestone] = []
    for i, item in enumerate(data):
        where = f"milestones[{i}]"
        if not isinstance(item, dict):
            raise MilestoneError(f"{where}: must be an object")
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise MilestoneError(f"{where}.key: a short lower-case name is needed, e.g. d7")
        anchors = [name for name in ("after_open_hours", "before_close_hours",
                                     "before_close_days", "last_day_at") if name in item]
        unknown = set(item) - {"key", *anchors}
        if unknown:
            raise MilestoneError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        if len(anchors) != 1:
            raise MilestoneError(f"{where}: give exactly one of after_open_hours, "
                                 "before_close_hours, before_close_days, last_day_at")
        anchor = anchors[0]
        value = item[anchor]
        if anchor == "last_day_at":
            if not isinstance(value, str) or not _CLOCK.match(value.strip()):
                raise MilestoneError(f"{where}.last_day_at: a clock time like 09:00 is needed")
            hour, minute = value.strip().split(":")
            out.append(Milestone(key, "last_day_at", at=f"{int(hour):02d}:{minute}"))
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise MilestoneError(f"{where}.{anchor}: a number of hours ≥ 0 is needed")
        if anchor == "before_close_days":
            out.append(Milestone(key, "before_close", float(value) * 24))
        else:
            out.append(Milestone(key, anchor.removesuffix("_hours"), float(value)))  # type: ignore[arg-type]
    keys = [m.key for m in out]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise MilestoneError(f"milestone key {duplicates[0]!r} is used twice")
    return tuple(out)


def from_json(text: str | None) -> tuple[Milestone, ...]:
    """A period's `milestones_json`, or the defaults when it has none. Raises MilestoneError."""
    if text is None or not text.strip():
        return DEFAULT_MILESTONES
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MilestoneError(f"milestones are not valid JSON: {exc}") from None
    return from_config(data)


def to_json(milestones: Iterable[Milestone]) -> str:
    return json.dumps([m.to_dict() for m in milestones], ensure_ascii=False)


_TOKEN = re.compile(r"^(?:(?P<opened>opened|open)|(?P<num>\d+(?:\.\d+)?)(?P<unit>[dh])"
                    r"|open\+(?P<onum>\d+(?:\.\d+)?)(?P<ounit>[dh])"
                    r"|last[-_ ]?day@(?P<clock>\d{1,2}:\d{2}))$")


def parse_spec(text: str) -> tuple[Milestone, ...]:
    """The short form: comma-separated ``opened``, ``7d`` / ``3h`` (before the close),
    ``open+2d`` (after the opening), ``last-day@09:00``. Raises MilestoneError."""
    items: list[dict[str, Any]] = []
    for raw in re.split(r"[,،]", to_ascii_digits(text or "")):
        token = raw.strip().lower()
        if not token:
            continue
        match = _TOKEN.match(token)
        if match is None:
            raise MilestoneError(f"not a milestone: {raw.strip()!r} (try opened, 7d, 3h, "
                                 "open+2d, last-day@09:00)")
        if match["opened"]:
            items.append({"key": "opened", "after_open_hours": 0})
        elif match["num"]:
            number = _number(match["num"])
            hours = number * 24 if match["unit"] == "d" else number
            items.append({"key": f"{match['unit']}{_label(number)}",
                          "before_close_hours": hours})
        elif match["onum"]:
            number = _number(match["onum"])
            hours = number * 24 if match["ounit"] == "d" else number
            items.append({"key": f"o{_label(number)}{match['ounit']}", "after_open_hours": hours})
        else:
            items.append({"key": "last_day", "last_day_at": match["clock"]})
    if not items:
        raise MilestoneError("no milestones given")
    return from_config(items)


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _label(number: float | int) -> str:
    return str(number).replace(".", "_")


# --------------------------------------------------------------------------------- schedule

def schedule(opens_at: datetime, closes_at: datetime,
             milestones: Sequence[Milestone] = DEFAULT_MILESTONES, tz: ZoneInfo = TEHRAN
             ) -> list[Scheduled]:
    """The milestones that fall inside the window [opens_at, closes_at), in time order.

    A milestone before the opening (7 days before the close of a 5-day window) is dropped: the
    opening reminder already covers it.
    """
    placed = []
    for index, milestone in enumerate(milestones):
        instant = milestone.instant(opens_at, closes_at, tz)
        if opens_at <= instant < closes_at:
            placed.append((instant, index, milestone))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [Scheduled(m, instant, order) for order, (instant, _, m) in enumerate(placed)]


def latest_due(now: datetime, opens_at: datetime, closes_at: datetime,
               milestones: Sequence[Milestone] = DEFAULT_MILESTONES, tz: ZoneInfo = TEHRAN
               ) -> Scheduled | None:
    """The latest milestone whose instant has come, while the window is open; else None."""
    if not opens_at <= now < closes_at:
        return None
    due = None
    for item in schedule(opens_at, closes_at, milestones, tz):
        if item.due_at > now:
            break
        due = item
    return due


def due_milestone(now: datetime, opens_at: datetime, closes_at: datetime,
                  milestones: Sequence[Milestone] = DEFAULT_MILESTONES, tz: ZoneInfo = TEHRAN
                  ) -> str | None:
    """The key of the latest due milestone, or None."""
    item = latest_due(now, opens_at, closes_at, milestones, tz)
    return item.key if item is not None else None


def next_after(item: Scheduled | None, opens_at: datetime, closes_at: datetime,
               milestones: Sequence[Milestone] = DEFAULT_MILESTONES, tz: ZoneInfo = TEHRAN
               ) -> Scheduled | None:
    """The milestone following `item` (the first one when `item` is None)."""
    for candidate in schedule(opens_at, closes_at, milestones, tz):
        if item is None or candidate.order > item.order:
            return candidate
    return None


# ------------------------------------------------------------------------------ what to say

@dataclass(frozen=True, slots=True)
class TimeLeft:
    days: int
    hours: int

    @property
    def total_hours(self) -> int:
        return self.days * 24 + self.hours


def time_left(now: datetime, closes_at: datetime) -> TimeLeft:
    """Whole days and hours until the close, rounded to the nearest hour (a sweep that runs a
    few seconds after 3 days before the close still says 3 days); at least one hour."""
    seconds = max(0.0, (closes_at - now).total_seconds())
    hours = max(1, int((seconds + 1800) // 3600))
    return TimeLeft(hours // 24, hours % 24)


def flavour(milestone: Milestone, now: datetime, closes_at: datetime) -> Flavour:
    """How a reminder is worded: the opening, days left, hours left, or the last day."""
    if milestone.anchor == "after_open" and milestone.hours == 0:
        return "opened"
    if milestone.anchor == "last_day_at":
        return "last_day"
    return "days" if time_left(now, closes_at).days >= 1 else "hours"


def stale_after(now: datetime, due: Scheduled, closes_at: datetime,
                following: Scheduled | None) -> datetime:
    """Until when a reminder written `now` may still be sent: never past the next milestone or
    the close, and never once a third of the time it speaks of has gone by (a message saying
    "3 days left" must not arrive when one day is left)."""
    limit = min(now + (closes_at - now) / 3, closes_at)
    if following is not None:
        limit = min(limit, following.due_at)
    return max(limit, min(now + timedelta(minutes=1), closes_at))
