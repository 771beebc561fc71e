"""What regions and associations add besides reviewing declarations: the committee's negative
points, association and satisfaction scores (one by one or a whole file), and the answers to
owners' discrepancy reports.

Like `storage.review`, every function checks that the office is the staff member's (its region,
or its province for an association), writes an audit row, queues what the owner must hear in the
same transaction, and leaves the commit to the caller, except the file imports, which validate
every row first and write all or nothing, as the registry import does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from scoring.answers import AnswerError, parse_external_score
from scoring.calendar import TEHRAN, format_jalali_date, format_jalali_numeric, period_title
from scoring.rubric import ExternalInput, Rubric
from scoring.text import NumberError, normalize_persian, parse_decimal, to_ascii_digits
from storage import declarations as decl
from storage.admin import audit
from storage.models import Discrepancy, ExternalScore, NegativePoint, Office
from storage.records import OfficeRecord, PeriodRecord
from storage.registry import OFFICE_TYPES, ImportReport, RegistryFileError, RowError, read_table
from storage.review import MAX_TEXT, ReviewError, Who, check_window, tell_owners

CENT = Decimal("0.01")
CODE = ("office_code", "کد دفتر")
SCORE = ("score", "امتیاز")
MEAN = ("mean", "میانگین")
RESPONDENTS = ("respondents", "تعداد پاسخ‌دهندگان", "پاسخ‌دهندگان")
DISCREPANCY_FIELDS = {"name": "name", "type": "office_type", "address": "address",
                      "holder": "holder_name"}


def _frozen(period: PeriodRecord) -> None:
    if period.published_at is not None:
        raise ReviewError("rv-published", period_code=period.code)


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
                       who: Who, now: datetime) -> NegativeRecord:
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

    def render(t: Translator) -> str:
        return t("rv-owner-negative", name=office.name, code=office.code,
                 title=item.title_fa if t.lang == "fa" else item.title_en,
                 date=format_jalali_date(decided_on, t.lang), reference=reference,
                 points=item.points, period=period_title(period.code, t.lang))

    await tell_owners(session, office.id, "review.negative", render,
                      dedup=f"rv-negative:{row.id}")
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
    """Enter one office's association score; returns the previous one."""
    check_window(period, now)
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


def _column(headers: set[str], aliases: Iterable[str]) -> str | None:
    for alias in aliases:
        name = normalize_persian(alias).lower()
        if name in headers:
            return name
    return None


