"""The contact feature's texts and button data: both languages, every family, 64 bytes."""

from __future__ import annotations

from bot.i18n import Translator, catalog_keys
from handlers.contact import TicketCb
from storage import tickets

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
        assert packed == tickets.callback(side, action, ticket_id, arg)
        assert len(packed.encode()) <= 64


def test_user_text_cannot_turn_into_formatting() -> None:
    for platform in ("bale", "telegram"):
        t = Translator("fa", platform)
        assert "<b>" not in t.raw("<b>x</b>") or platform == "bale"
        assert "*" not in t.raw("*x*")


def test_numbers_and_phones() -> None:
    t = Translator("fa", "telegram")
    assert "۱۲" in t("ticket-answered-note", number=12)
    assert "12" in Translator("en")("ticket-answered-note", number=12)
