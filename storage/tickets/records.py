"""What a ticket is as plain data: its states and levels, the refusals, the records the
repositories return (a ticket, its messages, the view an answerer or the owner reads, who may
answer, the directory, a frequent question)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.models import Faq, Office, Ticket, TicketMessage
from storage.records import ExpertRecord, OfficeRecord

CATEGORIES = ("declaration", "evidence", "scoring", "technical", "discrepancy")
LIAISON, EXPERT, SUPERVISOR = 0, 1, 2
OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
ACTIVE = (OPEN, ANSWERED)
UNASSIGNED = 0  # `claim(seen=...)`: the claimer saw nobody holding the ticket

class TicketError(Exception):
    """A refusal; `reason` names the catalog text `ticket-refused-<reason>`."""

    def __init__(self, reason: str, **args: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.args_ = args


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: int
    office_id: int
    account_id: int
    period_id: int | None
    category: str
    status: str
    level: int
    assignee_account_id: int | None
    due_at: datetime | None
    rating: int | None
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    author_role: str
    text: str
    file_sha256: str | None
    file_mime: str | None
    file_platform: str | None
    file_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewFile:
    """A checked and stored attachment, as it arrived."""

    sha256: str
    mime: str
    platform: str
    file_id: str


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: TicketRecord
    office: OfficeRecord
    region_fa: str
    region_en: str
    period_code: str | None
    declaration_status: str | None
    assignee_name: str | None
    messages: tuple[MessageRecord, ...]


@dataclass(frozen=True, slots=True)
class Answerer:
    """What an account may answer: expert categories, liaison regions, HQ."""

    account_id: int
    name: str
    categories: frozenset[str]
    regions: frozenset[int]
    hq: bool

    @property
    def supervisor(self) -> bool:
        return self.hq or "supervisor" in self.categories

    def level_for(self, category: str, region_code: int) -> int | None:
        """The highest level at which this account may take a ticket, or None."""
        if self.supervisor:
            return SUPERVISOR
        if category in self.categories:
            return EXPERT
        if region_code in self.regions:
            return LIAISON
        return None


@dataclass(frozen=True, slots=True)
class Directory:
    experts: tuple[ExpertRecord, ...]
    region_fa: str | None
    region_en: str | None
    liaisons: tuple[tuple[str, str | None], ...]  # (name, phone)
    region_phone: str | None


@dataclass(frozen=True, slots=True)
class FaqRecord:
    id: int
    category: str
    question_fa: str
    answer_fa: str
    question_en: str
    answer_en: str

    def question(self, lang: str) -> str:
        return self.question_en if lang == "en" and self.question_en else self.question_fa

    def answer(self, lang: str) -> str:
        return self.answer_en if lang == "en" and self.answer_en else self.answer_fa


@dataclass(frozen=True, slots=True)
class Target:
    account_id: int
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class Inbox:
    assigned: tuple[TicketView, ...]
    pool: tuple[TicketView, ...]


def ticket_record(t: Ticket) -> TicketRecord:
    return TicketRecord(t.id, t.office_id, t.account_id, t.period_id, t.category, t.status,
                        t.level, t.assignee_account_id, t.due_at, t.rating, t.created_at,
                        t.closed_at)


def message_record(m: TicketMessage) -> MessageRecord:
    return MessageRecord(m.id, m.author_role, m.text, m.file_sha256, m.file_mime,
                         m.file_platform, m.file_id, m.created_at)


def office_record(o: Office) -> OfficeRecord:
    return OfficeRecord(o.id, o.code, o.name, o.office_type, o.region_code, o.province, o.city,
                        o.holder_name, o.holder_phone)


def faq_record(f: Faq) -> FaqRecord:
    return FaqRecord(f.id, f.category, f.question_fa, f.answer_fa, f.question_en, f.answer_en)


def card_args(view: TicketView) -> dict[str, Any]:
    """What an answerer's card shows of a ticket (`texts.tickets.header_lines`), as plain data."""
    ticket = view.ticket
    return {"office": view.office.name, "code": view.office.code,
            "region_fa": view.region_fa, "region_en": view.region_en,
            "period": view.period_code, "declaration": view.declaration_status,
            "due_at": ticket.due_at.isoformat()
            if ticket.due_at is not None and ticket.status == OPEN else None}

