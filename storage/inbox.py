"""The inbox's statements (`storage.models_inbox`): store, take, finish, park, list, prune.

Nothing here commits: the poller and the webhook commit a stored batch before they acknowledge
it, and a handled update is marked done by the transaction of the change it made (see
`services.uow.UnitOfWork`, `delivery.inbox`), then answered once its handler returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.base import Executable

from storage.db import constant
from storage.models import Account, StaffRole
from storage.models_inbox import DONE, NEW, PARKED, REPLYING, InboxUpdate

OPEN = (NEW, REPLYING)  # taken by a worker (in order per chat) until answered


def _open(state: ColumnElement[str]) -> ColumnElement[bool]:
    """`state` is new or replying, the values written into the statement (`constant`): with
    them bound, PostgreSQL's plan for the prepared statement read every row the inbox keeps (a
    week of them) at each take; with them written, it takes the open rows by their partial
    index, `ix_inbox_open` (tests/inbox/test_inbox_cost.py, bench/inbox_take.py)."""
    return state.in_([constant(value) for value in OPEN])


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update as it arrived: which bot, its id, the chat it belongs to, its JSON."""

    update_id: int
    chat_id: int | None
    payload: str


@dataclass(frozen=True, slots=True)
class Taken:
    id: int
    platform: str
    bot_id: int
    update_id: int
    payload: str
    attempts: int
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class Parked:
    id: int
    platform: str
    bot_id: int
    update_id: int
    chat_id: int | None
    received_at: datetime
    attempts: int
    last_error: str | None


@cache
def _store_statement(dialect: str) -> Executable:
    """Built once per dialect and run with one parameter set per update (executemany):
    written with the rows in it, `VALUES (…), (…)` has no cache key, and SQLAlchemy compiled
    it afresh for every update received."""
    from sqlalchemy.dialects import postgresql, sqlite

    table = InboxUpdate.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert(table)
            .on_conflict_do_nothing(index_elements=["platform", "bot_id", "update_id"])
            .returning(table.c.id))


async def store(session: AsyncSession, platform: str, bot_id: int, updates: Sequence[Incoming],
                now: datetime) -> int:
    """Keep `updates`; one already kept (a re-delivery, a replay) is left as it is.
    Returns how many were new."""
    if not updates:
        return 0
    bind = session.bind
    statement = _store_statement(bind.dialect.name if bind is not None else "")
    result = await session.execute(statement, [
        {"platform": platform, "bot_id": bot_id, "update_id": u.update_id,
         "chat_id": u.chat_id, "payload": u.payload, "received_at": now, "state": NEW,
         "attempts": 0, "due_at": now} for u in updates])
    return len(result.all())


def _takeable() -> ColumnElement[bool]:
    """Due and not leased at `:now`: new, or replying (the process died between the change's
    commit and the reply; handling it again changes nothing and answers the person)."""
    now = bindparam("now")
    return and_(_open(InboxUpdate.state), InboxUpdate.due_at <= now,
                or_(InboxUpdate.lease_until.is_(None), InboxUpdate.lease_until < now))


@cache
def _take_statement(dialect: str) -> Executable:
    """Built once per dialect: the worker takes after every update it finishes, and building
    this expression anew each time cost four times what running it did (py-spy of
    `python -m bench deadline`: 13 % of a worker's CPU)."""
    earlier = aliased(InboxUpdate)
    blocked = select(earlier.id).where(
        earlier.platform == InboxUpdate.platform, earlier.bot_id == InboxUpdate.bot_id,
        earlier.chat_id == InboxUpdate.chat_id, earlier.id < InboxUpdate.id,
        _open(earlier.state), earlier.due_at <= bindparam("now")).exists()
    pick = (select(InboxUpdate.id).where(_takeable(), ~blocked)
            .order_by(InboxUpdate.id).limit(bindparam("limit")))
    if dialect == "postgresql":
        # SKIP LOCKED: two workers never wait for each other's rows; the CTE runs once.
        picked = pick.with_for_update(skip_locked=True).cte("picked")
        statement = update(InboxUpdate).where(InboxUpdate.id == picked.c.id, _takeable())
    else:  # SQLite: one writer at a time, the statement is atomic as it stands
        statement = update(InboxUpdate).where(InboxUpdate.id.in_(pick.scalar_subquery()),
                                              _takeable())
    return (statement.values(lease_until=bindparam("lease"), attempts=InboxUpdate.attempts + 1)
            .returning(InboxUpdate.id, InboxUpdate.platform, InboxUpdate.bot_id,
                       InboxUpdate.update_id, InboxUpdate.payload, InboxUpdate.attempts,
                       InboxUpdate.chat_id)
            .execution_options(synchronize_session=False))


async def take(session: AsyncSession, now: datetime, lease_until: datetime, limit: int
               ) -> list[Taken]:
    """Up to `limit` due updates, oldest first, leased until `lease_until`. An update waits
    while an earlier one of the same chat is not finished, so a person's updates are handled
    in the order they were sent (one waiting to be retried does not hold the others up; one
    replying does, until its answer is sent)."""
    bind = session.bind
    statement = _take_statement(bind.dialect.name if bind is not None else "")
    result = await session.execute(statement, {"now": now, "lease": lease_until, "limit": limit})
    return sorted((Taken(*row) for row in result.all()), key=lambda t: t.id)


_LATER = (select(InboxUpdate.id)
          .where(InboxUpdate.platform == bindparam("platform"),
                 InboxUpdate.bot_id == bindparam("bot_id"),
                 InboxUpdate.chat_id == bindparam("chat_id"), InboxUpdate.id > bindparam("id"),
                 _open(InboxUpdate.state))
          .limit(1))


