"""The words of deadline reminders and of the close of a window.

A sweep queues each reminder as data (`storage.reminders`: the flavour, the instant it was swept,
the close, the office and what is missing); these functions put it into words when it is sent
(`texts.notices.reminders`), in the recipient's language and for the recipient's platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scoring import milestones as ms
from scoring.answers import Missing
from scoring.calendar import TEHRAN, format_jalali_date, last_day
from scoring.text import to_persian_digits
from texts.callbacks import ResumeCb
from texts.i18n import Markup, Translator

MAX_TITLES = 6


def span(t: Translator, left: ms.TimeLeft) -> Markup:
    if left.days >= 2:  # "3 days" from two days on; hours matter only on the last two days
        return Markup(t("remind-span-days", days=left.days))
    parts = []
    if left.days:
        parts.append(t("remind-span-day" if left.days == 1 else "remind-span-days",
                       days=left.days))
    if left.hours or not parts:
        parts.append(t("remind-span-hour" if left.hours == 1 else "remind-span-hours",
                       hours=left.hours))
    if len(parts) == 2:
        return Markup(t("remind-span-and", first=Markup(parts[0]), second=Markup(parts[1])))
    return Markup(parts[0])


def deadline(closes_at: datetime, lang: str, tz: ZoneInfo = TEHRAN) -> str:
    return format_jalali_date(last_day(closes_at, tz), "fa" if lang == "fa" else "en")


def digits(text: str, lang: str) -> str:
    return to_persian_digits(text) if lang == "fa" else text


def titles(t: Translator, missing: Sequence[Missing]) -> Markup:
    names = []
    for item in missing[:MAX_TITLES]:
        name = item.title_fa if t.lang == "fa" else item.title_en
        key = "remind-item-evidence" if item.reason == "evidence" else "remind-item"
        names.append(t(key, title=name))
    text = ("، " if t.lang == "fa" else ", ").join(names)
    if len(missing) > MAX_TITLES:
        text = t("remind-items-more", items=Markup(text), more=len(missing) - MAX_TITLES)
    return Markup(text)


def owner_parts(t: Translator, flavour: ms.Flavour, now: datetime, closes_at: datetime,
                missing: Sequence[Missing], started: bool, tz: ZoneInfo = TEHRAN
                ) -> tuple[str, str, str]:
    """The time left, what is missing, and what the button does."""
    left = span(t, ms.time_left(now, closes_at))
    head = t(f"remind-{flavour.replace('_', '-')}", left=left,
             deadline=deadline(closes_at, t.lang, tz))
    if not started:
        status = t("remind-not-started", count=len(missing), items=titles(t, missing))
    elif missing:
        status = t("remind-missing", count=len(missing), items=titles(t, missing))
    else:
        status = t("remind-complete")
    return head, status, t("remind-hint-resume" if started else "remind-hint-start")


def office_line(t: Translator, office_name: str, office_code: str) -> str:
    return t("remind-office", office=digits(office_name, t.lang),
             code=digits(office_code, t.lang))


def owner_text(t: Translator, flavour: ms.Flavour, now: datetime, closes_at: datetime,
               office_name: str, office_code: str, missing: Sequence[Missing], started: bool,
               tz: ZoneInfo = TEHRAN) -> str:
    """A reminder: the time left, what is still missing, the office, and the button's use."""
    head, status, hint = owner_parts(t, flavour, now, closes_at, missing, started, tz)
    return "\n".join((head, status, office_line(t, office_name, office_code), hint))


def resume_markup(t: Translator, started: bool, office_id: int) -> dict[str, Any]:
    """The button that resumes the wizard; it names the office, so a holder of several offices
    lands on the right one."""
    label = t("remind-button-resume" if started else "remind-button-start")
    return {"inline_keyboard": [[{"text": label,
                                  "callback_data": ResumeCb(office=office_id).pack()}]]}


def liaison_text(t: Translator, now: datetime, deadline_at: datetime,
                 tz: ZoneInfo = TEHRAN) -> str:
    return t("remind-liaison", deadline=deadline(deadline_at, t.lang, tz),
             left=span(t, ms.time_left(now, deadline_at)))


def close_text(t: Translator, key: str, office_name: str, rank: int, closes_at: datetime,
               tz: ZoneInfo = TEHRAN) -> str:
    return t(key, office=digits(office_name, t.lang), rank=rank,
             deadline=deadline(closes_at, t.lang, tz))
