"""The words and buttons of owners' questions to experts: the answerer's card of a ticket, when
something happened, and the buttons on a notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scoring.calendar import format_jalali_date, period_title, to_jalali
from scoring.text import to_persian_digits
from texts.i18n import Markup, Translator


def callback(side: str, action: str, ticket_id: int = 0, arg: object = "") -> str:
    """Button data `tk:<side>:<action>:<id>:<arg>` (the handlers' `TicketCb` packs the same)."""
    data = f"tk:{side}:{action}:{ticket_id}:{arg}"
    assert len(data.encode()) <= 64, data
    return data


def when(instant: datetime, lang: str, tz: ZoneInfo | None = None) -> str:
    """«۱۲ مهر ۱۴۰۴، ۱۴:۳۰» / «12 Mehr 1404, 14:30» in Tehran time."""
    zone = tz or ZoneInfo("Asia/Tehran")
    clock = to_jalali(instant, zone).strftime("%H:%M")
    if lang == "fa":
        return f"{format_jalali_date(instant, 'fa', zone)}، {to_persian_digits(clock)}"
    return f"{format_jalali_date(instant, 'en', zone)}, {clock}"


def header_lines(t: Translator, card: dict[str, Any]) -> list[str]:
    """What an answerer sees first: the office, its region, the period, the declaration
    (`card`: `storage.tickets.card_args` of the ticket)."""
    region = card["region_en"] if t.lang == "en" and card.get("region_en") else card["region_fa"]
    lines = [t("expert-card-office", office=card["office"], code=card["code"], region=region)]
    if card.get("period"):
        lines.append(t("expert-card-period", period=period_title(card["period"], t.lang),
                       status=Markup(t(f"ticket-decl-{card.get('declaration') or 'none'}"))))
    else:
        lines.append(t("expert-card-no-period"))
    if card.get("due_at"):
        lines.append(t("expert-card-due", when=when(datetime.fromisoformat(card["due_at"]),
                                                     t.lang)))
    return lines


def _kb(*rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": text, "callback_data": data} for text, data in row]
                                for row in rows]}


def expert_keyboard(t: Translator, ticket_id: int, *, assigned: bool = True
                    ) -> dict[str, Any]:
    if not assigned:
        return _kb([(t("expert-button-claim"), callback("e", "claim", ticket_id)),
                    (t("expert-button-view"), callback("e", "view", ticket_id))])
    return _kb([(t("expert-button-answer"), callback("e", "ans", ticket_id)),
                (t("expert-button-faq"), callback("e", "faq", ticket_id))],
               [(t("expert-button-view"), callback("e", "view", ticket_id)),
                (t("expert-button-transfer"), callback("e", "tr", ticket_id))])


def owner_keyboard(t: Translator, ticket_id: int) -> dict[str, Any]:
    return _kb([(t("ticket-button-reply"), callback("o", "reply", ticket_id)),
                (t("ticket-button-close"), callback("o", "close", ticket_id))],
               [(t("ticket-button-view"), callback("o", "view", ticket_id))])
