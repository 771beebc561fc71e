"""Working hours: when is "N working hours after this instant"?

Pure (stdlib only). Iran's working week runs Saturday to Wednesday; Thursday and Friday are the
weekend. Office hours are local wall-clock times in Asia/Tehran, and official holidays are whole
local days. Arithmetic is done in UTC, with each day's window placed through `zoneinfo`, so a day
whose offset changed (Tehran kept daylight saving time until 2022) still counts its real hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TEHRAN = ZoneInfo("Asia/Tehran")

# Python's weekday(): Monday is 0 … Sunday is 6.
DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
IRAN_WORKDAYS = frozenset({5, 6, 0, 1, 2})  # Saturday to Wednesday
_ORDER = ("sat", "sun", "mon", "tue", "wed", "thu", "fri")  # Iran's week, for ranges

# Enough to cross any realistic run of holidays; guards a schedule that never works.
_MAX_DAYS = 3660


class ScheduleError(ValueError):
    """A schedule that cannot be used: no working day, a window that ends before it starts."""


@dataclass(frozen=True, slots=True)
class WorkSchedule:
    workdays: frozenset[int] = IRAN_WORKDAYS
    start: time = time(8, 0)
    end: time = time(16, 0)
    tz: ZoneInfo = TEHRAN
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.workdays:
            raise ScheduleError("no working day in the week")
        if not self.workdays <= set(range(7)):
            raise ScheduleError(f"weekdays must be 0–6, got {sorted(self.workdays)}")
        if self.end <= self.start:
            raise ScheduleError(f"the working day ends ({self.end}) before it starts "
                                f"({self.start})")

    def with_holidays(self, days: Iterable[date]) -> WorkSchedule:
        return WorkSchedule(self.workdays, self.start, self.end, self.tz,
                            frozenset(self.holidays) | frozenset(days))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's working window as UTC instants."""
        opens = datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes


def parse_workdays(text: str) -> frozenset[int]:
    """«sat-wed», «sat,sun,mon,tue,wed» or «sat-tue,thu» → weekday numbers. Ranges follow Iran's
    week (Saturday first)."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in DAY_NAMES or last not in DAY_NAMES:
                raise ScheduleError(f"unknown day in {part!r} (use sat, sun, …, fri)")
            i, j = _ORDER.index(first), _ORDER.index(last)
            if j < i:
                raise ScheduleError(f"a day range runs Saturday to Friday: {part!r}")
            days.update(DAY_NAMES[name] for name in _ORDER[i:j + 1])
        elif part in DAY_NAMES:
            days.add(DAY_NAMES[part])
        else:
            raise ScheduleError(f"unknown day {part!r} (use sat, sun, …, fri)")
    if not days:
        raise ScheduleError("no working day given")
    return frozenset(days)


def parse_hours(text: str) -> tuple[time, time]:
    """«08:00-16:00» → (08:00, 16:00)."""
    try:
        first, last = (time.fromisoformat(p.strip()) for p in text.split("-"))
    except ValueError as exc:
        raise ScheduleError(f"working hours must look like 08:00-16:00, got {text!r}") from exc
    return first, last


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: give an aware instant")
    return instant.astimezone(UTC)


def add_working_hours(start: datetime, hours: float, schedule: WorkSchedule) -> datetime:
    """The instant at which `hours` working hours have passed since `start` (UTC-aware).

    Time outside the working window, on weekend days and on holidays does not count. A start
    outside working time begins counting at the next window's opening.
    """
    cursor = _utc(start)
    remaining = timedelta(hours=hours)
    if remaining <= timedelta(0):
        return cursor
    day = cursor.astimezone(schedule.tz).date()
    for _ in range(_MAX_DAYS):
        if schedule.is_working_day(day):
            opens, closes = schedule.window(day)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ScheduleError(f"no working time in the next {_MAX_DAYS} days")


def working_hours_between(start: datetime, end: datetime, schedule: WorkSchedule) -> float:
    """Working hours from `start` to `end` (0 when `end` is not later)."""
    a, b = _utc(start), _utc(end)
    if b <= a:
        return 0.0
    total = timedelta(0)
    day = a.astimezone(schedule.tz).date()
    last = b.astimezone(schedule.tz).date()
    while day <= last:
        if schedule.is_working_day(day):
            opens, closes = schedule.window(day)
            lo, hi = max(a, opens), min(b, closes)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def is_working_time(instant: datetime, schedule: WorkSchedule) -> bool:
    moment = _utc(instant)
    day = moment.astimezone(schedule.tz).date()
    if not schedule.is_working_day(day):
        return False
    opens, closes = schedule.window(day)
    return opens <= moment < closes
