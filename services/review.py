"""The region's review as use cases: the queue, a declaration, and the reviewer's actions.

Every function takes the acting account and checks, in its own unit of work, that it holds the
reviewer role and that what it names (a declaration, a file) belongs to one of its regions:
nothing a button carries is trusted. Each change writes its audit row and queues what the owners
must hear in the same transaction (`storage.review_actions`). Of two reviewers confirming (or one
confirming while another returns) the same declaration at once, exactly one moves it; the other
is told who did and when (`Conflict("rv-already-confirmed", by=…, at=…)`, or
`rv-already-returned`; `rv-not-reviewable` with the status it found otherwise).

Refusals are `services.errors` with the catalog key of the first round (`rv-…`) as their code.
A reviewer linked to an office as its owner never reviews it (`Forbidden("rv-own-office")`):
the queue's "next" passes it by, and every action on it is refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring.rubric import Indicator
from scoring.score import Breakdown
from scoring.status import DeclarationStatus as S
from services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from services.send_hours import by_day
from services.uow import UnitOfWork
from storage import declarations, review, review_actions, review_inputs, review_queue
from storage.accounts import Actor
from storage.admin import audit
from storage.declarations import EvidenceRecord
from storage.faults import fault_point
from storage.records import PeriodRecord
from storage.review import GRACE_DAYS, ReviewError, ReviewTarget, Who

__all__ = ["GRACE_DAYS", "Adjusted", "Confirmed", "Opened", "Page", "Queue", "Returned",
           "adjust", "comment", "confirm", "evidence", "next_declaration",
           "open_declaration", "page", "queue", "reject_evidence", "restore_evidence",
           "return_to_owner", "target"]

FORBIDDEN = frozenset({"rv-not-yours", "assoc-not-yours"})
NOT_FOUND = frozenset({"rv-stale", "assoc-no-office", "rv-no-period"})
CONFLICT = frozenset({"rv-not-reviewable", "rv-disc-closed", "rv-neg-duplicate",
                      "rv-published", "rv-already-confirmed", "rv-already-returned",
                      "rv-disc-closed-by"})


def refusal(error: ReviewError) -> ServiceError:
    """A storage refusal as the service error of its kind (same code, same facts)."""
    kind: type[ServiceError] = (Forbidden if error.key in FORBIDDEN else
                                NotFound if error.key in NOT_FOUND else
                                Conflict if error.key in CONFLICT else Invalid)
    return kind(error.key, **error.args_)


@contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except ReviewError as error:
        raise refusal(error) from None


@asynccontextmanager
async def acting(uow: UnitOfWork, declaration_id: int) -> AsyncIterator[None]:
    """`refusals()` for an action on a declaration: one no longer reviewable says who moved it
    and when (the loser of a race, or a second tap)."""
    try:
        yield
    except ReviewError as error:
        if error.key == "rv-not-reviewable" and "by" not in error.args_:
            error = await review_actions.already(uow.session, declaration_id,
                                                 str(error.args_.get("status")))
        raise refusal(error) from None


def who(actor: Actor) -> Who:
    return Who(f"{actor.platform}:{actor.user_id}", actor.account_id)


def regions(actor: Actor) -> set[int]:
    if not actor.has_role("reviewer"):
        raise Forbidden("rv-not-yours")
    return actor.regions("reviewer")


async def period_now(uow: UnitOfWork, now: datetime) -> PeriodRecord:
    """The period under review now (inside an open unit of work)."""
    period = await review.review_period(uow.session, now)
    if period is None:
        raise NotFound("rv-no-period")
    return period


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True, slots=True)
class Queue:
    period: PeriodRecord
    counts: review_queue.QueueCounts
    regions: list[tuple[str, str]]  # (Persian name, English name) of each region
    refusal: ServiceError | None  # why actions are refused now (read-only), or None


@dataclass(frozen=True, slots=True)
class Page:
    which: str
    rows: list[review_queue.QueueRow]
    total: int
    page: int


@dataclass(frozen=True, slots=True)
class Opened:
    """A declaration as the reviewer sees it: the score as it stands and the committee
    decisions recorded for its office this period."""

    target: ReviewTarget
    breakdown: Breakdown
    negatives: int


async def queue(uow: UnitOfWork, actor: Actor, now: datetime) -> Queue:
    mine = regions(actor)
    async with uow:
        period = await period_now(uow, now)
        counts = await review_queue.queue_counts(uow.session, period.id, mine)
        names = await review_queue.region_names(uow.session, mine)
    why = review.action_refusal(period, now)
    return Queue(period, counts, names, refusal(why) if why is not None else None)


async def page(uow: UnitOfWork, actor: Actor, now: datetime, which: str, number: int,
               per_page: int) -> Page:
    mine = regions(actor)
    if which not in review_queue.FILTERS:
        raise NotFound("rv-stale")
    async with uow:
        period = await period_now(uow, now)
        rows, total = await review_queue.list_queue(uow.session, period.id, mine, which,
                                                    number, per_page)
    return Page(which, rows, total, number)


def not_own(actor: Actor, office_id: int, code: str) -> None:
    """Refuse an office the actor is linked to as its owner (a staff member who also owns an
    office never reviews or scores it)."""
    if office_id in actor.office_ids:
        raise Forbidden("rv-own-office", code=code)


async def _target(uow: UnitOfWork, actor: Actor, declaration_id: int) -> ReviewTarget:
    with refusals():
        found = await review.open_declaration(uow.session, declaration_id, regions(actor))
    not_own(actor, found.office.id, found.office.code)
    return found


async def _evidence_target(uow: UnitOfWork, actor: Actor, evidence_id: int
                           ) -> tuple[ReviewTarget, EvidenceRecord]:
    with refusals():
        found, record = await review.evidence_target(uow.session, evidence_id, regions(actor))
    not_own(actor, found.office.id, found.office.code)
    return found, record


async def _opened(uow: UnitOfWork, target: ReviewTarget, actor: Actor | None = None,
                  now: datetime | None = None) -> Opened:
    """The declaration as the reviewer sees it; with `actor` and `now`, a submission the
    reviewer may act on is marked as under review (audited, committed): from then on its owner
    may not edit it, only report a discrepancy (issue 20)."""
    breakdown = await review.provisional(uow.session, target)
    negatives = await review_inputs.list_negatives(uow.session, target.office.id,
                                                   target.period.id)
    view = target.view
    if actor is not None and now is not None and view.status == S.SUBMITTED and \
            view.review_started_at is None and \
            review.action_refusal(target.period, now, view.grace_until) is None and \
            await declarations.start_review(uow.session, view.id, view.version, now):
        reviewer = who(actor)
        await audit(uow.session, actor=reviewer.label, actor_account_id=reviewer.account_id,
                    action="declaration.review_started", entity="declaration",
                    entity_id=view.id, new=str(view.version))
        await uow.commit()
    return Opened(target, breakdown, len(negatives))


async def open_declaration(uow: UnitOfWork, actor: Actor, declaration_id: int,
                           actionable_at: datetime | None = None, *,
                           now: datetime | None = None) -> Opened:
    """The declaration with its provisional score; with `actionable_at`, only if the reviewer
    may act on it then (submitted, inside the window). With `now` (or `actionable_at`) a
    submission the reviewer may act on is from then on under review."""
    async with uow:
        target = await _target(uow, actor, declaration_id)
        if actionable_at is not None:
            with refusals():
                review.must_be_actionable(target, actionable_at)
        return await _opened(uow, target, actor, now or actionable_at)


async def target(uow: UnitOfWork, actor: Actor, declaration_id: int,
                 actionable_at: datetime | None = None) -> ReviewTarget:
    """The declaration alone (no score): for the screens that pick an item or a grace."""
    async with uow:
        found = await _target(uow, actor, declaration_id)
    if actionable_at is not None:
        with refusals():
            review.must_be_actionable(found, actionable_at)
    return found


async def next_declaration(uow: UnitOfWork, actor: Actor, now: datetime, after: int = 0
                           ) -> Opened | None:
    """The oldest submitted declaration of the regions (after `after`, which must be the
    region's too), or None when there is none left."""
    mine = regions(actor)
    async with uow:
        if after:
            with refusals():
                await review.check_region(uow.session, after, mine)
        period = await period_now(uow, now)
        found = await review_queue.next_to_review(uow.session, period.id, mine, after or None)
        passed: set[int] = set()
        while found is not None and found not in passed:
            target = await _target_or_none(uow, actor, found)
            if target is not None:
                return await _opened(uow, target, actor, now)
            passed.add(found)  # the reviewer's own office: the one after it
            found = await review_queue.next_to_review(uow.session, period.id, mine, found)
        return None


async def _target_or_none(uow: UnitOfWork, actor: Actor, declaration_id: int
                          ) -> ReviewTarget | None:
    try:
        return await _target(uow, actor, declaration_id)
    except Forbidden as error:
        if error.code == "rv-own-office":
            return None
        raise


async def evidence(uow: UnitOfWork, actor: Actor, evidence_id: int,
                   actionable_at: datetime | None = None
                   ) -> tuple[ReviewTarget, EvidenceRecord]:
    """A file of a declaration of the regions (with `actionable_at`: that may be acted on)."""
    async with uow:
        found, record = await _evidence_target(uow, actor, evidence_id)
        if actionable_at is not None:
            with refusals():
                review.must_be_actionable(found, actionable_at)
    return found, record


# ---------------------------------------------------------------------------------------------
# Actions


@dataclass(frozen=True, slots=True)
class Confirmed:
    target: ReviewTarget
    told: int  # owners told


@dataclass(frozen=True, slots=True)
class Adjusted:
    target: ReviewTarget
    item: Indicator
    value: Any


@dataclass(frozen=True, slots=True)
class Returned:
    target: ReviewTarget
    deadline: datetime  # the owner's: the window's close or the grace period's end


async def confirm(uow: UnitOfWork, actor: Actor, declaration_id: int, now: datetime
                  ) -> Confirmed:
    async with uow:
        found = await _target(uow, actor, declaration_id)
        async with acting(uow, found.view.id):
            told = await review_actions.confirm(uow.session, found, who(actor), now,
                                                not_before=by_day(now))
        fault_point("review.moved")
        await uow.commit()
    fault_point("review.committed")
    return Confirmed(found, told)


async def adjust(uow: UnitOfWork, actor: Actor, declaration_id: int, index: int, value: Any,
                 reason: str, now: datetime) -> Adjusted:
    """The accepted value of the `index`-th item (declaring it again clears the adjustment)."""
    async with uow:
        found = await _target(uow, actor, declaration_id)
        async with acting(uow, found.view.id):
            item = found.item(index)
            value = await review_actions.adjust(uow.session, found, item.key, value, reason,
                                                who(actor), now)
        await uow.commit()
    return Adjusted(found, item, value)


async def reject_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int, reason: str,
                          now: datetime) -> ReviewTarget:
    """`reason`: «@<quick reason>» or the reviewer's words."""
    async with uow:
        found, record = await _evidence_target(uow, actor, evidence_id)
        async with acting(uow, found.view.id):
            await review_actions.reject_evidence(uow.session, found, record.id, reason,
                                                 who(actor), now)
        await uow.commit()
    return found


