"""The survey's administration: the region's review of held bursts, and the command line's
links, posters, scores, fee reports and list of services.

`actor` None is the command line (an operator on the server, every region). In the bot, a burst
is reviewed by a reviewer of its region or by HQ; the rest is HQ's. Of two decisions on one
burst at once (a double tap, two reviewers), one is taken and the other is told it was decided
already (`survey-flag-already`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from scoring.calendar import utcnow
from scoring.score import Line
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.send_hours import by_day
from services.staff import label, require_hq
from services.uow import UnitOfWork
from storage import admin
from storage import survey as sv
from storage import survey_scores as scores
from storage.accounts import Actor
from storage.admin import AdminError, audit
from storage.declarations import period_rubric
from storage.exclusive import serialize
from storage.records import PeriodRecord
from storage.survey import Service, SurveyOffice
from storage.survey_scores import FeeReport, FlagView, SurveySummary, WriteSummary

__all__ = ["FeeRun", "ScoreRun", "decide", "fees", "flags", "import_services", "links",
           "list_services", "rotate", "scores_of"]


@dataclass(frozen=True, slots=True)
class ScoreRun:
    """Each office's survey result in a period (by office code), and what was written."""

    rows: tuple[tuple[str, SurveySummary, Line], ...]
    written: WriteSummary | None  # None: a dry run
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class FeeRun:
    reports: tuple[FeeReport, ...]
    queued: int | None  # messages to the regions' reviewers; None when not routed


def _reviewed_regions(actor: Actor | None) -> set[int] | None:
    """The regions whose bursts the actor reviews; None for all (HQ, the command line)."""
    if actor is None or actor.has_role("hq"):
        return None
    if not actor.has_role("reviewer"):
        raise Forbidden("survey-reviewers-only")
    return actor.regions("reviewer")


async def _period(uow: UnitOfWork, code: str) -> PeriodRecord:
    period = await admin.find_period(uow.session, code)
    if period is None:
        raise NotFound("admin-no-period", code=code)
    return period


# --- bursts ----------------------------------------------------------------------------------

async def flags(uow: UnitOfWork, actor: Actor | None = None, *, region: int | None = None,
                every: bool = False) -> list[FlagView]:
    """Bursts awaiting review (`every`: decided ones too), oldest first: the actor's regions,
    or `region`."""
    regions = _reviewed_regions(actor)
    if region is not None:
        regions = {region} if regions is None else regions & {region}
    async with uow:
        return await scores.flags(uow.session, regions=regions,
                                  status=None if every else "open")


async def decide(uow: UnitOfWork, actor: Actor | None, flag_id: int, decision: str,
                 now: datetime) -> FlagView:
    """`clear`: the burst's held ratings count; `reject`: they never do. Refusals:
    `survey-reviewers-only`, `survey-no-flag` (none such in the actor's regions) and
    `survey-flag-already` (decided before, or by the other of two at once)."""
    if decision not in ("clear", "reject"):
        raise Invalid("survey-stale")
    regions = _reviewed_regions(actor)
    async with uow:
        region = await scores.flag_region(uow.session, flag_id)
        if region is None or (regions is not None and region not in regions):
            raise NotFound("survey-no-flag", flag=str(flag_id))
        decided = await scores.decide_flag(uow.session, flag_id, decision, now=now,
                                           account_id=actor.account_id if actor else None)
        if decided is None:
            status = await scores.flag_status(uow.session, flag_id)
            raise Conflict("survey-flag-already", flag=str(flag_id), status=status)
        office_id, count = decided
        await audit(uow.session, actor=label(actor),
                    actor_account_id=actor.account_id if actor else None,
                    action=f"survey.flag.{decision}", entity="office", entity_id=office_id,
                    new={"flag": flag_id, "ratings": count})
        view = await scores.flag_view(uow.session, flag_id)
        await uow.commit()
    assert view is not None
    return view


# --- links and posters -----------------------------------------------------------------------

