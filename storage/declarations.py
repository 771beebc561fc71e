"""Declarations: the draft is the wizard's state, one committed `Answer` row per question.

Status moves follow the one table in `scoring.status`; every move writes an audit row. The rubric
a period is scored by is its stored snapshot, parsed once per process and cached by its text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.answers import AnswerError, answers_from_json, missing_items, to_json
from scoring.calendar import utcnow
from scoring.rubric import Rubric, parse_rubric_text
from scoring.status import DeclarationStatus, assert_transition
from storage.admin import audit
from storage.db import dialect_insert, run
from storage.exclusive import locked
from storage.models import Answer, Declaration, Evidence, Office, Period
from storage.records import OfficeRecord, PeriodRecord

S = DeclarationStatus
log = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def rubric_of_text(text: str) -> Rubric:
    return parse_rubric_text(text)


def period_rubric(period: PeriodRecord) -> Rubric:
    # By period: every update asks, and hashing the whole text each time costs more than
    # comparing it with the one parsed (a snapshot is rarely, if ever, replaced).
    known = _PERIOD_RUBRICS.get(period.id)
    if known is None or known[0] != period.rubric_text:
        known = _PERIOD_RUBRICS[period.id] = (period.rubric_text,
                                              rubric_of_text(period.rubric_text))
    return known[1]


_PERIOD_RUBRICS: dict[int, tuple[str, Rubric]] = {}


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: int
    item_key: str
    sha256: str
    size: int
    mime: str
    filename: str | None
    platform: str
    file_id: str
    rejected_reason: str | None


@dataclass(frozen=True, slots=True)
class DeclarationView:
    """A declaration with its answers (typed by the period's rubric) and evidence."""

    id: int
    office_id: int
    period_id: int
    status: str
    version: int
    current_item: str | None
    answers: dict[str, Any]
    comments: dict[str, str]
    evidence: tuple[EvidenceRecord, ...]
    submitted_at: datetime | None
    grace_until: datetime | None
    raw: dict[str, Any] = field(default_factory=dict)
    review_started_at: datetime | None = None  # a reviewer opened this submission then

    @property
    def under_review(self) -> bool:
        """Submitted and opened by a reviewer of the region: no edit, only a discrepancy
        report."""
        return self.status == S.SUBMITTED and self.review_started_at is not None

    def answered(self, rubric: Rubric, key: str, value: Any, *, status: str) -> DeclarationView:
        """This view after the owner saved `value` for `key` (what a reload would read)."""
        raw = {**self.raw, key: to_json(value)}
        return replace(self, status=status, raw=raw,
                       answers={**self.answers, **typed_answers(rubric, {key: raw[key]})})

    def evidence_for(self, key: str) -> list[EvidenceRecord]:
        return [e for e in self.evidence if e.item_key == key and e.rejected_reason is None]

    def evidence_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.evidence:
            if item.rejected_reason is None:
                counts[item.item_key] = counts.get(item.item_key, 0) + 1
        return counts


def office_record(office: Office) -> OfficeRecord:
    return OfficeRecord(office.id, office.code, office.name, office.office_type,
                        office.region_code, office.province, office.city, office.holder_name,
                        office.holder_phone)


# What the wizard reads and writes on every update, built once (building a statement costs more
# than running it on SQLite), on the tables rather than the mapped classes, which skips the ORM's
# per-statement work, and read as plain rows.
_offices, _declarations = Office.__table__.c, Declaration.__table__.c
_answers, _evidence = Answer.__table__.c, Evidence.__table__.c
_periods = Period.__table__.c
_OFFICE = select(_offices.id, _offices.code, _offices.name, _offices.office_type,
                 _offices.region_code, _offices.province, _offices.city, _offices.holder_name,
                 _offices.holder_phone).where(_offices.id == bindparam("id"))
_DECLARATION_COLUMNS = (_declarations.id, _declarations.office_id, _declarations.period_id,
                        _declarations.status, _declarations.version, _declarations.current_item,
                        _declarations.submitted_at, _declarations.grace_until,
                        _declarations.review_started_at)
_DECLARATION = select(*_DECLARATION_COLUMNS).where(_declarations.id == bindparam("id"))
_DECLARATION_OF = select(*_DECLARATION_COLUMNS).where(
    _declarations.office_id == bindparam("office_id"),
    _declarations.period_id == bindparam("period_id"))
_ANSWERS = select(_answers.item_key, _answers.value_json, _answers.review_comment
                  ).where(_answers.declaration_id == bindparam("id"))
_EVIDENCE = select(_evidence.id, _evidence.item_key, _evidence.sha256, _evidence.size,
                   _evidence.mime, _evidence.filename, _evidence.platform, _evidence.file_id,
                   _evidence.rejected_reason).where(
    _evidence.declaration_id == bindparam("id"), _evidence.removed_at.is_(None)
).order_by(_evidence.id)
_FIND = select(_declarations.id).where(_declarations.office_id == bindparam("office_id"),
                                       _declarations.period_id == bindparam("period_id"))
_PREVIOUS = select(_declarations.id).select_from(
    Declaration.__table__.join(Period.__table__, _periods.id == _declarations.period_id)).where(
    _declarations.office_id == bindparam("office_id"),
    _periods.opens_at < bindparam("opens_at"),
    # Not `in_`: its expanding parameter would keep the statement off `run`'s fast path.
    or_(_declarations.status == S.CONFIRMED, _declarations.status == S.PUBLISHED)).order_by(
    _periods.opens_at.desc()).limit(1)
_ACCEPTED = select(_answers.item_key, _answers.value_json, _answers.accepted_json).where(
    _answers.declaration_id == bindparam("id"))
_SET_CURRENT = update(Declaration.__table__).where(
    _declarations.id == bindparam("declaration_id")).values(
    current_item=bindparam("current"), updated_at=bindparam("now"))
_ADD_EVIDENCE = insert(Evidence.__table__).values({name: bindparam(name) for name in (
    "declaration_id", "item_key", "sha256", "size", "mime", "filename", "platform", "file_id",
    "uploaded_at")}).returning(_evidence.id)


async def get_office(session: AsyncSession, office_id: int) -> OfficeRecord | None:
    rows = await run(session, _OFFICE, {"id": office_id})
    return OfficeRecord(*rows[0]) if rows else None


async def load(session: AsyncSession, declaration_id: int, rubric: Rubric) -> DeclarationView:
    found = await run(session, _DECLARATION, {"id": declaration_id})
    assert found
    return await _view(session, found[0], rubric)


async def load_of(session: AsyncSession, office_id: int, period_id: int, rubric: Rubric
                  ) -> DeclarationView | None:
    """The office's declaration for the period with its answers and files, or None: one
    statement fewer than `find` then `load`, on every step of the wizard."""
    found = await run(session, _DECLARATION_OF, {"office_id": office_id, "period_id": period_id})
    return await _view(session, found[0], rubric) if found else None


async def _view(session: AsyncSession, declaration: Any, rubric: Rubric) -> DeclarationView:
    key = {"id": declaration.id}
    rows = await run(session, _ANSWERS, key)
    raw = {item: json.loads(value) for item, value, _ in rows}
    comments = {item: comment for item, _, comment in rows if comment}
    evidence = await run(session, _EVIDENCE, key)
    return DeclarationView(
        declaration.id, declaration.office_id, declaration.period_id, declaration.status,
        declaration.version, declaration.current_item, typed_answers(rubric, raw), comments,
        tuple(EvidenceRecord(*e) for e in evidence),
        declaration.submitted_at, declaration.grace_until, raw, declaration.review_started_at)


def typed_answers(rubric: Rubric, raw: dict[str, Any]) -> dict[str, Any]:
    """Stored answers typed by the rubric; one the rubric no longer accepts counts as unanswered
    (and is logged) rather than breaking the owner's whole declaration."""
    typed: dict[str, Any] = {}
    for key in raw:
        try:
            typed.update(answers_from_json(rubric, raw, [key]))
        except AnswerError as exc:
            log.warning("stored answer %s no longer valid: %s", key, exc)
    return typed


async def find(session: AsyncSession, office_id: int, period_id: int) -> int | None:
    rows = await run(session, _FIND, {"office_id": office_id, "period_id": period_id})
    return rows[0][0] if rows else None


async def open_draft(session: AsyncSession, office_id: int, period: PeriodRecord,
                     actor: str) -> int:
    """The office's declaration for the period, created as a draft (with its audit row) if
    there is none, in the caller's transaction."""
    existing = await find(session, office_id, period.id)
    if existing is not None:
        return existing
    declaration = Declaration(office_id=office_id, period_id=period.id, status=S.DRAFT)
    session.add(declaration)
    await session.flush()
    await audit(session, actor=actor, action="declaration.open", entity="declaration",
                entity_id=declaration.id, new={"office_id": office_id, "period": period.code})
    return declaration.id


async def previous_confirmed(session: AsyncSession, office_id: int, period: PeriodRecord
                             ) -> tuple[int, dict[str, Any]] | None:
    """The office's last confirmed (or published) declaration of an earlier period, with its
    accepted answers as stored JSON: what pre-fills the wizard and what is carried forward."""
    rows = await run(session, _PREVIOUS, {"office_id": office_id, "opens_at": period.opens_at})
    if not rows:
        return None
    answers = await run(session, _ACCEPTED, {"id": rows[0][0]})
    return rows[0][0], {key: json.loads(accepted or value) for key, value, accepted in answers}


async def set_current(session: AsyncSession, declaration_id: int, item: str | None) -> None:
    await run(session, _SET_CURRENT, {"declaration_id": declaration_id, "current": item,
                                         "now": utcnow()})


# `save_answer(old=NO_ANSWER)`: the caller knows the item has no answer yet.
NO_ANSWER: Any = object()
_UNKNOWN: Any = object()


async def save_answer(session: AsyncSession, declaration_id: int, key: str, value: Any,
                      actor: str, *, old: Any = _UNKNOWN) -> None:
    """Store one answer in the caller's transaction (where the wizard goes next is the caller's:
    `set_current`). `old`, the stored JSON the caller read (or NO_ANSWER), saves reading it
    again; the write is an upsert, so a stale `old` can only make the audit row's "old" stale."""
    if old is _UNKNOWN:
        stored_old = await session.scalar(select(Answer.value_json).where(
            Answer.declaration_id == declaration_id, Answer.item_key == key))
        old = NO_ANSWER if stored_old is None else json.loads(stored_old)
    new = to_json(value)
    if old is NO_ANSWER or old != new:
        await run(session, _upsert_answer(session), {
            "declaration_id": declaration_id, "item_key": key,
            "value_json": json.dumps(new, ensure_ascii=False), "updated_at": utcnow()})
        await audit(session, actor=actor, action="answer.set", entity="declaration",
                    entity_id=declaration_id, old={key: None if old is NO_ANSWER else old},
                    new={key: new})


def _upsert_answer(session: AsyncSession) -> Any:
    """Insert the answer, or replace its value; a value the region had adjusted no longer stands
    once the owner answers anew (an unchanged value keeps the adjustment)."""
    insert = dialect_insert(session)
    if insert not in _UPSERTS:
        statement = insert(Answer.__table__).values(
            declaration_id=bindparam("declaration_id"), item_key=bindparam("item_key"),
            value_json=bindparam("value_json"), updated_at=bindparam("updated_at"))
        changed = _answers.value_json != statement.excluded.value_json
        _UPSERTS[insert] = statement.on_conflict_do_update(
            index_elements=[_answers.declaration_id, _answers.item_key],
            set_={"value_json": statement.excluded.value_json,
                  "updated_at": statement.excluded.updated_at,
                  "accepted_json": case((changed, None), else_=_answers.accepted_json)})
    return _UPSERTS[insert]


_UPSERTS: dict[Any, Any] = {}


async def copy_answers(session: AsyncSession, declaration_id: int, source_id: int,
                       keys: list[str], raw: dict[str, Any], actor: str) -> int:
    """«No change»: take the given items (and their evidence) from the earlier declaration.
    An item that has files already keeps its own. Three reads, whatever the number of items."""
    wanted = [key for key in keys if key in raw]
    if not wanted:
        return 0
    stored = {item: json.loads(value)
              for item, value, _ in await run(session, _ANSWERS, {"id": declaration_id})}
    with_files = set((await session.scalars(select(Evidence.item_key).where(
        Evidence.declaration_id == declaration_id, Evidence.item_key.in_(wanted),
        Evidence.removed_at.is_(None)))).all())
    order = {key: n for n, key in enumerate(wanted)}
    sources = sorted((await session.scalars(select(Evidence).where(
        Evidence.declaration_id == source_id,
        Evidence.item_key.in_([key for key in wanted if key not in with_files]),
        Evidence.removed_at.is_(None), Evidence.rejected_reason.is_(None)))).all(),
        key=lambda e: (order[e.item_key], e.id))
    for key in wanted:
        await save_answer(session, declaration_id, key, raw[key], actor,
                          old=stored.get(key, NO_ANSWER))
    session.add_all(Evidence(declaration_id=declaration_id, item_key=item.item_key,
                             sha256=item.sha256, size=item.size, mime=item.mime,
                             filename=item.filename, platform=item.platform,
                             file_id=item.file_id) for item in sources)
    return len(wanted)


async def add_evidence(session: AsyncSession, declaration_id: int, key: str, *, sha256: str,
                       size: int, mime: str, filename: str | None, platform: str,
                       file_id: str, actor: str) -> int:
    evidence_id = (await run(session, _ADD_EVIDENCE, {
        "declaration_id": declaration_id, "item_key": key, "sha256": sha256, "size": size,
        "mime": mime, "filename": filename, "platform": platform, "file_id": file_id,
        "uploaded_at": utcnow()}))[0][0]
    await audit(session, actor=actor, action="evidence.add", entity="declaration",
                entity_id=declaration_id, new={"key": key, "sha256": sha256, "size": size})
    return int(evidence_id)


async def lock(session: AsyncSession, declaration_id: int) -> None:
    """Hold the declaration's row until the transaction ends: changes to one declaration made
    at once (an album's files, a double tap) take turns."""
    await locked(session, Declaration, declaration_id)


async def has_evidence(session: AsyncSession, declaration_id: int, key: str, sha256: str
                       ) -> bool:
    """Whether the item has a file with these bytes already (not removed, not rejected)."""
    found = await session.scalar(select(Evidence.id).where(
        Evidence.declaration_id == declaration_id, Evidence.item_key == key,
        Evidence.sha256 == sha256, Evidence.removed_at.is_(None),
        Evidence.rejected_reason.is_(None)).limit(1))
    return found is not None


async def remove_evidence(session: AsyncSession, declaration_id: int, evidence_id: int,
                          now: datetime, actor: str) -> bool:
    """Remove a file of this declaration; False when the id is not one of its files."""
    item = await session.get(Evidence, evidence_id)
    if item is None or item.declaration_id != declaration_id or item.removed_at is not None:
        return False
    item.removed_at = now
    await audit(session, actor=actor, action="evidence.remove", entity="declaration",
                entity_id=declaration_id, old={"key": item.item_key, "sha256": item.sha256})
    return True


async def move(session: AsyncSession, declaration_id: int, new: DeclarationStatus, *,
               actor: str, by: str, now: datetime, reason: str | None = None) -> None:
    """A status move checked against the one table, with its audit row."""
    # Locked until the transaction ends: of two moves at once (a double tap on «submit»), the
    # second reads the first one's result and is refused by the table.
    declaration = await locked(session, Declaration, declaration_id)
    assert declaration is not None
    assert_transition(declaration.status, new, by)
    old = declaration.status
    declaration.status = new
    declaration.review_started_at = None  # a review, if any, was of the status it leaves
    if new == S.SUBMITTED:
        declaration.version += 1
        declaration.submitted_at = now
        declaration.current_item = None
    elif new == S.CONFIRMED:
        declaration.confirmed_at = now
    await audit(session, actor=actor, action="declaration.status", entity="declaration",
                entity_id=declaration_id, old=old, new=str(new), reason=reason)


async def start_review(session: AsyncSession, declaration_id: int, version: int,
                       now: datetime) -> bool:
    """Mark this submission (`version`) as opened by a reviewer; False when it is no longer
    submitted, is another version, or was marked already. Conditional, so of an owner's edit
    and a reviewer's opening at once one comes first and the other sees it."""
    marked = await session.execute(
        update(Declaration).where(Declaration.id == declaration_id,
                                  Declaration.status == S.SUBMITTED,
                                  Declaration.version == version,
                                  Declaration.review_started_at.is_(None))
        .values(review_started_at=now).execution_options(synchronize_session=False))
    return bool(marked.rowcount)  # type: ignore[attr-defined]


async def review_started(session: AsyncSession, declaration_id: int) -> datetime | None:
    """When a reviewer opened the submission, read under the row's lock (held until the
    transaction ends, so a reviewer's opening waits for an owner's edit or comes before it)."""
    declaration = await locked(session, Declaration, declaration_id)
    assert declaration is not None
    return declaration.review_started_at if declaration.status == S.SUBMITTED else None


def missing(rubric: Rubric, office_type: str, view: DeclarationView) -> list[Any]:
    return missing_items(rubric, office_type, view.answers, view.evidence_counts())
