"""Questions to the experts ("tickets"): routing, the thread, escalation, the FAQ list.

A ticket goes first to the liaison of the office's region (level 0), then to the HQ expert of its
category (level 1), then to an HQ supervisor (level 2). Whoever has it must answer within N working
hours (`scoring.workhours`); the escalation sweep moves an overdue ticket one level up and tells
the owner and the new answerer. Every check that decides who may read or write a ticket is here, so
a forged button or a stale state cannot get past it.

Functions do not commit: the use cases in `services.tickets` commit the change together with its
audit and outbox rows. They raise `TicketError` with a machine `reason`, which the services turn
into `services.errors` with the catalog code `ticket-refused-<reason>`.

| module | holds |
|---|---|
| `records` | states, levels, categories, the refusal, the plain records |
| `policy` | limits and the working-hours deadline |
| `routing` | the directory, answerers, routing to the least loaded |
| `queries` | reading (and locking) tickets, lists, the inbox, FAQs, the limits |
| `changes` | opening, writing, answering, closing, rating, claiming, passing on |
| `notices` | the notices of a ticket, as outbox data |
| `escalation` | the overdue ticket moved one level up |
| `experts` | binding a directory expert to an account |
"""

from storage.tickets.changes import (
    add_message,
    add_owner_message,
    answer,
    answer_from_faq,
    claim,
    close,
    open_ticket,
    rate,
    transfer,
)
from storage.tickets.escalation import due_ticket_ids, escalate_one
from storage.tickets.experts import link_expert, unlink_expert
from storage.tickets.policy import (
    TicketPolicy,
    clean_text,
    deadline,
    due_after,
    load_schedule,
    policy_of,
)
from storage.tickets.queries import (
    assigned,
    check_can_open,
    check_flood,
    faqs,
    for_answerer,
    for_owner,
    get_ticket,
    inbox,
    load_view,
    message_file,
    office,
    owned,
    owner_tickets,
    summaries,
    transfer_targets,
)
from storage.tickets.records import (
    ACTIVE,
    ANSWERED,
    CATEGORIES,
    CLOSED,
    EXPERT,
    LIAISON,
    OPEN,
    SUPERVISOR,
    UNASSIGNED,
    Answerer,
    Directory,
    FaqRecord,
    Inbox,
    MessageRecord,
    NewFile,
    Target,
    TicketError,
    TicketRecord,
    TicketView,
    card_args,
    ticket_record,
)
from storage.tickets.routing import answerer, directory, names_of, route

__all__ = [
    "ACTIVE", "ANSWERED", "CATEGORIES", "CLOSED", "EXPERT", "LIAISON", "OPEN", "SUPERVISOR",
    "UNASSIGNED",
    "Answerer", "Directory", "FaqRecord", "Inbox", "MessageRecord", "NewFile", "Target",
    "TicketError", "TicketPolicy", "TicketRecord", "TicketView", "add_message",
    "add_owner_message", "answer", "answer_from_faq", "answerer", "assigned", "card_args",
    "check_can_open", "check_flood", "claim", "clean_text", "close", "deadline", "directory",
    "due_after", "due_ticket_ids", "escalate_one", "faqs", "for_answerer", "for_owner",
    "get_ticket", "inbox", "link_expert", "load_schedule", "load_view", "names_of", "office",
    "open_ticket", "owned", "owner_tickets", "policy_of", "rate", "route", "ticket_record",
    "transfer", "message_file", "summaries",
    "transfer_targets", "unlink_expert",
]
