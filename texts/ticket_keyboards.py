"""The buttons of the contact feature: the owner's (directory, asking, the thread, the list) and
the answerers' (inbox, card, prepared answers, passing on). Packed by `texts.ticket_callbacks`."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup

from storage.records import OfficeRecord
from storage.tickets import CATEGORIES, CLOSED, FaqRecord, Target, TicketRecord
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.ticket_callbacks import (
    AnswererTicketCb,
    CategoryTicketCb,
    ClaimTicketCb,
    FaqTicketCb,
    OwnerTicketCb,
    RateTicketCb,
    TransferTicketCb,
)

# --- the owner's -----------------------------------------------------------------------------


def contact(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-ask"), callback_data=OwnerTicketCb(action="ask"))
    kb.button(text=t("contact-button-my-tickets"), callback_data=OwnerTicketCb(action="list"))
    kb.button(text=t("contact-button-menu"), callback_data="menu:main")
    kb.adjust(2, 1)
    return kb.as_markup()


def choose_office(t: Translator, offices: Iterable[OfficeRecord]) -> InlineKeyboardMarkup:
    """A button per office with what tells them apart (city, code in the reader's digits), short
    enough for a phone; the names, which all begin alike, are in the message."""
    kb = InlineKeyboardBuilder()
    for office in offices:
        kb.button(text=t("link-office-button", city=office.city, code=office.code),
                  callback_data=OwnerTicketCb(action="ask", id=office.id))
    kb.adjust(1)
    return kb.as_markup()


def categories(t: Translator, office_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in CATEGORIES:
        kb.button(text=t(f"ticket-category-{category}"),
                  callback_data=CategoryTicketCb(office=office_id, category=category))
    kb.button(text=t("contact-button-cancel"), callback_data=OwnerTicketCb(action="cancel"))
    kb.adjust(2, 2, 1, 1)
    return kb.as_markup()


def owner_cancel(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-cancel"), callback_data=OwnerTicketCb(action="cancel"))
    return kb.as_markup()


def done(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-done"), callback_data=OwnerTicketCb(action="done",
                                                                         id=ticket_id))
    return kb.as_markup()


def my_list(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-my-tickets"), callback_data=OwnerTicketCb(action="list"))
    return kb.as_markup()


def ask_only(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-ask"), callback_data=OwnerTicketCb(action="ask"))
    return kb.as_markup()


def owner_ticket(t: Translator, ticket: TicketRecord) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if ticket.status != CLOSED:
        kb.button(text=t("ticket-button-reply"),
                  callback_data=OwnerTicketCb(action="reply", id=ticket.id))
        kb.button(text=t("ticket-button-close"),
                  callback_data=OwnerTicketCb(action="close", id=ticket.id))
    elif ticket.rating is None:
        for n in range(1, 6):
            kb.button(text=t("ticket-rate-button", rating=n),
                      callback_data=RateTicketCb(id=ticket.id, rating=n))
    kb.button(text=t("contact-button-my-tickets"), callback_data=OwnerTicketCb(action="list"))
    if ticket.status != CLOSED:
        kb.adjust(2)
    else:
        kb.adjust(5, 1)
    return kb.as_markup()


def owner_list(t: Translator, rows: Iterable[TicketRecord]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for ticket in rows:
        kb.button(text=t("ticket-button-number", number=ticket.id),
                  callback_data=OwnerTicketCb(action="view", id=ticket.id))
    kb.adjust(4)
    kb.attach(InlineKeyboardBuilder.from_markup(ask_only(t)))
    return kb.as_markup()


# --- the answerers' --------------------------------------------------------------------------


def inbox_button(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("expert-button-inbox"), callback_data=AnswererTicketCb(action="inbox"))
    return kb.as_markup()


def inbox(t: Translator, ticket_ids: Iterable[int]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for ticket_id in ticket_ids:
        kb.button(text=t("ticket-button-number", number=ticket_id),
                  callback_data=AnswererTicketCb(action="view", id=ticket_id))
    kb.adjust(4)
    return kb.as_markup()


def card(t: Translator, ticket: TicketRecord, *, mine: bool, can_claim: bool
         ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if mine:
        kb.button(text=t("expert-button-answer"),
                  callback_data=AnswererTicketCb(action="ans", id=ticket.id))
        kb.button(text=t("expert-button-faq"),
                  callback_data=AnswererTicketCb(action="faq", id=ticket.id))
        kb.button(text=t("expert-button-transfer"),
                  callback_data=AnswererTicketCb(action="tr", id=ticket.id))
    elif can_claim:
        kb.button(text=t("expert-button-claim"),
                  callback_data=ClaimTicketCb(id=ticket.id,
                                              seen=ticket.assignee_account_id or 0))
    kb.button(text=t("expert-button-inbox"), callback_data=AnswererTicketCb(action="inbox"))
    kb.adjust(2, 2)
    return kb.as_markup()


def answering(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("expert-button-faq"), callback_data=AnswererTicketCb(action="faq",
                                                                          id=ticket_id))
    kb.button(text=t("contact-button-cancel"), callback_data=AnswererTicketCb(action="cancel"))
    return kb.as_markup()


def faq_choice(t: Translator, ticket_id: int, items: Iterable[FaqRecord]
               ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for n, item in enumerate(items, start=1):
        kb.button(text=t("expert-faq-button", n=n),
                  callback_data=FaqTicketCb(id=ticket_id, faq=item.id))
    kb.adjust(4)
    more = InlineKeyboardBuilder()
    more.button(text=t("contact-button-cancel"), callback_data=AnswererTicketCb(action="cancel"))
    kb.attach(more)
    return kb.as_markup()


def claimed(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("expert-button-answer"), callback_data=AnswererTicketCb(action="ans",
                                                                             id=ticket_id))
    kb.button(text=t("expert-button-view"), callback_data=AnswererTicketCb(action="view",
                                                                           id=ticket_id))
    return kb.as_markup()


def transfer_targets(t: Translator, ticket_id: int, targets: Iterable[Target]
                     ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for target in targets:
        kb.button(text=t("expert-transfer-target", name=target.name,
                         level=t(f"ticket-level-{target.level}")),
                  callback_data=TransferTicketCb(id=ticket_id, to=target.account_id))
    kb.button(text=t("contact-button-cancel"), callback_data=AnswererTicketCb(action="cancel"))
    kb.adjust(1)
    return kb.as_markup()
