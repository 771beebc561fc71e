"""What regions and associations add besides reviewing declarations: the committee's negative
points, association and satisfaction scores (one by one or a whole file), and the answers to
owners' discrepancy reports.

Like `storage.review`, every function checks that the office is the staff member's (its region,
or its province for an association), writes an audit row, queues what the owner must hear in the
same transaction (as data, rendered by `texts.notices.review`), and leaves the commit to the
caller (`services.review_inputs`, `services.discrepancy`, `services.association`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import TEHRAN, format_jalali_numeric
from scoring.rubric import Rubric
from scoring.text import normalize_persian, to_ascii_digits
from storage import declarations as decl
from storage.admin import audit
from storage.exclusive import serialize
from storage.models import Discrepancy, ExternalScore, NegativePoint, Office
from storage.records import OfficeRecord, PeriodRecord
from storage.registry import OFFICE_TYPES
from storage.review import MAX_TEXT, ReviewError, Who, check_window, tell_owners

CENT = Decimal("0.01")
DISCREPANCY_FIELDS = {"name": "name", "type": "office_type", "address": "address",
                      "holder": "holder_name"}


async def office_by_code(session: AsyncSession, code: str) -> OfficeRecord | None:
    code = to_ascii_digits(normalize_persian(code)).strip()
    office = await session.scalar(select(Office).where(Office.code == code))
    return decl.office_record(office) if office else None


async def region_office(session: AsyncSession, office_id: int, regions: set[int]
                        ) -> OfficeRecord:
    office = await decl.get_office(session, office_id)
    if office is None:
        raise ReviewError("rv-stale")
    if office.region_code not in regions:
        raise ReviewError("rv-not-yours")
    return office


# ---------------------------------------------------------------------------------------------
# Negative points


@dataclass(frozen=True, slots=True)
class NegativeRecord:
    id: int
    item_key: str
    decided_on: str
    reference: str
    note: str


async def list_negatives(session: AsyncSession, office_id: int, period_id: int
                         ) -> list[NegativeRecord]:
    rows = (await session.execute(select(
        NegativePoint.id, NegativePoint.item_key, NegativePoint.decided_on,
        NegativePoint.reference, NegativePoint.note).where(
        NegativePoint.office_id == office_id, NegativePoint.period_id == period_id)
        .order_by(NegativePoint.id))).all()
    return [NegativeRecord(*row) for row in rows]


def parse_decision_date(text: str, now: datetime) -> date:
    """A committee's decision date, typed in Jalali; not in the future."""
    from scoring.calendar import JalaliDateError, parse_jalali

    try:
        day = parse_jalali(normalize_persian(text))
    except JalaliDateError:
        raise ReviewError("rv-neg-bad-date") from None
    if day > now.astimezone(TEHRAN).date():
        raise ReviewError("rv-neg-future-date")
    return day


async def add_negative(session: AsyncSession, office: OfficeRecord, period: PeriodRecord,
                       rubric: Rubric, key: str, decided_on: date, reference: str, note: str,
                       who: Who, now: datetime, not_before: datetime | None = None
                       ) -> NegativeRecord:
    """Record a violation committee's decision for the office in this period and tell the
    owner. The same reference twice for one item is refused."""
    check_window(period, now)
    try:
        item = rubric.negative(key)
    except KeyError:
        raise ReviewError("rv-stale") from None
    reference = " ".join(normalize_persian(reference).split())[:100]
    if not reference:
        raise ReviewError("rv-neg-bad-reference")
    note = " ".join(note.split())[:MAX_TEXT]
    duplicate = await session.scalar(select(NegativePoint.id).where(
        NegativePoint.office_id == office.id, NegativePoint.period_id == period.id,
        NegativePoint.item_key == key, NegativePoint.reference == reference))
    if duplicate is not None:
        raise ReviewError("rv-neg-duplicate", reference=reference)
    day = format_jalali_numeric(decided_on, "en")
    row = NegativePoint(period_id=period.id, office_id=office.id, item_key=key,
                        decided_on=day, reference=reference, note=note,
                        created_by=who.account_id, created_at=now)
    session.add(row)
    await session.flush()
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action="negative.add", entity="office", entity_id=office.id,
                new={"period": period.code, "item": key, "decided_on": day,
                     "reference": reference, "note": note, "points": str(item.points)})

    await tell_owners(session, office.id, "review-negative", kind="review.negative",
                      dedup=f"rv-negative:{row.id}", name=office.name, code=office.code,
                      not_before=not_before,
                      title=[item.title_fa, item.title_en], decided_on=decided_on.isoformat(),
                      reference=reference, points=str(item.points), period=period.code)
    return NegativeRecord(row.id, key, day, reference, note)


# ---------------------------------------------------------------------------------------------
# Association and satisfaction scores


