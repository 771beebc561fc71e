"""Working hours for escalation: Iran's Saturday–Wednesday week, 08:00–16:00 Tehran, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.workhours import (
    TEHRAN,
    ScheduleError,
    WorkSchedule,
    add_working_hours,
    is_working_time,
    parse_hours,
    parse_workdays,
    working_hours_between,
)

IRAN = WorkSchedule()


def tehran(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TEHRAN)


# 2025-10-04 is Saturday (1404/07/12, the day H1 1404's window opened).

def test_within_the_same_day() -> None:
    assert add_working_hours(tehran(2025, 10, 4, 9), 3, IRAN) == tehran(2025, 10, 4, 12)


def test_result_is_utc() -> None:
    result = add_working_hours(tehran(2025, 10, 4, 9), 1, IRAN)
    assert result.tzinfo == UTC
    assert result == datetime(2025, 10, 4, 6, 30, tzinfo=UTC)  # Tehran is UTC+03:30


def test_carries_over_to_the_next_morning() -> None:
    # 14:00 Saturday + 8h = 2h on Saturday, 6h on Sunday → Sunday 14:00
    assert add_working_hours(tehran(2025, 10, 4, 14), 8, IRAN) == tehran(2025, 10, 5, 14)


def test_before_opening_starts_at_opening() -> None:
    assert add_working_hours(tehran(2025, 10, 4, 6), 2, IRAN) == tehran(2025, 10, 4, 10)


def test_after_closing_starts_next_morning() -> None:
    assert add_working_hours(tehran(2025, 10, 4, 20), 2, IRAN) == tehran(2025, 10, 5, 10)


def test_skips_the_thursday_friday_weekend() -> None:
    # Wednesday 12:00 + 8h: 4h on Wednesday, Thursday and Friday off, 4h on Saturday
    assert add_working_hours(tehran(2025, 10, 8, 12), 8, IRAN) == tehran(2025, 10, 11, 12)


def test_asked_on_friday_counts_from_saturday() -> None:
    assert add_working_hours(tehran(2025, 10, 10, 11), 8, IRAN) == tehran(2025, 10, 11, 16)


def test_skips_a_holiday_after_the_weekend() -> None:
    schedule = IRAN.with_holidays([date(2025, 10, 11)])  # Saturday off as well
    assert add_working_hours(tehran(2025, 10, 8, 12), 8, schedule) == tehran(2025, 10, 12, 12)


def test_ending_exactly_at_closing_time() -> None:
    assert add_working_hours(tehran(2025, 10, 4, 8), 8, IRAN) == tehran(2025, 10, 4, 16)


def test_many_days() -> None:
    # 40 working hours = 5 working days: Saturday 08:00 → Wednesday 16:00
    assert add_working_hours(tehran(2025, 10, 4, 8), 40, IRAN) == tehran(2025, 10, 8, 16)


def test_zero_hours_is_the_start() -> None:
    start = tehran(2025, 10, 10, 3)
    assert add_working_hours(start, 0, IRAN) == start


def test_fractional_hours() -> None:
    assert add_working_hours(tehran(2025, 10, 4, 15), 1.5, IRAN) == tehran(2025, 10, 5, 8, 30)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_hours(datetime(2025, 10, 4, 9), 1, IRAN)


def test_a_schedule_with_no_working_time_is_refused() -> None:
    with pytest.raises(ScheduleError):
        WorkSchedule(workdays=frozenset())
    with pytest.raises(ScheduleError):
        WorkSchedule(start=time(16), end=time(8))
    every_day_off = WorkSchedule(workdays=frozenset({4}),
                                 holidays=frozenset(date(2025, 1, 1) + timedelta(days=i)
                                                    for i in range(3700)))
    with pytest.raises(ScheduleError):
        add_working_hours(tehran(2025, 1, 1), 1, every_day_off)


def test_configured_week_and_hours() -> None:
    schedule = WorkSchedule(workdays=parse_workdays("sat-thu"), start=time(7, 30),
                            end=time(14, 30))
    # Wednesday 13:30 + 3h: 1h Wednesday, 2h on Thursday (now a working day) → 09:30
    assert add_working_hours(tehran(2025, 10, 8, 13, 30), 3, schedule) == tehran(2025, 10, 9, 9,
                                                                                 30)


def test_parse_workdays() -> None:
    assert parse_workdays("sat-wed") == frozenset({5, 6, 0, 1, 2})
    assert parse_workdays("SAT, sun,mon") == frozenset({5, 6, 0})
    assert parse_workdays("sat-tue,thu") == frozenset({5, 6, 0, 1, 3})
    for bad in ("", "sat-xyz", "wed-sat", "funday"):
        with pytest.raises(ScheduleError):
            parse_workdays(bad)


def test_parse_hours() -> None:
    assert parse_hours("08:00-16:00") == (time(8), time(16))
    with pytest.raises(ScheduleError):
        parse_hours("eight to four")


def test_is_working_time() -> None:
    assert is_working_time(tehran(2025, 10, 4, 8), IRAN)
    assert not is_working_time(tehran(2025, 10, 4, 16), IRAN)
    assert not is_working_time(tehran(2025, 10, 9, 10), IRAN)  # Thursday


def test_historical_daylight_saving_day_counts_real_hours() -> None:
    # In 2021 Tehran was UTC+04:30 in summer: 09:00 + 2h is still 11:00 local time.
    assert add_working_hours(tehran(2021, 7, 3, 9), 2, IRAN) == tehran(2021, 7, 3, 11)


@settings(max_examples=200, deadline=None)
@given(start=st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2030, 1, 1),
                          timezones=st.just(TEHRAN)),
       hours=st.floats(min_value=0.25, max_value=120),
       holidays=st.sets(st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 3, 1)),
                        max_size=30))
def test_adding_then_measuring_gives_the_hours_back(start: datetime, hours: float,
                                                     holidays: set[date]) -> None:
    schedule = IRAN.with_holidays(holidays)
    end = add_working_hours(start, hours, schedule)
    assert end > start
    assert working_hours_between(start, end, schedule) == pytest.approx(hours, abs=1e-6)
    # the deadline itself always falls inside (or at the close of) a working window
    local = end.astimezone(TEHRAN)
    assert schedule.is_working_day(local.date())
    assert time(8) < local.time() <= time(16)
