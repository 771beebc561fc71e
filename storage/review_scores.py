"""Association and satisfaction scores from a file: CSV or XLSX, English or Persian headers,
every row validated before anything is written (any bad row: nothing is written), reported like
the registry import. Used by `pishkhan scores import`, `pishkhan satisfaction import` and the
association's upload in the chat (limited to its provinces)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.answers import AnswerError, parse_external_score
from scoring.rubric import ExternalInput
from scoring.text import NumberError, normalize_persian, parse_decimal, to_ascii_digits
from storage import declarations as decl
from storage.admin import audit
from storage.exclusive import serialize
from storage.models import ExternalScore, Office
from storage.records import PeriodRecord
from storage.registry import (
    ImportReport,
    RegistryFileError,
    RowError,
    read_table,
    row_problem,
    shown,
)
from storage.review import ReviewError

CENT = Decimal("0.01")
CODE = ("office_code", "کد دفتر")
SCORE = ("score", "امتیاز")
MEAN = ("mean", "میانگین")
RESPONDENTS = ("respondents", "تعداد پاسخ‌دهندگان", "پاسخ‌دهندگان")


def _frozen(period: PeriodRecord) -> None:
    if period.published_at is not None:
        raise ReviewError("rv-published", period_code=period.code)


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


def _why(error: AnswerError) -> tuple[str, str]:
    """The row error's English reason and its catalog key."""
    if error.key == "answer-out-of-range":
        return (f"out of range: must be between {error.args['min']} and {error.args['max']}",
                "assoc-row-range")
    return f"not a number: {shown(str(error.args.get('text', '')))}", "assoc-row-number"


def _why_args(error: AnswerError) -> dict[str, object]:
    if error.key == "answer-out-of-range":
        return {"min": error.args["min"], "max": error.args["max"]}
    return {"text": shown(str(error.args.get("text", "")), quote=False)}


async def import_scores(session: AsyncSession, path: Path, period: PeriodRecord, kind: str, *,
                        provinces: set[str] | None = None, dry_run: bool = False,
                        actor: str = "cli", actor_account_id: int | None = None,
                        own_offices: set[int] | None = None) -> ImportReport:
    """Association scores (office code, score) or satisfaction (office code, score and/or
    mean rating, respondents) for a period, from CSV/XLSX with English or Persian headers.
    Every row is validated first; any bad row means nothing is written. `provinces` limits the
    offices to an association's own; `own_offices` (the member's own, as owner) are refused."""
    if kind not in ("association", "satisfaction"):
        raise ValueError(kind)
    _frozen(period)
    if not dry_run:  # two files (or a file and a typed score) at once: the second waits
        await serialize(session, f"external-scores:{period.id}")
    rubric = decl.period_rubric(period)
    rows = read_table(path)
    headers = set(rows[0])
    code_col, score_col = _column(headers, CODE), _column(headers, SCORE)
    mean_col, people_col = _column(headers, MEAN), _column(headers, RESPONDENTS)
    if code_col is None:
        raise RegistryFileError("missing column: office_code (کد دفتر)",
                                "registry-missing-columns", columns="office_code (کد دفتر)",
                                columns_fa="کد دفتر")
    if kind == "association" and score_col is None:
        raise RegistryFileError("missing column: score (امتیاز)", "registry-missing-columns",
                                columns="score (امتیاز)", columns_fa="امتیاز")
    if kind == "satisfaction" and score_col is None and mean_col is None:
        raise RegistryFileError("missing column: score (امتیاز) or mean (میانگین)",
                                "registry-missing-columns",
                                columns="score (امتیاز) / mean (میانگین)",
                                columns_fa="امتیاز یا میانگین")
    offices = {code: (office_id, province) for office_id, code, province in (
        await session.execute(select(Office.id, Office.code, Office.province))).all()}
    spec: ExternalInput = getattr(rubric.external, kind)
    report = ImportReport()
    good: dict[int, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        errors_before = len(report.rejected)
        problem = row_problem(row, number)
        if problem is not None:  # a cell too long, a NUL, a line the CSV reader refused
            report.rejected.append(problem)
            continue

        def bad(column: str, reason: str, key: str = "", /, _n: int = number,
                **params: object) -> None:
            report.rejected.append(RowError(_n, column, reason, key, tuple(params.items())))

        code = to_ascii_digits(row.get(code_col, "")).strip()
        office = offices.get(code)
        if not code:
            bad("office_code", "empty", "assoc-row-empty")
        elif code in first_row:
            bad("office_code", f"duplicate code {shown(code, quote=False)} "
                               f"(first on row {first_row[code]})", "assoc-row-duplicate",
                code=shown(code, quote=False), first=first_row[code])
        elif office is None:
            bad("office_code", f"no office with code {shown(code, quote=False)}",
                "assoc-no-office", code=shown(code, quote=False))
        elif provinces is not None and office[1] not in provinces:
            bad("office_code", f"office {code} is in {office[1]}, not your province",
                "assoc-row-province", code=code, province=office[1])
        elif own_offices and office[0] in own_offices:
            bad("office_code", f"office {code} is your own: another member scores it",
                "assoc-own-office", code=code)
        first_row.setdefault(code, number)
        values: dict[str, Any] = {}
        score_text = row.get(score_col, "").strip() if score_col else ""
        mean_text = row.get(mean_col, "").strip() if mean_col else ""
        try:
            if kind == "association":
                values["association"] = parse_external_score(spec, score_text).quantize(CENT)
            else:
                if not score_text and not mean_text:
                    bad("score", "give a score or a mean rating", "assoc-row-score-or-mean")
                if score_text:
                    values["satisfaction"] = parse_external_score(spec, score_text
                                                                  ).quantize(CENT)
        except AnswerError as error:
            bad("score", *(("empty", "assoc-row-empty") if not score_text else _why(error)),
                **({} if not score_text else _why_args(error)))
        if kind == "satisfaction":
            if mean_text:
                try:
                    sat = rubric.external.satisfaction
                    values["satisfaction_mean"] = _in_range(sat.mean_min, sat.mean_max,
                                                            mean_text).quantize(CENT)
                except AnswerError as error:
                    bad("mean", *_why(error), **_why_args(error))
            people = to_ascii_digits(row.get(people_col, "") if people_col else "").strip()
            if people and not people.isdigit():
                bad("respondents", f"not a whole number: {shown(people)}",
                    "assoc-row-whole", text=shown(people, quote=False))
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
    report.written = True  # once the caller commits
    return report


def _differs(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is not new
    return Decimal(old) != Decimal(new)
