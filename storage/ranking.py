"""Score and rank every office of a period.

`rank_period` applies the period rule to every office of the registry in a handful of bulk
queries (no query per office): an office that submitted this period is scored on its declaration
(the reviewer's accepted values where an item was adjusted, rejected files not counted), one that
did not has its last confirmed declaration carried forward, one with no data at all gets the
minimum. It writes only the `Result` rows that changed, in the caller's transaction (the window
close sweep commits it together with the close; `pishkhan rank` commits it alone), so running it
twice changes nothing. After a period is published its results are frozen: `rank_period` only
reports them.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.answers import AnswerError, from_json
from scoring.rubric import Rubric
from scoring.score import AppliedNegative, Breakdown, ExternalInputs, Line, score_period
from storage.admin import audit, period_record
from storage.declarations import period_rubric
from storage.models import (
    Answer,
    Declaration,
    Evidence,
    ExternalScore,
    NegativePoint,
    Office,
    Period,
)
from storage.models import Result as ResultRow
from storage.records import PeriodRecord
from storage.results import CONFIRMED, DECLARED, RankSummary, require_period
from storage.survey_scores import write_scores

CHUNK = 1000
log = logging.getLogger(__name__)


async def _answers_by_declaration(session: AsyncSession, query: Any, rubric: Rubric
                                  ) -> dict[int, dict[str, Any]]:
    """Typed answers (the reviewer's accepted value where there is one) per declaration.

    Most offices give one of a few values per item, so each distinct stored text is parsed and
    validated once; an answer the rubric no longer accepts counts as unanswered."""
    typed: dict[tuple[str, str], Any] = {}
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    for declaration_id, key, value, accepted in (await session.execute(query)).all():
        text = accepted if accepted is not None else value
        memo_key = (key, text)
        try:
            parsed = typed[memo_key]
        except KeyError:
            parsed = typed[memo_key] = _typed(rubric, key, text)
        if parsed is not _INVALID:
            answers[declaration_id][key] = parsed
    return answers


_INVALID = object()


def _typed(rubric: Rubric, key: str, text: str) -> Any:
    try:
        indicator = rubric.indicator(key)
    except KeyError:
        return _INVALID
    try:
        value = from_json(indicator, json.loads(text))
    except (AnswerError, ValueError):
        log.warning("stored answer %s no longer valid: %r", key, text[:80])
        return _INVALID
    return _INVALID if value is None else value


async def _evidence_counts(session: AsyncSession, query: Any) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for declaration_id, key, count in (await session.execute(query)).all():
        counts[declaration_id][key] = count
    return counts


def _answer_columns() -> tuple[Any, ...]:
    return (Answer.declaration_id, Answer.item_key, Answer.value_json, Answer.accepted_json)


def _evidence_columns() -> tuple[Any, ...]:
    return (Evidence.declaration_id, Evidence.item_key, func.count())


def _live_evidence() -> tuple[Any, ...]:
    return (Evidence.removed_at.is_(None), Evidence.rejected_reason.is_(None))


async def compute_period(session: AsyncSession, period: PeriodRecord, rubric: Rubric
                         ) -> tuple[dict[int, Breakdown], int]:
    """Every office's breakdown for the period, and how many offices were skipped."""
    offices = (await session.execute(select(Office.id, Office.office_type))).all()

    # This period's declared declarations, their answers and their live files.
    this = select(Declaration.id).where(Declaration.period_id == period.id,
                                        Declaration.status.in_(DECLARED))
    declared = dict((await session.execute(
        select(Declaration.office_id, Declaration.id).where(
            Declaration.period_id == period.id, Declaration.status.in_(DECLARED)))).all())
    this_answers = await _answers_by_declaration(session, select(*_answer_columns()).where(
        Answer.declaration_id.in_(this)), rubric)
    this_files = await _evidence_counts(session, select(*_evidence_columns()).where(
        Evidence.declaration_id.in_(this), *_live_evidence())
        .group_by(Evidence.declaration_id, Evidence.item_key))

    # Each office's last confirmed declaration of an earlier period: what is carried forward.
    ranked = (select(Declaration.office_id.label("office_id"), Declaration.id.label("id"),
                     func.row_number().over(partition_by=Declaration.office_id,
                                            order_by=(Period.opens_at.desc(),
                                                      Declaration.id.desc())).label("n"))
              .join(Period, Period.id == Declaration.period_id)
              .where(Period.opens_at < period.opens_at, Declaration.status.in_(CONFIRMED))
              .subquery())
    latest = select(ranked.c.id).where(ranked.c.n == 1)
    previous = dict((await session.execute(
        select(ranked.c.office_id, ranked.c.id).where(ranked.c.n == 1))).all())
    previous_answers = await _answers_by_declaration(session, select(*_answer_columns()).where(
        Answer.declaration_id.in_(latest)), rubric)
    previous_files = await _evidence_counts(session, select(*_evidence_columns()).where(
        Evidence.declaration_id.in_(latest), *_live_evidence())
        .group_by(Evidence.declaration_id, Evidence.item_key))

    external = {office_id: ExternalInputs(association, satisfaction, mean, respondents)
                for office_id, association, satisfaction, mean, respondents in (
                    await session.execute(
                        select(ExternalScore.office_id, ExternalScore.association,
                               ExternalScore.satisfaction, ExternalScore.satisfaction_mean,
                               ExternalScore.respondents)
                        .where(ExternalScore.period_id == period.id))).all()}
    known_negatives = {n.key for n in rubric.negatives}
    negatives: dict[int, list[AppliedNegative]] = defaultdict(list)
    for office_id, key, count in (await session.execute(
            select(NegativePoint.office_id, NegativePoint.item_key, func.count())
            .where(NegativePoint.period_id == period.id)
            .group_by(NegativePoint.office_id, NegativePoint.item_key))).all():
        if key in known_negatives:
            negatives[office_id].append(AppliedNegative(key, count))

    breakdowns: dict[int, Breakdown] = {}
    skipped = 0
    for office_id, office_type in offices:
        if office_type not in rubric.office_types:
            skipped += 1
            continue
        this_id, previous_id = declared.get(office_id), previous.get(office_id)
        this_period = last_confirmed = None
        counts: dict[str, int] | None = None
        if this_id is not None:
            this_period = this_answers.get(this_id, {})
            counts = this_files.get(this_id, {})
        elif previous_id is not None:
            last_confirmed = previous_answers.get(previous_id, {})
            counts = previous_files.get(previous_id, {})
        breakdowns[office_id] = score_period(
            rubric, office_type, this_period, last_confirmed, external.get(office_id),
            negatives.get(office_id, ()), evidence_counts=counts)
    return breakdowns, skipped


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _line_json(line: Line) -> str:
    args = {k: float(v) if isinstance(v, Decimal) else v for k, v in line.reason_args.items()}
    return _dumps({"key": line.key, "kind": line.kind, "title_fa": line.title_fa,
                   "title_en": line.title_en, "points": str(line.points),
                   "max_points": str(line.max_points), "reason_key": line.reason_key,
                   "reason_args": args})


def breakdown_json(breakdown: Breakdown, lines: dict[Any, str]) -> str:
    """`Breakdown.to_dict()` as compact JSON. Most offices share most lines (the same band of
    area, the same location…), so each distinct line's JSON is made once per run (`lines`)."""
    def one(line: Line) -> str:
        key = (line[:7], tuple(line.reason_args.items()))
        try:
            text = lines.get(key)
        except TypeError:  # an argument that cannot be a key
            return _line_json(line)
        if text is None:
            text = lines[key] = _line_json(line)
        return text

    b = breakdown
    codes = f'"office_type":{_dumps(b.office_type)},"rubric_code":{_dumps(b.rubric_code)}'
    return (f'{{"lines":[{",".join(map(one, b.lines))}],'
            f'"negatives":[{",".join(map(one, b.negatives))}],'
            f'"max_total":"{b.max_total}",{codes},"penalty":"{b.penalty}","rank":{b.rank},'
            f'"service_share":{b.service_share},"source":{_dumps(b.source)},'
            f'"subtotal":"{b.subtotal}","total":"{b.total}"}}')


def chunks(items: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(slots=True)
class RankPlan:
    """What a ranking will write, computed before anything is written."""

    period: PeriodRecord
    summary: RankSummary
    breakdowns: dict[int, Breakdown]
    inserts: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    started: float


async def plan_ranking(session: AsyncSession, period_id: int, now: datetime) -> RankPlan:
    """Read and compute only: every office's breakdown and the rows that differ."""
    started = time.perf_counter()
    period = period_record(await require_period(session, period_id))
    summary = RankSummary(period.code)
    existing = {office_id: (source, Decimal(total), rank, share, breakdown)
                for office_id, source, total, rank, share, breakdown in (await session.execute(
                    select(ResultRow.office_id, ResultRow.source, ResultRow.total,
                           ResultRow.rank, ResultRow.service_share, ResultRow.breakdown_json)
                    .where(ResultRow.period_id == period_id))).all()}
    plan = RankPlan(period, summary, {}, [], [], started)
    if period.published_at is not None:
        summary.frozen = True
        summary.offices = summary.unchanged = len(existing)
        summary.by_source = dict(Counter(v[0] for v in existing.values()))
        summary.by_rank = dict(Counter(v[2] for v in existing.values()))
        return plan
    rubric = period_rubric(period)
    # The in-bot survey's means and respondents become the period's satisfaction inputs.
    await write_scores(session, period_id)
    plan.breakdowns, summary.skipped = await compute_period(session, period, rubric)
    line_json: dict[Any, str] = {}
    for office_id, breakdown in plan.breakdowns.items():
        values = {"period_id": period_id, "office_id": office_id, "source": breakdown.source,
                  "total": breakdown.total, "rank": breakdown.rank,
                  "service_share": breakdown.service_share,
                  "breakdown_json": breakdown_json(breakdown, line_json), "computed_at": now}
        old = existing.get(office_id)
        if old is None:
            plan.inserts.append(values)
        elif old != (values["source"], breakdown.total, breakdown.rank,
                     breakdown.service_share, values["breakdown_json"]):
            plan.updates.append(values)
        else:
            summary.unchanged += 1
    summary.inserted, summary.updated = len(plan.inserts), len(plan.updates)
    summary.offices = len(plan.breakdowns)
    summary.by_source = dict(Counter(b.source for b in plan.breakdowns.values()))
    summary.by_rank = dict(Counter(b.rank for b in plan.breakdowns.values()))
    return plan


async def store_ranking(session: AsyncSession, plan: RankPlan) -> RankSummary:
    """Write what `plan_ranking` found changed: a few bulk statements."""
    for chunk in chunks(plan.inserts):  # Core: the ORM's bulk path costs more than the insert
        await session.execute(insert(ResultRow.__table__), chunk)
    for chunk in chunks(plan.updates):
        await session.execute(update(ResultRow), chunk)
    if plan.inserts or plan.updates:
        await audit(session, actor="system", action="results.rank", entity="period",
                    entity_id=plan.period.id,
                    new={"inserted": len(plan.inserts), "updated": len(plan.updates),
                         "offices": plan.summary.offices})
    await session.flush()
    plan.summary.seconds = time.perf_counter() - plan.started
    return plan.summary


async def rank_period(session: AsyncSession, period_id: int, now: datetime) -> RankSummary:
    """Compute and store the score and rank of every office of the period, in the caller's
    transaction (this function flushes, the caller commits). Returns the summary. A published
    period's results are frozen: they are counted, never changed."""
    return await store_ranking(session, await plan_ranking(session, period_id, now))
