"""What the staff console reads: the queue in the actor's scope, and a declaration beside the
office's last period.

The scope is decided here, never in a template: a reviewer sees their regions, an association
its provinces, headquarters every office; anyone else (an expert, a liaison) has no queue
(`Forbidden("console-no-queue")`). A declaration outside the scope is `NotFound` (the same
answer as one that does not exist), through `services.review`, whose actions the console calls
as the bot does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services import review
from services.errors import Forbidden, Invalid, NotFound, ServiceError
from services.uow import UnitOfWork
from storage import declarations, review_queue
from storage.accounts import Actor
from storage.records import PeriodRecord
from storage.review import ReviewError, must_be_actionable
from storage.review_queue import Digest, QueueQuery, Scope, SearchRow

__all__ = ["Declaration", "Digest", "QueueQuery", "Scope", "Searched", "open_declaration",
           "scope_of", "search"]


def scope_of(actor: Actor) -> Scope:
    if actor.has_role("hq"):
        return Scope()
    if actor.has_role("reviewer"):
        return Scope(regions=frozenset(actor.regions("reviewer")))
    if actor.has_role("association"):
        return Scope(provinces=frozenset(actor.provinces()))
    raise Forbidden("console-no-queue")


@dataclass(frozen=True, slots=True)
class Searched:
    period: PeriodRecord
    digest: Digest
    rows: list[SearchRow]
    total: int
    query: QueueQuery
    office_types: list[str]
    provinces: list[str]
    cities: list[str]
    may_review: bool  # the actor reviews (opens and acts on declarations)


async def search(uow: UnitOfWork, actor: Actor, now: datetime, query: QueueQuery) -> Searched:
    scope = scope_of(actor)
    if query.status and query.status not in review_queue.FILTERS:
        raise Invalid("console-bad-filter")
    async with uow:
        period = await review.period_now(uow, now)
        found = await review_queue.digest(uow.session, period.id, scope)
        rows, total = await review_queue.search(uow.session, period.id, scope, query)
        types, provinces, cities = await review_queue.choices(uow.session, scope)
    return Searched(period, found, rows, total, query, types, provinces, cities,
                    actor.has_role("reviewer"))


@dataclass(frozen=True, slots=True)
class Declaration:
    opened: review.Opened
    previous: dict[str, Any]  # last period's accepted answers, typed by this period's rubric
    actionable: bool
    refusal: ServiceError | None  # why no action is possible now


async def open_declaration(uow: UnitOfWork, actor: Actor, declaration_id: int, now: datetime
                           ) -> Declaration:
    """A declaration of the reviewer's regions, with last period's values; `NotFound` for any
    other (another region's office answers exactly like one that does not exist)."""
    try:
        opened = await review.open_declaration(uow, actor, declaration_id, now=now)
    except Forbidden as error:
        if error.code == "rv-not-yours":
            raise NotFound("rv-stale") from None
        raise
    target = opened.target
    async with uow:
        earlier = await declarations.previous_confirmed(uow.session, target.office.id,
                                                        target.period)
    previous = declarations.typed_answers(target.rubric, earlier[1]) if earlier else {}
    refusal: ServiceError | None = None
    try:
        must_be_actionable(target, now)
    except ReviewError as error:
        refusal = review.refusal(error)
    return Declaration(opened, previous, refusal is None, refusal)