def _number(text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except NumberError:
        raise AnswerError("answer-not-a-number", text=text[:40]) from None


def _in_range(spec_min: Decimal, spec_max: Decimal, text: str) -> Decimal:
    value = _number(text)
    if not spec_min <= value <= spec_max:
        raise AnswerError("answer-out-of-range", min=spec_min, max=spec_max)
    return value


def _why(error: AnswerError) -> str:
    if error.key == "answer-out-of-range":
        return f"out of range: must be between {error.args['min']} and {error.args['max']}"
    return f"not a number: {error.args.get('text', '')!r}"


async def import_scores(session: AsyncSession, path: Path, period: PeriodRecord, kind: str, *,
                        provinces: set[str] | None = None, dry_run: bool = False,
                        actor: str = "cli", actor_account_id: int | None = None
                        ) -> ImportReport:
    """Association scores (office code, score) or satisfaction (office code, score and/or
    mean rating, respondents) for a period, from CSV/XLSX with English or Persian headers.
    Every row is validated first; any bad row means nothing is written. `provinces` limits the
    offices to an association's own."""
    if kind not in ("association", "satisfaction"):
        raise ValueError(kind)
    _frozen(period)
    rubric = decl.period_rubric(period)
    rows = read_table(path)
    headers = set(rows[0])
    code_col, score_col = _column(headers, CODE), _column(headers, SCORE)
    mean_col, people_col = _column(headers, MEAN), _column(headers, RESPONDENTS)
    if code_col is None:
        raise RegistryFileError("missing column: office_code (کد دفتر)")
    if kind == "association" and score_col is None:
        raise RegistryFileError("missing column: score (امتیاز)")
    if kind == "satisfaction" and score_col is None and mean_col is None:
        raise RegistryFileError("missing column: score (امتیاز) or mean (میانگین)")
    offices = {code: (office_id, province) for office_id, code, province in (
        await session.execute(select(Office.id, Office.code, Office.province))).all()}
    spec: ExternalInput = getattr(rubric.external, kind)
    report = ImportReport()
    good: dict[int, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        errors_before = len(report.rejected)

        def bad(column: str, reason: str, _n: int = number) -> None:
            report.rejected.append(RowError(_n, column, reason))

        code = to_ascii_digits(row.get(code_col, "")).strip()
        office = offices.get(code)
        if not code:
            bad("office_code", "empty")
        elif code in first_row:
            bad("office_code", f"duplicate code {code} (first on row {first_row[code]})")
        elif office is None:
            bad("office_code", f"no office with code {code}")
        elif provinces is not None and office[1] not in provinces:
            bad("office_code", f"office {code} is in {office[1]}, not your province")
        first_row.setdefault(code, number)
        values: dict[str, Any] = {}
        score_text = row.get(score_col, "").strip() if score_col else ""
        mean_text = row.get(mean_col, "").strip() if mean_col else ""
        try:
            if kind == "association":
                values["association"] = parse_external_score(spec, score_text).quantize(CENT)
            else:
                if not score_text and not mean_text:
                    bad("score", "give a score or a mean rating")
                if score_text:
                    values["satisfaction"] = parse_external_score(spec, score_text
                                                                  ).quantize(CENT)
        except AnswerError as error:
            bad("score", "empty" if not score_text else _why(error))
        if kind == "satisfaction":
            if mean_text:
                try:
                    sat = rubric.external.satisfaction
                    values["satisfaction_mean"] = _in_range(sat.mean_min, sat.mean_max,
                                                            mean_text).quantize(CENT)
                except AnswerError as error:
                    bad("mean", _why(error))
            people = to_ascii_digits(row.get(people_col, "") if people_col else "").strip()
            if people and not people.isdigit():
                bad("respondents", f"not a whole number: {people!r}")
            elif people:
                values["respondents"] = int(people)
        if len(report.rejected) == errors_before and office is not None:
            good[office[0]] = values
    columns = (("association",) if kind == "association"
               else ("satisfaction", "satisfaction_mean", "respondents"))
    existing = {r.office_id: r for r in (await session.execute(
        select(ExternalScore.office_id, *(getattr(ExternalScore, c) for c in columns))
        .where(ExternalScore.period_id == period.id))).all()}
    inserts, updates = [], []
    for office_id, values in good.items():
        full = {c: values.get(c) for c in columns}
        old = existing.get(office_id)
        if old is None:
            inserts.append({"period_id": period.id, "office_id": office_id, **full})
        elif any(_differs(getattr(old, c), full[c]) for c in columns):
            updates.append({"period_id": period.id, "office_id": office_id, **full})
        else:
            report.unchanged += 1
    report.inserted, report.updated = len(inserts), len(updates)
    if dry_run or report.rejected:
        return report
    for start in range(0, len(inserts), 1000):
        await session.execute(insert(ExternalScore), inserts[start:start + 1000])
    for start in range(0, len(updates), 1000):
        await session.execute(update(ExternalScore), updates[start:start + 1000])
    await audit(session, actor=actor, actor_account_id=actor_account_id,
                action=f"score.{kind}.import", entity="period", entity_id=period.id,
                new={"file": path.name, "inserted": report.inserted,
                     "updated": report.updated, "unchanged": report.unchanged})
    await session.commit()
    report.written = True
    return report


def _differs(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is not new
    return Decimal(old) != Decimal(new)


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
    row = await session.get(Discrepancy, report.id)
    assert row is not None
    row.status, row.answer, row.resolved_at = status, answer, now
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action=f"discrepancy.{status}", entity="office", entity_id=report.office.id,
                old={"report": report.id, "status": "open"},
                new={"report": report.id, "status": status, "answer": answer})

    def render(t: Translator) -> str:
        shown = t(f"rv-type-{answer}") if report.field == "type" else answer
        return t(f"rv-owner-disc-{status}", number=report.id,
                 field=t(f"disc-field-{report.field}"), answer=shown)

    await tell_owners(session, report.office.id, "review.discrepancy", render,
                      callback="menu:disc", button="rv-owner-button-disc",
                      dedup=f"rv-disc:{report.id}")
    return DiscrepancyRecord(report.id, report.office, report.field, report.text, status,
                             answer, report.evidence_sha256, report.created_at, report.current)
