"""What of the survey counts: the regions' decisions on flagged bursts, each office's ratings in
a period as counts, the satisfaction mean the ranking uses, and the citizens' reports of fees
beyond the official tariff.

An office's satisfaction mean is the mean of its counted ratings (held and rejected ones never
count); with fewer counted ratings than the rubric's minimum the mean is not used and the
rubric's default applies. `write_scores` puts the mean and the number of respondents into
`ExternalScore`, where `rank_period` reads them. A score HQ imported
(`ExternalScore.satisfaction`) still wins over the survey's mean in the score.

Nothing here says who rated: owners see counts, regions see counts. Repository functions; they
never commit (`services.survey_admin` does).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.rubric import Rubric
from scoring.score import Line
from storage.admin import AdminError, audit, period_record
from storage.exclusive import serialize
from storage.models import ExternalScore, Office, Period
from storage.models_survey import SurveyFlag, SurveyRating
from storage.outbox import notify
from storage.survey import STARS, SurveyRules, region_reviewers

CENT = Decimal("0.01")
PRIVACY_FLOOR = 5  # the fewest counted ratings whose mean and faces an owner is shown


# --- flags -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FlagView:
    id: int
    office_id: int
    office_code: str
    office_name: str
    region_code: int
    period_code: str
    reason: str
    status: str
    ratings: int  # held (open flag) or decided (closed flag)
    first_at: datetime
    last_at: datetime


async def flags(session: AsyncSession, *, regions: set[int] | None = None,
                status: str | None = "open") -> list[FlagView]:
    """Flags (open ones by default) of the regions (all when None), oldest first."""
    counts = (select(SurveyRating.flag_id, func.count().label("n"))
              .where(SurveyRating.flag_id.is_not(None))
              .group_by(SurveyRating.flag_id).subquery())
    query = (select(SurveyFlag, Office.code, Office.name, Office.region_code, Period.code,
                    func.coalesce(counts.c.n, 0))
             .join(Office, Office.id == SurveyFlag.office_id)
             .join(Period, Period.id == SurveyFlag.period_id)
             .outerjoin(counts, counts.c.flag_id == SurveyFlag.id).order_by(SurveyFlag.id))
    if status is not None:
        query = query.where(SurveyFlag.status == status)
    if regions is not None:
        query = query.where(Office.region_code.in_(sorted(regions) or [-1]))
    return [FlagView(f.id, f.office_id, code, name, region, period, f.reason, f.status,
                     int(count), f.first_at, f.last_at)
            for f, code, name, region, period, count in (await session.execute(query)).all()]


async def flag_region(session: AsyncSession, flag_id: int) -> int | None:
    """The region of the flag's office; None when there is no such flag."""
    return await session.scalar(select(Office.region_code).join(
        SurveyFlag, SurveyFlag.office_id == Office.id).where(SurveyFlag.id == flag_id))


async def flag_status(session: AsyncSession, flag_id: int) -> str | None:
    return await session.scalar(select(SurveyFlag.status).where(SurveyFlag.id == flag_id))


async def decide_flag(session: AsyncSession, flag_id: int, decision: str, *, now: datetime,
                      account_id: int | None = None) -> tuple[int, int] | None:
    """`clear`: the held ratings count; `reject`: they never do. Only an open flag: one
    conditional UPDATE … WHERE status = 'open', so of two decisions at once one is taken and the
    other gets None. (The flag's office, the ratings decided) otherwise."""
    if decision not in ("clear", "reject"):
        raise ValueError(decision)
    closed = (await session.execute(
        update(SurveyFlag).where(SurveyFlag.id == flag_id, SurveyFlag.status == "open")
        .values(status="cleared" if decision == "clear" else "rejected",
                reviewed_by=account_id, reviewed_at=now)
        .returning(SurveyFlag.office_id))).first()
    if closed is None:
        return None
    decided = await session.execute(update(SurveyRating).where(
        SurveyRating.flag_id == flag_id, SurveyRating.status == "held").values(
        status="counted" if decision == "clear" else "rejected"))
    return closed.office_id, int(decided.rowcount)  # type: ignore[attr-defined]


