from datetime import UTC, date, datetime, timedelta

import pytest

from scoring.calendar import (
    JalaliDateError,
    days_left,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali,
    window,
)


@pytest.mark.parametrize("raw", ["1404/08/12", "۱۴۰۴/۰۸/۱۲", "١٤٠٤/٠٨/١٢", "1404-8-12",
                                 " 1404/8/12 "])
def test_jalali_in_any_digits(raw: str) -> None:
    assert parse_jalali(raw) == date(2025, 11, 3)


@pytest.mark.parametrize("raw", ["1404/13/01", "1404/07/32", "1404/12/31", "12/08/1404",
                                 "yesterday", ""])
def test_bad_jalali_dates_are_refused(raw: str) -> None:
    with pytest.raises(JalaliDateError):
        parse_jalali(raw)


def test_window_runs_to_the_end_of_its_last_day_in_tehran() -> None:
    opens, closes = window("1404/07/12", "۱۴۰۴/۰۸/۱۲")
    # Tehran is UTC+03:30 all year since 2022: 12 Mehr 00:00 Tehran is 3 Oct 20:30 UTC.
    assert opens == datetime(2025, 10, 3, 20, 30, tzinfo=UTC)
    assert closes == datetime(2025, 11, 3, 20, 30, tzinfo=UTC)
    last_minute = closes - timedelta(minutes=1)
    assert days_left(last_minute, closes) == 0
    assert days_left(closes, closes) == -1
    assert days_left(opens, closes) == 30  # Mehr has 30 days


def test_a_window_cannot_close_before_it_opens() -> None:
    with pytest.raises(JalaliDateError):
        window("1404/08/12", "1404/07/12")


def test_formatting_for_people() -> None:
    closes = datetime(2025, 11, 3, 20, 0, tzinfo=UTC)  # 23:30 on 12 Aban in Tehran
    assert format_jalali_date(closes, "fa") == "۱۲ آبان ۱۴۰۴"
    assert format_jalali_date(closes, "en") == "12 Aban 1404"
    assert format_jalali_numeric(closes, "fa") == "۱۴۰۴/۰۸/۱۲"