async def links(uow: UnitOfWork, *, region: int | None = None, office_code: str | None = None,
                actor: Actor | None = None) -> list[SurveyOffice]:
    """Offices (all, a region's, or one) with their survey links, made where missing
    (`survey-no-office` for an office code that is not in the registry)."""
    require_hq(actor)
    async with uow:
        if office_code is not None and await sv.find_office(uow.session, office_code) is None:
            raise NotFound("survey-no-office", code=office_code)
        found = await sv.office_links(uow.session, region=region, office_code=office_code)
        await uow.commit()
    return found


async def rotate(uow: UnitOfWork, office_code: str, now: datetime, actor: Actor | None = None
                 ) -> SurveyOffice:
    """A new survey link for the office: its old posters stop working."""
    require_hq(actor)
    async with uow:
        office = await sv.find_office(uow.session, office_code)
        if office is None:
            raise NotFound("survey-no-office", code=office_code)
        token = await sv.rotate_token(uow.session, office.id, now)
        await audit(uow.session, actor=label(actor),
                    actor_account_id=actor.account_id if actor else None,
                    action="survey.link.rotate", entity="office", entity_id=office.id)
        await uow.commit()
    return SurveyOffice(office.id, office.code, office.name, office.city, office.region_code,
                        office.holder_phone, token)


# --- scores and fee reports ------------------------------------------------------------------

async def scores_of(uow: UnitOfWork, period_code: str, *, dry_run: bool = False,
                    actor: Actor | None = None) -> ScoreRun:
    """Each office's survey result in the period (counts only); unless `dry_run`, written into
    the satisfaction inputs the ranking reads (a published period's stay frozen)."""
    require_hq(actor)
    async with uow:
        period = await _period(uow, period_code)
        rubric = period_rubric(period)
        found = await scores.summaries(uow.session, period.id, rubric)
        codes = await scores.office_codes(uow.session, list(found))
        written = None
        if not dry_run:
            written = await scores.write_scores(uow.session, period.id)
            await uow.commit()
    rows = sorted(((codes[office_id], summary, scores.satisfaction_line(rubric, summary))
                   for office_id, summary in found.items()), key=lambda row: row[0])
    return ScoreRun(tuple(rows), written, rubric.external.satisfaction.points)


async def fees(uow: UnitOfWork, period_code: str, *, region: int | None = None,
               route: bool = False, actor: Actor | None = None,
               now: datetime | None = None) -> FeeRun:
    """Offices whose visitors said a fee beyond the tariff was asked; with `route`, each
    region's reviewers are told (once per office and count, however often it runs)."""
    require_hq(actor)
    async with uow:
        period = await _period(uow, period_code)
        reports = await scores.fee_reports(uow.session, period.id, region)
        queued = None
        if route:
            await serialize(uow.session, f"survey-fees:{period.id}")
            offices, queued = await scores.route_fee_reports(
                uow.session, period.id, region=region, not_before=by_day(now or utcnow()))
            await audit(uow.session, actor=label(actor),
                        actor_account_id=actor.account_id if actor else None,
                        action="survey.fees.route", entity="period", entity_id=period.id,
                        new={"offices": offices, "queued": queued})
            await uow.commit()
    return FeeRun(tuple(reports), queued)


# --- the services a citizen chooses from -----------------------------------------------------

async def list_services(uow: UnitOfWork) -> list[Service]:
    async with uow:
        return await sv.services(uow.session)


async def import_services(uow: UnitOfWork, path: Path, actor: Actor | None = None) -> int:
    """Replace the list from a CSV (key, title_fa, title_en; 2 to 12 rows, in asking order);
    a bad row writes nothing."""
    require_hq(actor)
    try:
        items = sv.read_services(path)
    except AdminError as error:
        raise Invalid(error.code, **error.params) from error
    async with uow:
        await serialize(uow.session, "survey-services")
        old = await sv.replace_services(uow.session, items)
        await audit(uow.session, actor=label(actor),
                    actor_account_id=actor.account_id if actor else None,
                    action="survey.services.import", entity="survey", entity_id="services",
                    old=old, new=[item["key"] for item in items])
        await uow.commit()
    return len(items)
