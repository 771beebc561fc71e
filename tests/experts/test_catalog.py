"""The contact feature's texts and button data: both languages, every family, 64 bytes."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.contact import TicketCb, thread_text
from storage import tickets
from storage.records import OfficeRecord
from texts import tickets as ticket_texts
from texts.i18n import Translator, catalog_keys

FAMILIES = {
    "ticket-category-": tickets.CATEGORIES,
    "ticket-status-": ("open", "answered", "closed"),
    "ticket-level-": ("0", "1", "2"),
    "ticket-decl-": ("none", "draft", "submitted", "returned", "confirmed", "published"),
    "ticket-refused-": ("no-office", "bad-category", "too-many-open", "flood", "too-long",
                        "empty", "not-found", "closed", "not-closed", "already-rated",
                        "bad-rating", "not-yours", "cannot-claim", "bad-target", "no-faq",
                        "not-answerer"),
}


def test_key_families_exist_in_both_languages() -> None:
    for lang in ("fa", "en"):
        known = catalog_keys(lang)
        missing = [p + n for p, names in FAMILIES.items() for n in names if p + n not in known]
        assert missing == [], lang


def test_storage_and_handlers_pack_the_same_button_data() -> None:
    for side, action, ticket_id, arg in (("o", "view", 12, ""), ("e", "to", 99999, "123456"),
                                         ("o", "rate", 7, "5")):
        packed = TicketCb(side=side, action=action, id=ticket_id, arg=arg).pack()
        assert packed == ticket_texts.callback(side, action, ticket_id, arg)
        assert len(packed.encode()) <= 64


def test_typed_text_does_not_become_formatting() -> None:
    """On Bale a `<b>` typed by a person must not become `*bold*`; on Telegram it is escaped."""
    now = datetime(2025, 10, 8, 6, 30, tzinfo=UTC)
    record = tickets.TicketRecord(5, 1, 1, None, "scoring", "open", 0, None, None, None, now,
                                  None)
    office = OfficeRecord(1, "16598444", "دفتر ساری", "urban", 4, "مازندران", "ساری", "x", "y")
    message = tickets.MessageRecord(1, "owner", "<b>x</b> *y* [z](http://a)", None, None,
                                    None, None, now)
    view = tickets.TicketView(record, office, "شمال", "North", None, None, None, (message,))
    bale = thread_text(Translator("fa", "bale"), view, for_expert=True)
    assert "‹b›x‹/b›" in bale and "*y*" not in bale and "[z]" not in bale
    telegram = thread_text(Translator("fa", "telegram"), view, for_expert=True)
    assert "&lt;b&gt;x&lt;/b&gt;" in telegram


def test_numbers_and_phones() -> None:
    t = Translator("fa", "telegram")
    assert "۱۲" in t("ticket-answered-note", number=12)
    assert "12" in Translator("en")("ticket-answered-note", number=12)
