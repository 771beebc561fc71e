"""What the console's association and expert pages read and do, scoped here, never in a template.

An association member sees and scores the offices of their provinces only (the same
`services.association` calls as the bot's /scores and `pishkhan scores import`); an office of
another province, or the page to anyone without the role, is `NotFound` (the console's 404).

An expert (a linked expert, a region liaison, HQ) sees the tickets they hold and the unassigned
ones they may take (the bot's /inbox); another expert's ticket is `NotFound`. An answer goes
through `storage.tickets.answer`, as the bot's, so the owner hears of it through the outbox. The
answer form carries the last message its writer saw: when someone answered since (another
expert, or the same one in another tab), the loser is told who and when
(`ticket-already-answered`), and nothing is sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scoring.rubric import ExternalInput
from services import association
from services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from services.review import period_now, refusal
from services.tickets.common import policy_or_default, refusals
from services.uow import UnitOfWork
from storage import admin, review, review_inputs, tickets, winners
from storage.accounts import Actor
from storage.records import PeriodRecord
from storage.registry import ImportReport
from storage.review_inputs import ScoreRow
from storage.tickets import MessageRecord, TicketPolicy, TicketRecord, TicketView

__all__ = ["ScoreRow", "ScoreTable", "TicketLine", "TicketPage", "answer", "import_scores",
           "may_answer", "may_score", "open_tickets", "score_table", "set_score", "ticket",
           "ticket_file", "tickets_only"]

NOT_YOURS = ("assoc-not-yours", "assoc-no-office", "rv-stale")


def may_score(actor: Actor) -> bool:
    return actor.has_role("association") and bool(actor.provinces())


def may_answer(actor: Actor) -> bool:
    return actor.is_answerer


def tickets_only(actor: Actor) -> bool:
    """An answerer with no queue (a linked expert, a liaison): the console opens on tickets."""
    return may_answer(actor) and not any(
        actor.has_role(role) for role in ("hq", "reviewer", "association"))


def _scorer(actor: Actor) -> set[str]:
    if not may_score(actor):
        raise NotFound("console-not-found")
    return actor.provinces()


@dataclass(frozen=True, slots=True)
class ScoreTable:
    period: PeriodRecord  # the one shown
    periods: tuple[str, ...]  # every period's code, newest first, for the chooser
    provinces: list[str]
    spec: ExternalInput
    rows: list[ScoreRow]
    total: int  # offices matching the search
    offices: int  # offices of the provinces
    scored: int  # of which scored in the period shown
    refusal: ServiceError | None  # why entries are refused (read only), or None


async def score_table(uow: UnitOfWork, actor: Actor, now: datetime, text: str, page: int,
                      per_page: int, period_code: str | None = None) -> ScoreTable:
    """One page of the member's offices with their association score for a period (default:
    the one under review, the only one that takes entries; another is read only); `text`
    narrows them by code, name or city. An unknown period is `NotFound`."""
    provinces = _scorer(actor)
    async with uow:
        current = await period_now(uow, now)
        periods = await admin.list_periods(uow.session)
        codes = tuple(p.code for p in reversed(periods))
        chosen = next((p for p in periods if p.code == period_code), None)
        if period_code and chosen is None:
            raise NotFound("console-not-found")
        period = chosen or current
        rows, total = await review_inputs.association_table(uow.session, period.id, provinces,
                                                            text, page, per_page)
        offices, scored = await review_inputs.association_progress(uow.session, period.id,
                                                                   provinces)
    why: ServiceError | None = None
    if period.id != current.id:
        why = Invalid("console-scores-other-period", period_code=current.code)
    else:
        found = review.action_refusal(period, now)
        why = refusal(found) if found is not None else None
    return ScoreTable(period, codes, sorted(provinces), association.spec(period), rows, total,
                      offices, scored, why)


async def set_score(uow: UnitOfWork, actor: Actor, office_id: int, text: str, now: datetime
                    ) -> association.Saved:
    """The bot's typed score (`association.set_score`); another province's office is
    `NotFound`."""
    _scorer(actor)
    try:
        return await association.set_score(uow, actor, office_id, text, now)
    except (Forbidden, NotFound) as error:
        if error.code in NOT_YOURS:
            raise NotFound("console-not-found") from None
        raise


async def import_scores(uow: UnitOfWork, actor: Actor, path: Path, now: datetime
                        ) -> ImportReport:
    """The bot's (and `pishkhan scores import`'s) file import, all rows or none, for the
    member's provinces (rows of another province are refused, each with its reason)."""
    _scorer(actor)
    return await association.import_scores(uow, actor, path, "association", now)


