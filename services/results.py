"""Score and rank a period, publish its results, and read an office's result.

`rank` and `publish` are headquarters' (or the command line's, `by=None`). Publishing ranks once
more, freezes the period, moves confirmed declarations to published and queues every linked
owner's result as a notice, in one transaction; of two publishing at once one publishes and the
other is told when it was published. Refusals are `storage.results.ResultsError` (a key and
its facts: too early, a grace period still open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.errors import Conflict, Forbidden, NotFound
from services.send_hours import by_day
from services.uow import UnitOfWork
from storage import publishing, ranking, reporting, results
from storage.accounts import Actor
from storage.admin import get_period, period_record
from storage.records import PeriodRecord
from storage.reporting import OfficeLine
from storage.result_views import ResultView, office_result
from storage.results import PublishSummary, RankSummary

__all__ = ["OfficePage", "Panel", "PublishSummary", "RankSummary", "my_result", "office_page",
           "panel", "period_panel", "publish", "publish_once", "rank"]


def _require_hq(actor: Actor | None) -> None:
    if actor is not None and not actor.has_role("hq"):
        raise Forbidden("forbidden")


def _label(actor: Actor | None) -> str:
    return "cli" if actor is None else f"{actor.platform}:{actor.user_id}"


@dataclass(frozen=True, slots=True)
class Panel:
    """Headquarters' view of the period to publish: its declarations by status, the results
    stored, and why it cannot be published yet (None when it can)."""

    period: PeriodRecord
    by_status: dict[str, int]
    results: int
    refusal: results.ResultsError | None


async def panel(uow: UnitOfWork, actor: Actor, now: datetime) -> Panel | None:
    """The latest period that has opened and is not published, else the latest opened."""
    _require_hq(actor)
    async with uow:
        period = await results.latest_opened(uow.session, now)
        if period is None:
            return None
        return Panel(period, await results.declarations_by_status(uow.session, period.id),
                     await results.published_count(uow.session, period.id),
                     None if period.published_at is not None
                     else publishing.publish_refusal(period, now))


async def _period(uow: UnitOfWork, period: int | str) -> PeriodRecord:
    if isinstance(period, str):
        found = await get_period(uow.session, period)
        return found
    row = await results.period_row(uow.session, period)
    if row is None:
        raise NotFound("rv-stale")
    return period_record(row)


async def publishable(uow: UnitOfWork, actor: Actor, period_id: int, now: datetime
                      ) -> PeriodRecord:
    """The period, if it may be published now (or is published already); `ResultsError`
    otherwise."""
    _require_hq(actor)
    async with uow:
        period = await _period(uow, period_id)
    refusal = publishing.publish_refusal(period, now)
    if period.published_at is None and refusal is not None:
        raise refusal
    return period


async def rank(uow: UnitOfWork, actor: Actor | None, period: int | str, now: datetime
               ) -> RankSummary:
    """Score and rank every office of the period (idempotent; frozen once published)."""
    _require_hq(actor)
    async with uow:
        record = await _period(uow, period)
        summary = await ranking.rank_period(uow.session, record.id, now)
        await uow.commit()
    return summary


async def publish(uow: UnitOfWork, actor: Actor | None, period: int | str, now: datetime
                  ) -> PublishSummary:
    """Rank, freeze, publish and tell every linked owner; once."""
    _require_hq(actor)
    async with uow:
        record = await _period(uow, period)
        summary = await publishing.publish(
            uow.session, record.id, now, actor=_label(actor),
            actor_account_id=actor.account_id if actor is not None else None,
            not_before=by_day(now))
        if not summary.already:
            await uow.commit()
    return summary


async def my_result(uow: UnitOfWork, office_id: int) -> ResultView | None:
    """The office's latest published result, with the one before for comparison."""
    async with uow:
        return await office_result(uow.session, office_id)


async def period_panel(uow: UnitOfWork, actor: Actor, code: str, now: datetime) -> Panel:
    """`panel` for a chosen period (headquarters' results page in the console)."""
    _require_hq(actor)
    async with uow:
        period = await _known(uow, code)
        return Panel(period, await results.declarations_by_status(uow.session, period.id),
                     await results.published_count(uow.session, period.id),
                     None if period.published_at is not None
                     else publishing.publish_refusal(period, now))


async def publish_once(uow: UnitOfWork, actor: Actor, code: str, now: datetime
                       ) -> PublishSummary:
    """`publish` for a person who saw the period unpublished: if it is published already (a
    second click, or another HQ member a moment before), `Conflict` naming who published it and
    when (`results-already-published`)."""
    summary = await publish(uow, actor, code, now)
    if not summary.already:
        return summary
    from storage import winners

    async with uow:
        winner = await winners.publication(uow.session, (await _known(uow, code)).id)
    raise Conflict("results-already-published", by=winner.name if winner else None,
                   at=winner.at if winner else summary.published_at)


async def _known(uow: UnitOfWork, code: str) -> PeriodRecord:
    from storage.admin import find_period

    period = await find_period(uow.session, code)
    if period is None:
        raise NotFound("admin-no-period", code=code)
    return period


@dataclass(frozen=True, slots=True)
class OfficePage:
    """One page of the ranked offices of a period (as `pishkhan office-results` lists them)
    and how many there are."""

    lines: tuple[OfficeLine, ...]
    total: int


async def office_page(uow: UnitOfWork, actor: Actor, code: str, page: int, per_page: int,
                      office: str | None = None) -> OfficePage:
    """Page `page` (from 0) of the period's ranked offices, by region then code (only `office`
    when given), for headquarters; only the page's rows are read."""
    _require_hq(actor)
    async with uow:
        period = await _known(uow, code)
        lines = await reporting.office_lines(uow.session, period.id, offset=page * per_page,
                                             limit=per_page, code=office)
        total = (len(lines) if office is not None
                 else await reporting.count_lines(uow.session, period.id))
    return OfficePage(tuple(lines), total)