async def association_office(session: AsyncSession, code: str, provinces: set[str]
                             ) -> OfficeRecord:
    office = await office_by_code(session, code)
    if office is None:
        raise ReviewError("assoc-no-office", code=code.strip()[:20])
    if office.province not in provinces:
        raise ReviewError("assoc-not-yours", code=office.code)
    return office


async def province_office(session: AsyncSession, office_id: int, provinces: set[str]
                          ) -> OfficeRecord:
    office = await decl.get_office(session, office_id)
    if office is None:
        raise ReviewError("rv-stale")
    if office.province not in provinces:
        raise ReviewError("assoc-not-yours", code=office.code)
    return office


async def association_score(session: AsyncSession, office_id: int, period_id: int
                            ) -> Decimal | None:
    value = await session.scalar(select(ExternalScore.association).where(
        ExternalScore.office_id == office_id, ExternalScore.period_id == period_id))
    return Decimal(value) if value is not None else None


async def set_association(session: AsyncSession, office: OfficeRecord, period: PeriodRecord,
                          value: Decimal, who: Who, now: datetime) -> Decimal | None:
    """Enter one office's association score; returns the previous one. Of two entries (or an
    entry and a file) for the period at once, the second waits for the first: both would find
    no row and insert it."""
    check_window(period, now)
    await serialize(session, f"external-scores:{period.id}")
    value = Decimal(value).quantize(CENT)
    row = await session.get(ExternalScore, (period.id, office.id))
    old = Decimal(row.association) if row is not None and row.association is not None else None
    if row is None:
        session.add(ExternalScore(period_id=period.id, office_id=office.id, association=value))
    else:
        row.association = value
    if old != value:
        await audit(session, actor=who.label, actor_account_id=who.account_id,
                    action="score.association", entity="office", entity_id=office.id,
                    old=str(old) if old is not None else None, new=str(value),
                    reason=period.code)
    return old


async def association_progress(session: AsyncSession, period_id: int, provinces: set[str]
                               ) -> tuple[int, int]:
    """(offices of the provinces, how many have an association score this period)."""
    where = Office.province.in_(sorted(provinces) or [""])
    offices = await session.scalar(select(func.count()).select_from(Office).where(where)) or 0
    scored = await session.scalar(
        select(func.count()).select_from(ExternalScore)
        .join(Office, Office.id == ExternalScore.office_id)
        .where(where, ExternalScore.period_id == period_id,
               ExternalScore.association.is_not(None))) or 0
    return offices, scored


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """An office of an association's provinces with its association score of a period."""

    office_id: int
    code: str
    name: str
    city: str
    province: str
    score: Decimal | None


async def association_table(session: AsyncSession, period_id: int, provinces: set[str],
                            text: str, page: int, per_page: int) -> tuple[list[ScoreRow], int]:
    """One page of the provinces' offices by code, with their association score this period;
    `text` (a code, or part of a name or city) narrows them. Returns (rows, how many match)."""
    where = [Office.province.in_(sorted(provinces) or [""])]
    text = text.strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        code = f"%{to_ascii_digits(escaped)}%"
        words = f"%{escaped}%"
        where.append(Office.code.like(code, escape="\\") | Office.name.like(words, escape="\\")
                     | Office.city.like(words, escape="\\"))
    total = await session.scalar(select(func.count()).select_from(Office).where(*where)) or 0
    rows = await session.execute(
        select(Office.id, Office.code, Office.name, Office.city, Office.province,
               ExternalScore.association)
        .outerjoin(ExternalScore, (ExternalScore.office_id == Office.id)
                   & (ExternalScore.period_id == period_id))
        .where(*where).order_by(Office.code).offset(page * per_page).limit(per_page))
    return [ScoreRow(r[0], r[1], r[2], r[3], r[4],
                     Decimal(r[5]) if r[5] is not None else None) for r in rows.all()], total


# ---------------------------------------------------------------------------------------------
# Discrepancy reports


@dataclass(frozen=True, slots=True)
class DiscrepancyRecord:
    id: int
    office: OfficeRecord
    field: str
    text: str
    status: str
    answer: str | None
    evidence_sha256: str | None
    created_at: datetime
    current: str  # the registry's value of the reported field now


async def open_discrepancies(session: AsyncSession, regions: set[int], limit: int = 10
                             ) -> list[DiscrepancyRecord]:
    rows = (await session.execute(
        select(Discrepancy.id).join(Office, Office.id == Discrepancy.office_id)
        .where(Discrepancy.status == "open", Office.region_code.in_(sorted(regions) or [-1]))
        .order_by(Discrepancy.created_at, Discrepancy.id).limit(limit))).scalars().all()
    return [await get_discrepancy(session, report_id, regions) for report_id in rows]


async def get_discrepancy(session: AsyncSession, report_id: int, regions: set[int]
                          ) -> DiscrepancyRecord:
    row = await session.get(Discrepancy, report_id, populate_existing=True)
    if row is None:
        raise ReviewError("rv-stale")
    office = await region_office(session, row.office_id, regions)
    current = await session.scalar(select(getattr(Office, DISCREPANCY_FIELDS[row.field]))
                                   .where(Office.id == office.id))
    return DiscrepancyRecord(row.id, office, row.field, row.text, row.status, row.answer,
                             row.evidence_sha256, row.created_at, str(current or ""))


