"""Reminder milestones: which one is due, in a real Jalali window, Tehran time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import milestones as ms
from scoring.calendar import window

# H1 1404: 12 Mehr to 12 Aban, i.e. from 1404/07/12 00:00 to 1404/08/13 00:00 Tehran (+03:30).
OPENS, CLOSES = window("1404/07/12", "1404/08/12")


def test_window_is_the_one_people_read() -> None:
    assert OPENS == datetime(2025, 10, 3, 20, 30, tzinfo=UTC)
    assert CLOSES == datetime(2025, 11, 3, 20, 30, tzinfo=UTC)


def test_default_schedule_instants() -> None:
    got = {s.key: s.due_at for s in ms.schedule(OPENS, CLOSES)}
    assert list(got) == ["opened", "d7", "d3", "d1", "last_day", "h3"]
    assert got["opened"] == OPENS
    assert got["d7"] == CLOSES - timedelta(days=7)
    assert got["d1"] == CLOSES - timedelta(days=1)
    # 09:00 Tehran on 12 Aban is 05:30 UTC
    assert got["last_day"] == datetime(2025, 11, 3, 5, 30, tzinfo=UTC)
    assert got["h3"] == CLOSES - timedelta(hours=3)


@pytest.mark.parametrize(("now", "expected"), [
    (OPENS - timedelta(seconds=1), None),
    (OPENS, "opened"),
    (OPENS + timedelta(days=20), "opened"),
    (CLOSES - timedelta(days=7), "d7"),
    (CLOSES - timedelta(days=3, seconds=1), "d7"),
    (CLOSES - timedelta(days=3), "d3"),
    (CLOSES - timedelta(hours=20), "d1"),
    (datetime(2025, 11, 3, 5, 30, tzinfo=UTC), "last_day"),
    (CLOSES - timedelta(hours=3), "h3"),
    (CLOSES - timedelta(seconds=1), "h3"),
    (CLOSES, None),
])
def test_due_milestone(now: datetime, expected: str | None) -> None:
    assert ms.due_milestone(now, OPENS, CLOSES) == expected


def test_downtime_over_two_milestones_gives_only_the_later() -> None:
    # down from just before d1 until after 09:00 on the last day: d1 and last_day both passed
    now = datetime(2025, 11, 3, 8, 0, tzinfo=UTC)
    assert ms.due_milestone(now, OPENS, CLOSES) == "last_day"


def test_a_short_window_drops_milestones_before_its_opening() -> None:
    opens, closes = window("1404/08/01", "1404/08/05")
    keys = [s.key for s in ms.schedule(opens, closes)]
    assert keys == ["opened", "d3", "d1", "last_day", "h3"]
    assert ms.due_milestone(opens + timedelta(hours=1), opens, closes) == "opened"


def test_spec_round_trip_and_keys() -> None:
    parsed = ms.parse_spec("opened، ۷d, 2d, open+1d, last-day@8:30, 90h, 1.5h")
    assert [m.key for m in parsed] == ["opened", "d7", "d2", "o1d", "last_day", "h90", "h1_5"]
    assert parsed[4].at == "08:30"
    assert ms.from_json(ms.to_json(parsed)) == parsed
    assert ms.from_json(None) == ms.DEFAULT_MILESTONES
    assert ms.from_json(ms.to_json(ms.DEFAULT_MILESTONES)) == ms.DEFAULT_MILESTONES


@pytest.mark.parametrize(("config", "message"), [
    ("[]", "non-empty"),
    ("{", "not valid JSON"),
    ('[{"key": "D7", "before_close_hours": 1}]', "key"),
    ('[{"key": "a", "before_close_hours": -1}]', "hours"),
    ('[{"key": "a", "before_close_hours": true}]', "hours"),
    ('[{"key": "a"}]', "exactly one"),
    ('[{"key": "a", "after_open_hours": 1, "before_close_hours": 1}]', "exactly one"),
    ('[{"key": "a", "last_day_at": "25:00"}]', "clock"),
    ('[{"key": "a", "before_close_hours": 1, "colour": 1}]', "colour"),
    ('[{"key": "a", "before_close_hours": 1}, {"key": "a", "before_close_hours": 2}]', "twice"),
])
def test_bad_configuration_is_named(config: str, message: str) -> None:
    with pytest.raises(ms.MilestoneError, match=message):
        ms.from_json(config)


def test_bad_spec() -> None:
    with pytest.raises(ms.MilestoneError, match="not a milestone"):
        ms.parse_spec("opened, soon")


def test_time_left_rounds_to_the_hour() -> None:
    d3 = CLOSES - timedelta(days=3)
    assert ms.time_left(d3 + timedelta(seconds=40), CLOSES) == ms.TimeLeft(3, 0)
    assert ms.time_left(CLOSES - timedelta(hours=27, minutes=10), CLOSES) == ms.TimeLeft(1, 3)
    assert ms.time_left(CLOSES - timedelta(minutes=5), CLOSES) == ms.TimeLeft(0, 1)


def test_flavour_follows_what_is_left() -> None:
    by_key = {m.key: m for m in ms.DEFAULT_MILESTONES}
    assert ms.flavour(by_key["opened"], OPENS, CLOSES) == "opened"
    assert ms.flavour(by_key["d3"], CLOSES - timedelta(days=3), CLOSES) == "days"
    assert ms.flavour(by_key["last_day"], CLOSES - timedelta(hours=15), CLOSES) == "last_day"
    assert ms.flavour(by_key["h3"], CLOSES - timedelta(hours=3), CLOSES) == "hours"
    # a d1 reminder swept late, with 20 hours left, speaks of hours
    assert ms.flavour(by_key["d1"], CLOSES - timedelta(hours=20), CLOSES) == "hours"


def test_stale_after_never_reaches_the_next_milestone_or_the_close() -> None:
    plan = ms.schedule(OPENS, CLOSES)
    d3, d1 = plan[2], plan[3]
    limit = ms.stale_after(d3.due_at, d3, CLOSES, d1)
    assert limit == d3.due_at + timedelta(days=1)  # a third of the 3 days it speaks of
    h3 = plan[-1]
    assert ms.stale_after(h3.due_at, h3, CLOSES, None) == h3.due_at + timedelta(hours=1)
    assert ms.stale_after(CLOSES - timedelta(seconds=5), h3, CLOSES, None) == CLOSES


@given(st.lists(st.integers(min_value=0, max_value=int((CLOSES - OPENS).total_seconds()) - 1),
                min_size=2, max_size=30))
def test_due_order_never_goes_back_as_time_passes(offsets: list[int]) -> None:
    orders = []
    for offset in sorted(offsets):
        due = ms.latest_due(OPENS + timedelta(seconds=offset), OPENS, CLOSES)
        assert due is not None
        orders.append(due.order)
    assert orders == sorted(orders)
