"""Send hours (issue 20): reminders go out 09:00–21:00 Tehran, whatever the milestone's hour."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from scoring.calendar import TEHRAN
from services.send_hours import DAYTIME, SendHours


def tehran(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=TEHRAN)


@pytest.mark.parametrize(("now", "goes"), [
    (tehran(14, 0), tehran(14, 9)),      # midnight: that morning
    (tehran(14, 8, 59), tehran(14, 9)),
    (tehran(14, 9), tehran(14, 9)),
    (tehran(14, 21), tehran(14, 21)),    # 3 hours before a midnight close still goes
    (tehran(14, 21, 1), tehran(15, 9)),  # late evening: the next morning
    (tehran(14, 23, 30), tehran(15, 9)),
])
def test_next_allowed(now: datetime, goes: datetime) -> None:
    assert DAYTIME.next_allowed(now.astimezone(UTC)) == goes


def test_configurable() -> None:
    hours = SendHours.parse("08:30-20:00")
    assert (hours.start, hours.end) == (time(8, 30), time(20, 0))
    assert not hours.allows(tehran(14, 20, 30))
    with pytest.raises(ValueError, match="HH:MM"):
        SendHours.parse("morning")
    with pytest.raises(ValueError, match="before"):
        SendHours.parse("21:00-09:00")