def parse_fix(report: DiscrepancyRecord, text: str) -> str:
    """The corrected value as it will be stored (an office type as its key)."""
    value = " ".join(normalize_persian(text).split())
    if not value or len(value) > 200:
        raise ReviewError("rv-disc-bad-value")
    if report.field == "type":
        office_type = OFFICE_TYPES.get(value.lower())
        if office_type is None:
            raise ReviewError("rv-disc-bad-type")
        return office_type
    return value


async def fix_discrepancy(session: AsyncSession, report_id: int, regions: set[int],
                          value: str, who: Who, now: datetime) -> DiscrepancyRecord:
    """Correct the office's base field (audited) and tell the owners."""
    report = await get_discrepancy(session, report_id, regions)
    if report.status != "open":
        raise ReviewError("rv-disc-closed")
    value = parse_fix(report, value)
    office = await session.get(Office, report.office.id)
    assert office is not None
    column = DISCREPANCY_FIELDS[report.field]
    old = getattr(office, column)
    setattr(office, column, value)
    await audit(session, actor=who.label, actor_account_id=who.account_id, action="office.fix",
                entity="office", entity_id=office.id, old={column: old}, new={column: value},
                reason=f"discrepancy #{report.id}")
    return await _resolve(session, report, "fixed", value, who, now)


async def answer_discrepancy(session: AsyncSession, report_id: int, regions: set[int],
                             text: str, who: Who, now: datetime) -> DiscrepancyRecord:
    report = await get_discrepancy(session, report_id, regions)
    if report.status != "open":
        raise ReviewError("rv-disc-closed")
    text = " ".join(text.split())[:MAX_TEXT]
    if not text:
        raise ReviewError("rv-disc-bad-value")
    return await _resolve(session, report, "answered", text, who, now)


async def _resolve(session: AsyncSession, report: DiscrepancyRecord, status: str, answer: str,
                   who: Who, now: datetime) -> DiscrepancyRecord:
    # Conditional: of two staff answering one report at once, one resolves it.
    resolved = await session.execute(
        update(Discrepancy).where(Discrepancy.id == report.id, Discrepancy.status == "open")
        .values(status=status, answer=answer, resolved_at=now)
        .execution_options(synchronize_session=False))
    if resolved.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError("rv-disc-closed")
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action=f"discrepancy.{status}", entity="office", entity_id=report.office.id,
                old={"report": report.id, "status": "open"},
                new={"report": report.id, "status": status, "answer": answer})

    await tell_owners(session, report.office.id, "review-discrepancy", kind="review.discrepancy",
                      dedup=f"rv-disc:{report.id}", number=report.id, field=report.field,
                      status=status, answer=answer)
    return DiscrepancyRecord(report.id, report.office, report.field, report.text, status,
                             answer, report.evidence_sha256, report.created_at, report.current)


# ---------------------------------------------------------------------------------------------
# The owner's side of discrepancy reports


@dataclass(frozen=True, slots=True)
class OwnReport:
    id: int
    field: str
    status: str
    answer: str | None


async def own_reports(session: AsyncSession, office_id: int, limit: int = 5
                      ) -> list[OwnReport]:
    """The office's latest reports, newest first."""
    rows = (await session.execute(select(
        Discrepancy.id, Discrepancy.field, Discrepancy.status, Discrepancy.answer).where(
        Discrepancy.office_id == office_id).order_by(Discrepancy.id.desc()).limit(limit))).all()
    return [OwnReport(*row) for row in rows]


async def open_report(session: AsyncSession, office_id: int, account_id: int, field: str,
                      text: str, actor: str) -> int:
    """Save an owner's report (audited); its number."""
    report = Discrepancy(office_id=office_id, account_id=account_id, field=field, text=text)
    session.add(report)
    await session.flush()
    await audit(session, actor=actor, action="discrepancy.open", entity="office",
                entity_id=office_id, new={"field": field, "report": report.id})
    return report.id


async def attach_evidence(session: AsyncSession, report_id: int, account_id: int,
                          sha256: str) -> bool:
    """Attach a stored file to the account's own report; False if it is not theirs."""
    attached = await session.execute(
        update(Discrepancy).where(Discrepancy.id == report_id,
                                  Discrepancy.account_id == account_id)
        .values(evidence_sha256=sha256).execution_options(synchronize_session=False))
    return attached.rowcount == 1  # type: ignore[attr-defined]


async def own_report_exists(session: AsyncSession, report_id: int, account_id: int) -> bool:
    return await session.scalar(select(Discrepancy.id).where(
        Discrepancy.id == report_id, Discrepancy.account_id == account_id)) is not None
