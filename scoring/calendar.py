"""Jalali dates and Tehran time.

A window «1404/07/12 to 1404/08/12» opens at the start of 12 Mehr and closes at the *end* of
12 Aban, Tehran time. Instants are stored in UTC; people read and type Jalali dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from scoring.text import strip_invisible, to_ascii_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
             "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
             "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand")


class JalaliDateError(ValueError):
    """A date that is not a Jalali day. `str()` says it in English; `code` and `params` name
    the catalog message that says it in the reader's language."""

    def __init__(self, message: str, code: str = "", /, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


_JALALI = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")


def parse_jalali(text: str) -> date:
    """«1404/08/12», «۱۴۰۴/۰۸/۱۲» or «1404-8-12» to the Gregorian date of that Jalali day."""
    raw = strip_invisible(to_ascii_digits(text)).strip()
    match = _JALALI.match(raw)
    if not match:
        raise JalaliDateError(f"not a Jalali date (YYYY/MM/DD): {text!r}", "date-not-jalali",
                              text=text)
    year, month, day = map(int, match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise JalaliDateError(f"no such Jalali date: {text!r}", "date-no-such-day",
                              text=text) from exc


def start_of_day(day: date, tz: ZoneInfo = TEHRAN) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def end_of_day(day: date, tz: ZoneInfo = TEHRAN) -> datetime:
    """The UTC instant at which `day` ends in `tz` (the start of the next day)."""
    return start_of_day(day + timedelta(days=1), tz)


def window(opens: str, closes: str, tz: ZoneInfo = TEHRAN) -> tuple[datetime, datetime]:
    """A Jalali window as UTC instants: from the start of its first day to the end of its last."""
    first, last = parse_jalali(opens), parse_jalali(closes)
    if last < first:
        raise JalaliDateError(f"the window closes ({closes}) before it opens ({opens})",
                              "date-window-closes-first", opens=opens, closes=closes)
    return start_of_day(first, tz), end_of_day(last, tz)


def to_jalali(instant: datetime, tz: ZoneInfo = TEHRAN) -> jdatetime.datetime:
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return jdatetime.datetime.fromgregorian(datetime=instant.astimezone(tz))


def format_jalali_date(day: date | datetime, locale: str = "fa", tz: ZoneInfo = TEHRAN) -> str:
    """«۱۲ آبان ۱۴۰۴» in Persian, «12 Aban 1404» in English."""
    if isinstance(day, datetime):
        j = to_jalali(day, tz)
    else:
        j = jdatetime.date.fromgregorian(date=day)
    if locale == "fa":
        return f"{to_persian_digits(j.day)} {MONTHS_FA[j.month - 1]} {to_persian_digits(j.year)}"
    return f"{j.day} {MONTHS_EN[j.month - 1]} {j.year}"


def format_jalali_numeric(day: date | datetime, locale: str = "fa", tz: ZoneInfo = TEHRAN) -> str:
    """«۱۴۰۴/۰۸/۱۲» in Persian, «1404/08/12» in English."""
    j = to_jalali(day, tz) if isinstance(day, datetime) else jdatetime.date.fromgregorian(date=day)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if locale == "fa" else text


def last_day(closes_at: datetime, tz: ZoneInfo = TEHRAN) -> date:
    """The last day of a window that closes at `closes_at` (an end-of-day instant)."""
    return (closes_at.astimezone(tz) - timedelta(microseconds=1)).date()


def days_left(now: datetime, closes_at: datetime, tz: ZoneInfo = TEHRAN) -> int:
    """Whole Tehran calendar days from today to the last day of the window (0 on the last day)."""
    if now >= closes_at:
        return -1
    return (last_day(closes_at, tz) - now.astimezone(tz).date()).days


def utcnow() -> datetime:
    return datetime.now(UTC)


_PERIOD_CODE = re.compile(r"^(\d{4})-H([12])$")


def period_title(code: str, locale: str = "fa") -> str:
    """«1404-H1» → «ششماههٔ نخست ۱۴۰۴» / «H1 1404»; any other code is shown as it is."""
    match = _PERIOD_CODE.match(code)
    if not match:
        return code
    year, half = match.groups()
    if locale == "fa":
        return f"ششماههٔ {'نخست' if half == '1' else 'دوم'} {to_persian_digits(year)}"
    return f"H{half} {year}"
