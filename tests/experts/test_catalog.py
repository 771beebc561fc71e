"""The contact feature's texts and button data: both languages, every family, 64 bytes."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import tickets
from storage.records import OfficeRecord
from texts.i18n import Translator, catalog_keys
from texts.ticket_callbacks import (
    AnswererTicketCb,
    CategoryTicketCb,
    ClaimTicketCb,
    FaqTicketCb,
    OwnerTicketCb,
    RateTicketCb,
    TransferTicketCb,
)
from texts.tickets import thread_text

FAMILIES = {
    "ticket-category-": tickets.CATEGORIES,
    "ticket-status-": ("open", "answered", "closed"),
    "ticket-level-": ("0", "1", "2"),
    "ticket-decl-": ("none", "draft", "submitted", "returned", "confirmed", "published"),
    "ticket-refused-": ("no-office", "bad-category", "too-many-open", "flood", "too-long",
                        "empty", "not-found", "closed", "not-closed", "already-rated",
                        "bad-rating", "not-yours", "cannot-claim", "bad-target", "no-faq",
                        "not-answerer", "taken"),
}


def test_key_families_exist_in_both_languages() -> None:
    for lang in ("fa", "en"):
        known = catalog_keys(lang)
        missing = [p + n for p, names in FAMILIES.items() for n in names if p + n not in known]
        assert missing == [], lang


def test_buttons_pack_as_older_messages_carry_them() -> None:
    """The typed factories pack to the `tk:<side>:<action>:<id>:<value>` form of before."""
    assert OwnerTicketCb(action="view", id=12).pack() == "tk:o:view:12:"
    assert OwnerTicketCb(action="list").pack() == "tk:o:list:0:"
    assert CategoryTicketCb(office=3, category="scoring").pack() == "tk:o:cat:3:scoring"
    assert RateTicketCb(id=7, rating=5).pack() == "tk:o:rate:7:5"
    assert TransferTicketCb(id=99999, to=123456).pack() == "tk:e:to:99999:123456"
    assert FaqTicketCb(id=4, faq=1).pack() == "tk:e:fq:4:1"
    assert ClaimTicketCb.unpack("tk:e:claim:5:").seen is None  # a button from before
    assert ClaimTicketCb(id=5, seen=0).pack() == "tk:e:claim:5:0"
    assert AnswererTicketCb.unpack("tk:e:ans:5:").action == "ans"


def test_the_longest_button_data_fits_64_bytes() -> None:
    """Ids as large as a PostgreSQL bigint, the longest category and action."""
    big = 2**63 - 1
    longest = max(tickets.CATEGORIES, key=len)
    packed = [OwnerTicketCb(action="cancel", id=big), AnswererTicketCb(action="cancel", id=big),
              CategoryTicketCb(office=big, category=longest),  # type: ignore[arg-type]
              RateTicketCb(id=big, rating=5), ClaimTicketCb(id=big, seen=big),
              FaqTicketCb(id=big, faq=big), TransferTicketCb(id=big, to=big)]
    for data in packed:
        assert len(data.pack().encode()) <= 64, data.pack()


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
