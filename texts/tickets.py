"""The words of owners' questions to experts: the directory, the thread of a ticket, the
answerer's card header, when something happened, and the buttons on a notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scoring.calendar import format_jalali_date, period_title, to_jalali
from scoring.text import to_persian_digits
from storage.tickets import Directory, TicketView, card_args
from texts.i18n import Markup, Translator
from texts.ticket_callbacks import AnswererTicketCb, ClaimTicketCb, OwnerTicketCb


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
    def e(action: str) -> str:
        return AnswererTicketCb(action=action, id=ticket_id).pack()  # type: ignore[arg-type]

    if not assigned:  # a notice goes out for an unassigned ticket: nobody was seen holding it
        return _kb([(t("expert-button-claim"), ClaimTicketCb(id=ticket_id, seen=0).pack()),
                    (t("expert-button-view"), e("view"))])
    return _kb([(t("expert-button-answer"), e("ans")), (t("expert-button-faq"), e("faq"))],
               [(t("expert-button-view"), e("view")), (t("expert-button-transfer"), e("tr"))])


def owner_keyboard(t: Translator, ticket_id: int) -> dict[str, Any]:
    def o(action: str) -> str:
        return OwnerTicketCb(action=action, id=ticket_id).pack()  # type: ignore[arg-type]

    return _kb([(t("ticket-button-reply"), o("reply")), (t("ticket-button-close"), o("close"))],
               [(t("ticket-button-view"), o("view"))])


def thread_text(t: Translator, view: TicketView, *, for_expert: bool, limit: int = 3500
                ) -> str:
    """The ticket card: title, state, (for an answerer) the office header, then the thread,
    newest messages kept when the whole would be too long for one message."""
    ticket = view.ticket
    head = [t("ticket-card-title", number=ticket.id,
              category=t(f"ticket-category-{ticket.category}")),
            t("ticket-card-state", status=t(f"ticket-status-{ticket.status}"))]
    if for_expert:
        head += header_lines(t, card_args(view))
    if view.assignee_name and for_expert:
        head.append(t("ticket-card-assignee", name=view.assignee_name,
                      level=t(f"ticket-level-{ticket.level}")))
    elif not for_expert:
        head.append(t("ticket-card-level", level=t(f"ticket-level-{ticket.level}")))
    if ticket.rating:
        head.append(t("ticket-card-rating", rating=ticket.rating))
    body: list[str] = []
    size = sum(len(line) + 1 for line in head)
    for message in reversed(view.messages):
        text = message.text if len(message.text) <= 700 else message.text[:700] + "…"
        key = "ticket-msg-owner" if message.author_role == "owner" else "ticket-msg-expert"
        # The person's own words are escaped on their own, outside the catalog text: on Bale a
        # `<b>` typed by someone must not turn into formatting.
        block = t(key, when=when(message.created_at, t.lang)) + "\n" + t.raw(text)
        if message.file_sha256:
            block += "\n" + t("ticket-msg-file")
        if size + len(block) + 2 > limit:
            body.insert(0, t("ticket-older-hidden"))
            break
        body.insert(0, block)
        size += len(block) + 2
    return "\n".join(head) + "\n\n" + "\n\n".join(body)


def directory_text(t: Translator, entry: Directory) -> str:
    return "\n".join([t("contact-title"), *directory_lines(t, entry), "", t("contact-ask-hint")])


def directory_lines(t: Translator, entry: Directory) -> list[str]:
    """The experts, the region's liaisons and its phone, a line each."""
    # Phone numbers go out as plain text in ASCII digits: Telegram accepts only http(s) and
    # tg:// URLs in buttons (a `tel:` URL button is refused), and Bale's Markdown support for a
    # `tel:` link is unconfirmed; the apps make a number in plain text tappable themselves, but
    # not one written in Persian digits, so `Markup` keeps the translator from converting it.
    def phone(number: str) -> Markup:
        return Markup(t.raw(number))

    lines: list[str] = []
    for expert in entry.experts:
        topic = expert.topic_en if t.lang == "en" and expert.topic_en else expert.topic_fa
        lines.append(t("contact-expert-line", name=expert.name, topic=topic,
                       phone=phone(expert.phone)))
        if expert.hours:
            lines.append(t("contact-expert-hours", hours=expert.hours))
    if entry.region_fa is not None:
        region = entry.region_en if t.lang == "en" and entry.region_en else entry.region_fa
        lines.append("")
        if entry.liaisons:
            for name, number in entry.liaisons:
                if number:
                    lines.append(t("contact-liaison-line", region=region, name=name,
                                   phone=phone(number)))
                else:
                    lines.append(t("contact-liaison-no-phone", region=region, name=name))
        else:
            lines.append(t("contact-liaison-none", region=region))
        if entry.region_phone:
            lines.append(t("contact-region-phone", phone=phone(entry.region_phone)))
    return lines