async def restore_evidence(uow: UnitOfWork, actor: Actor, evidence_id: int, now: datetime
                           ) -> ReviewTarget:
    async with uow:
        found, record = await _evidence_target(uow, actor, evidence_id)
        async with acting(uow, found.view.id):
            await review_actions.restore_evidence(uow.session, found, record.id, who(actor),
                                                  now)
        await uow.commit()
    return found


async def comment(uow: UnitOfWork, actor: Actor, declaration_id: int, index: int, text: str,
                  now: datetime) -> ReviewTarget:
    """The comment on the `index`-th item (empty removes it); the declaration after it."""
    async with uow:
        found = await _target(uow, actor, declaration_id)
        async with acting(uow, found.view.id):
            await review_actions.set_comment(uow.session, found, found.item(index).key, text,
                                             who(actor), now)
        await uow.commit()
    return await target(uow, actor, declaration_id)


async def return_to_owner(uow: UnitOfWork, actor: Actor, declaration_id: int, grace_days: int,
                          now: datetime) -> Returned:
    async with uow:
        found = await _target(uow, actor, declaration_id)
        async with acting(uow, found.view.id):
            deadline = await review_actions.return_to_owner(uow.session, found, who(actor),
                                                            now, grace_days)
        await uow.commit()
    return Returned(found, deadline)