async def flag_view(session: AsyncSession, flag_id: int) -> FlagView | None:
    return next((f for f in await flags(session, status=None) if f.id == flag_id), None)


# --- scores ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SurveySummary:
    """One office's ratings in one period: counts only, never who."""

    office_id: int
    respondents: int  # counted ratings
    mean: Decimal | None  # of the counted ratings
    held: int
    rejected: int
    fee_reports: int  # "a fee beyond the tariff was asked", from ratings not rejected
    stars: tuple[int, ...]  # counted ratings with 1, 2, 3, 4, 5
    min_respondents: int
    unverified: int = 0  # numbers not proven to be the raters' own: never counted

    @property
    def enough(self) -> bool:
        return self.respondents > 0 and self.respondents >= self.min_respondents

    @property
    def scored_mean(self) -> Decimal | None:
        """The mean the score uses: None below the minimum (the rubric's default applies)."""
        return self.mean if self.enough else None

    @property
    def shown_from(self) -> int:
        """How many counted ratings an owner needs before the mean and the faces are shown:
        with fewer, an owner who saw who came in could tell who gave what."""
        return max(PRIVACY_FLOOR, self.min_respondents)


def min_respondents(rubric: Rubric | None, rules: SurveyRules = SurveyRules()) -> int:
    """The rubric's `external.satisfaction.min_respondents`, else the rules' default."""
    value = getattr(rubric.external.satisfaction, "min_respondents", None) if rubric else None
    return rules.min_respondents if value is None else int(value)


def satisfaction_line(rubric: Rubric, summary: SurveySummary) -> Line:
    """The satisfaction line the score will show for this survey result (the rubric's mapping of
    the mean, or its default below the minimum)."""
    from scoring.score import _satisfaction  # the score's own rule, so the two never differ

    return _satisfaction(rubric.external.satisfaction, None, summary.scored_mean,
                         summary.respondents)


async def summaries(session: AsyncSession, period_id: int, rubric: Rubric | None = None,
                    office_ids: list[int] | None = None, rules: SurveyRules = SurveyRules()
                    ) -> dict[int, SurveySummary]:
    """Every office with at least one rating in the period (or just `office_ids`)."""
    query = (select(SurveyRating.office_id, SurveyRating.status, SurveyRating.stars,
                    func.count(),
                    func.sum(case((SurveyRating.extra_fee.is_(True), 1), else_=0)))
             .where(SurveyRating.period_id == period_id)
             .group_by(SurveyRating.office_id, SurveyRating.status, SurveyRating.stars))
    if office_ids is not None:
        query = query.where(SurveyRating.office_id.in_(office_ids))
    counts: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"stars": [0] * 5, "held": 0, "rejected": 0, "fees": 0, "unverified": 0})
    for office_id, status, stars, count, fees in (await session.execute(query)).all():
        entry = counts[office_id]
        if status == "counted":
            entry["stars"][stars - 1] += count
        elif status == "held":
            entry["held"] += count
        elif status == "unverified":
            entry["unverified"] += count
        else:
            entry["rejected"] += count
        if status in ("counted", "held"):
            entry["fees"] += int(fees or 0)
    minimum = min_respondents(rubric, rules)
    out = {}
    for office_id, entry in counts.items():
        stars = tuple(entry["stars"])
        n = sum(stars)
        mean = (Decimal(sum(s * c for s, c in zip(STARS, stars, strict=True))) / n
                ).quantize(CENT, ROUND_HALF_UP) if n else None
        out[office_id] = SurveySummary(office_id, n, mean, entry["held"], entry["rejected"],
                                       entry["fees"], stars, minimum, entry["unverified"])
    return out


async def office_summary(session: AsyncSession, period_id: int, office_id: int,
                         rubric: Rubric | None = None, rules: SurveyRules = SurveyRules()
                         ) -> SurveySummary:
    found = await summaries(session, period_id, rubric, [office_id], rules)
    return found.get(office_id) or SurveySummary(office_id, 0, None, 0, 0, 0, (0,) * 5,
                                                 min_respondents(rubric, rules))