# ---------------------------------------------------------------------------------------------
# Experts' tickets


@dataclass(frozen=True, slots=True)
class TicketLine:
    view: TicketView
    question: str  # the owner's first message
    files: int  # files in the thread
    mine: bool  # held by the actor (else unassigned, theirs to take by answering)


@dataclass(frozen=True, slots=True)
class TicketPage:
    view: TicketView
    mine: bool
    seen: int  # the last message shown: an answer given after it is someone else's
    answerable: bool


async def open_tickets(uow: UnitOfWork, actor: Actor, limit: int = 100) -> list[TicketLine]:
    """The tickets the actor holds, then the unassigned ones they may take (the bot's inbox)."""
    if not may_answer(actor):
        raise NotFound("console-not-found")
    async with uow:
        if await tickets.answerer(uow.session, actor.account_id) is None:
            raise NotFound("console-not-found")
        box = await tickets.inbox(uow.session, actor.account_id, limit=limit)
        views = list(box.assigned) + list(box.pool)
        found = await tickets.summaries(uow.session, [v.ticket.id for v in views])
    return [TicketLine(v, *found.get(v.ticket.id, ("", 0)),
                       v.ticket.assignee_account_id == actor.account_id) for v in views]


async def _visible(uow: UnitOfWork, actor: Actor, ticket_id: int) -> TicketView:
    """The ticket if the actor holds it, or it is unassigned and theirs to take; else
    `NotFound`."""
    if not may_answer(actor):
        raise NotFound("console-not-found")
    try:
        with refusals():
            view = await tickets.for_answerer(uow.session, ticket_id, actor.account_id)
    except (Forbidden, NotFound):
        raise NotFound("console-not-found") from None
    held = view.ticket.assignee_account_id
    if held is not None and held != actor.account_id:
        raise NotFound("console-not-found")
    return view


async def ticket(uow: UnitOfWork, actor: Actor, ticket_id: int) -> TicketPage:
    async with uow:
        view = await _visible(uow, actor, ticket_id)
        if len(view.messages) >= 12:  # the whole thread, not only its last dozen
            row = await tickets.get_ticket(uow.session, ticket_id)
            assert row is not None
            view = await tickets.load_view(uow.session, row, last=1000)
    seen = view.messages[-1].id if view.messages else 0
    return TicketPage(view, view.ticket.assignee_account_id == actor.account_id, seen,
                      view.ticket.status != tickets.CLOSED)


async def ticket_file(uow: UnitOfWork, actor: Actor, ticket_id: int, message_id: int
                      ) -> MessageRecord:
    """A file of a ticket the actor may see; any other `NotFound`."""
    async with uow:
        await _visible(uow, actor, ticket_id)
        found = await tickets.message_file(uow.session, ticket_id, message_id)
    if found is None:
        raise NotFound("console-not-found")
    return found


async def answer(uow: UnitOfWork, actor: Actor, ticket_id: int, text: str, seen: int,
                 now: datetime, policy: TicketPolicy | None = None) -> TicketRecord:
    """Answer the ticket as the bot's expert does (an unassigned one is taken first, in the same
    transaction). `seen`: the last message on the writer's page; an answer written after it
    means someone got there first (`Conflict("ticket-already-answered", by=…, at=…)`)."""
    if not may_answer(actor):
        raise NotFound("console-not-found")
    policy = policy_or_default(policy)
    async with uow:
        row = await tickets.get_ticket(uow.session, ticket_id, lock=True)
        if row is None:
            raise NotFound("console-not-found")
        profile = await tickets.answerer(uow.session, actor.account_id)
        office = await tickets.office(uow.session, row.office_id)
        may_take = profile is not None and office is not None and profile.level_for(
            row.category, office.region_code) is not None
        won = await winners.ticket_answer(uow.session, ticket_id, seen)
        if won is not None and (may_take or row.assignee_account_id == actor.account_id):
            raise Conflict("ticket-already-answered", by=won.name, at=won.at,
                           number=ticket_id)
        if row.assignee_account_id is None and may_take:
            with refusals():
                await tickets.claim(uow.session, ticket_id=ticket_id,
                                    account_id=actor.account_id, now=now, policy=policy,
                                    seen=tickets.UNASSIGNED)
        elif row.assignee_account_id != actor.account_id:
            raise NotFound("console-not-found")
        with refusals():
            record = await tickets.answer(uow.session, ticket_id=ticket_id,
                                          account_id=actor.account_id, text=text, now=now,
                                          policy=policy)
        await uow.commit()
    return record