async def later_in_chat(session: AsyncSession, row: Taken) -> bool:
    """Another update of `row`'s chat is still open: it waited for this one (`take` keeps a
    chat's updates in order), and may be taken now. Read by the open rows' index."""
    if row.chat_id is None:
        return False
    found = await session.scalar(_LATER, {"platform": row.platform, "bot_id": row.bot_id,
                                          "chat_id": row.chat_id, "id": row.id})
    return found is not None


_FINISH = (update(InboxUpdate)
           .where(InboxUpdate.id == bindparam("inbox_id"), InboxUpdate.state == NEW)
           .values(state=REPLYING, done_at=bindparam("at"))
           .execution_options(synchronize_session=False))
_ANSWERED = (update(InboxUpdate)
             .where(InboxUpdate.id == bindparam("inbox_id"), InboxUpdate.state.in_(OPEN))
             .values(state=DONE, done_at=func.coalesce(InboxUpdate.done_at, bindparam("at")),
                     lease_until=None)
             .execution_options(synchronize_session=False))


async def finish(session: AsyncSession, inbox_id: int, now: datetime) -> bool:
    """Mark the update's change made (in the change's transaction), its reply not yet sent
    (`replying`): its lease stays, so it is handled again if the process dies before
    `answered`. False if it was marked already (by this transaction or another)."""
    result = await session.execute(_FINISH, {"inbox_id": inbox_id, "at": now})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def answered(session: AsyncSession, inbox_id: int, now: datetime) -> bool:
    """The handler returned: the update is done (if its use case did not mark it) and answered,
    never taken again. False if it was answered already, or parked meanwhile."""
    result = await session.execute(_ANSWERED, {"inbox_id": inbox_id, "at": now})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def failed(session: AsyncSession, inbox_id: int, error: str, now: datetime,
                 retry_at: datetime | None) -> str | None:
    """A handling that raised: retried at `retry_at`, or parked when it is None. Returns the
    new state, or None when the update was finished meanwhile."""
    state = NEW if retry_at is not None else PARKED
    result = await session.execute(
        update(InboxUpdate).where(InboxUpdate.id == inbox_id, InboxUpdate.state == NEW)
        .values(state=state, due_at=retry_at or now, lease_until=None,
                last_error=error[-2000:])
        .execution_options(synchronize_session=False))
    return state if result.rowcount else None  # type: ignore[attr-defined]


async def release(session: AsyncSession, inbox_id: int) -> None:
    """Not handled at all (shutting down): taken again at once, the attempt not counted."""
    await session.execute(
        update(InboxUpdate).where(InboxUpdate.id == inbox_id, InboxUpdate.state == NEW)
        .values(lease_until=None, attempts=InboxUpdate.attempts - 1)
        .execution_options(synchronize_session=False))


async def renew(session: AsyncSession, ids: list[int], lease_until: datetime) -> None:
    await session.execute(
        update(InboxUpdate).where(InboxUpdate.id.in_(ids), InboxUpdate.state.in_(OPEN))
        .values(lease_until=lease_until).execution_options(synchronize_session=False))


async def has_due(session: AsyncSession, now: datetime) -> bool:
    return await session.scalar(select(InboxUpdate.id).where(_takeable()).limit(1),
                                {"now": now}) is not None


async def parked(session: AsyncSession, limit: int = 100) -> list[Parked]:
    rows = await session.execute(
        select(InboxUpdate.id, InboxUpdate.platform, InboxUpdate.bot_id, InboxUpdate.update_id,
               InboxUpdate.chat_id, InboxUpdate.received_at, InboxUpdate.attempts,
               InboxUpdate.last_error)
        .where(InboxUpdate.state == PARKED).order_by(InboxUpdate.id).limit(limit))
    return [Parked(*row) for row in rows.all()]


async def retry(session: AsyncSession, inbox_id: int, now: datetime) -> bool:
    """A parked update back in line, its attempts counted afresh."""
    result = await session.execute(
        update(InboxUpdate).where(InboxUpdate.id == inbox_id, InboxUpdate.state == PARKED)
        .values(state=NEW, due_at=now, attempts=0, lease_until=None)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def drop(session: AsyncSession, inbox_id: int, now: datetime) -> bool:
    """A parked update given up: kept as done (so a replay is still refused), not handled."""
    result = await session.execute(
        update(InboxUpdate).where(InboxUpdate.id == inbox_id, InboxUpdate.state == PARKED)
        .values(state=DONE, done_at=now, last_error=func.coalesce(
            InboxUpdate.last_error, "") + " [dropped]")
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def prune(session: AsyncSession, before: datetime) -> int:
    """Forget updates handled before `before` (a platform re-delivers within minutes)."""
    result = await session.execute(
        delete(InboxUpdate).where(InboxUpdate.state == DONE, InboxUpdate.done_at < before)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def state_of(session: AsyncSession, platform: str, bot_id: int, update_id: int
                   ) -> str | None:
    return await session.scalar(select(InboxUpdate.state).where(
        InboxUpdate.platform == platform, InboxUpdate.bot_id == bot_id,
        InboxUpdate.update_id == update_id))


async def hq_accounts(session: AsyncSession) -> list[Account]:
    """Who is told when an update is parked: hq's reachable accounts."""
    rows = await session.scalars(
        select(Account).join(StaffRole, StaffRole.account_id == Account.id)
        .where(StaffRole.role == "hq", Account.unreachable_at.is_(None)).distinct())
    return list(rows.all())