async def office_codes(session: AsyncSession, office_ids: list[int]) -> dict[int, str]:
    return dict((await session.execute(select(Office.id, Office.code).where(
        Office.id.in_(office_ids or [-1])))).all())


@dataclass(frozen=True, slots=True)
class WriteSummary:
    offices: int  # offices with survey ratings
    written: int  # ExternalScore rows inserted or changed
    below_minimum: int  # offices whose mean is not used (too few respondents)
    frozen: bool = False


async def write_scores(session: AsyncSession, period_id: int,
                       rules: SurveyRules = SurveyRules()) -> WriteSummary:
    """Put each office's survey mean (None below the rubric's minimum) and respondents into
    `ExternalScore` for the period, in the caller's transaction (flushes; the caller commits).
    Only changed rows are written, so running it twice changes nothing. A published period is
    frozen: nothing is written."""
    from storage.declarations import period_rubric

    # Two runs at once (the command line, a ranking) would both insert the same rows.
    await serialize(session, f"survey-scores:{period_id}")
    row = await session.get(Period, period_id)
    if row is None:
        raise AdminError(f"no period with id {period_id}")
    period = period_record(row)
    if period.published_at is not None:
        return WriteSummary(0, 0, 0, frozen=True)
    found = await summaries(session, period_id, period_rubric(period), rules=rules)
    existing = {r.office_id: r for r in (await session.scalars(select(ExternalScore).where(
        ExternalScore.period_id == period_id,
        ExternalScore.office_id.in_(list(found) or [-1])))).all()}
    written = 0
    for office_id, summary in found.items():
        mean, people = summary.scored_mean, summary.respondents
        score = existing.get(office_id)
        if score is None:
            session.add(ExternalScore(period_id=period_id, office_id=office_id,
                                      satisfaction_mean=mean, respondents=people))
            written += 1
        elif (_decimal(score.satisfaction_mean) != mean or score.respondents != people):
            score.satisfaction_mean, score.respondents = mean, people
            written += 1
    if written:
        await audit(session, actor="system", action="survey.scores", entity="period",
                    entity_id=period_id, new={"offices": len(found), "written": written})
    await session.flush()
    return WriteSummary(len(found), written, sum(1 for s in found.values() if not s.enough))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


# --- overcharging reports --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeeReport:
    office_id: int
    office_code: str
    office_name: str
    region_code: int
    reports: int


async def fee_reports(session: AsyncSession, period_id: int, region: int | None = None
                      ) -> list[FeeReport]:
    """Offices whose citizens said a fee beyond the tariff was asked (ratings counted or held),
    most reports first. A possible case for the region, never a negative point by itself."""
    query = (select(Office.id, Office.code, Office.name, Office.region_code, func.count())
             .join(SurveyRating, SurveyRating.office_id == Office.id)
             .where(SurveyRating.period_id == period_id, SurveyRating.extra_fee.is_(True),
                    SurveyRating.status.in_(("counted", "held")))
             .group_by(Office.id, Office.code, Office.name, Office.region_code)
             .order_by(func.count().desc(), Office.code))
    if region is not None:
        query = query.where(Office.region_code == region)
    return [FeeReport(*row) for row in (await session.execute(query)).all()]


async def route_fee_reports(session: AsyncSession, period_id: int, *,
                            region: int | None = None, minimum: int = 1,
                            not_before: datetime | None = None) -> tuple[int, int]:
    """Tell each region's reviewers which of their offices citizens reported for overcharging
    (counts only). Idempotent per office and count (a dedup key per message). (Offices
    reported, messages queued); the caller commits."""
    queued = 0
    reports = [r for r in await fee_reports(session, period_id, region) if r.reports >= minimum]
    for report in reports:
        for account in await region_reviewers(session, report.region_code):
            queued += await notify(
                session, account, "survey-fee-notice", kind="survey_fee", not_before=not_before,
                dedup_key=f"survey-fee:{period_id}:{report.office_id}:{report.reports}:"
                          f"{account.id}",
                name=report.office_name, code=report.office_code, count=report.reports)
    return len(reports), queued
