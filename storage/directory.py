"""What HQ keeps for the experts' side: the expert directory, the frequent questions with their
prepared answers, and the official holidays (no working hours for escalation).

The directory and the questions are replaced whole from a CSV file: `read_experts` and
`read_faq` read and check a file (no database), `replace_experts` and `replace_faq` write.
Repository functions; they never commit (`services.staff` does).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.admin import EXPERT_CATEGORIES, AdminError
from storage.db import dialect_insert
from storage.models import Expert, Faq, Holiday

# The categories of an owner's question (`storage.tickets.CATEGORIES`): a frequent question has
# one of them; an expert may also be a supervisor.
FAQ_CATEGORIES = EXPERT_CATEGORIES[:5]
FAQ_MAX_ANSWER = 3500


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a UTF-8 CSV file (with or without BOM) as dicts; AdminError when it cannot
    be read or has no rows."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError(f"cannot read {path}: {exc}", "admin-file-unreadable",
                         path=str(path), reason=str(exc)) from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise AdminError(f"{path.name}: no rows", "admin-file-empty", name=path.name)
    return rows


def _required(number: int, columns: str) -> AdminError:
    return AdminError(f"row {number}: {columns} are required", "admin-row-required",
                      row=number, columns=columns)


def _category(number: int, category: str, allowed: tuple[str, ...]) -> AdminError:
    return AdminError(f"row {number}: unknown category {category!r} ({', '.join(allowed)})",
                      "admin-row-category", row=number, category=category,
                      allowed=", ".join(allowed))


# --- the expert directory --------------------------------------------------------------------

def read_experts(path: Path) -> list[dict[str, Any]]:
    """A directory file: name, phone, category, topic_fa, topic_en, hours."""
    experts = []
    for number, row in enumerate(read_csv_rows(path), start=2):
        name, phone = (row.get("name") or "").strip(), (row.get("phone") or "").strip()
        category = (row.get("category") or "declaration").strip()
        if not name or not phone:
            raise _required(number, "name and phone")
        if category not in EXPERT_CATEGORIES:
            raise _category(number, category, EXPERT_CATEGORIES)
        experts.append({"name": name, "phone": phone, "category": category,
                        "topic_fa": (row.get("topic_fa") or "").strip(),
                        "topic_en": (row.get("topic_en") or "").strip(),
                        "hours": (row.get("hours") or "").strip()})
    return experts


async def replace_experts(session: AsyncSession, experts: list[dict[str, Any]]) -> None:
    await session.execute(delete(Expert))
    session.add_all(Expert(**values) for values in experts)
    await session.flush()


# --- frequent questions ----------------------------------------------------------------------

def read_faq(path: Path) -> list[dict[str, str]]:
    """A list of frequent questions: category, question_fa, answer_fa, question_en, answer_en."""
    items = []
    for number, row in enumerate(read_csv_rows(path), start=2):
        values = {k: (row.get(k) or "").strip() for k in
                  ("category", "question_fa", "answer_fa", "question_en", "answer_en")}
        if values["category"] not in FAQ_CATEGORIES:
            raise _category(number, values["category"], FAQ_CATEGORIES)
        if not values["question_fa"] or not values["answer_fa"]:
            raise _required(number, "question_fa and answer_fa")
        for key in ("answer_fa", "answer_en"):
            if len(values[key]) > FAQ_MAX_ANSWER:
                raise AdminError(
                    f"row {number}: {key} is longer than {FAQ_MAX_ANSWER} characters",
                    "admin-row-too-long", row=number, column=key, max=FAQ_MAX_ANSWER)
        items.append(values)
    return items


async def replace_faq(session: AsyncSession, items: list[dict[str, str]]) -> None:
    await session.execute(delete(Faq))
    session.add_all(Faq(**values) for values in items)
    await session.flush()


# --- holidays --------------------------------------------------------------------------------

async def put_holiday(session: AsyncSession, day: date, name: str) -> str | None:
    """Add the day, or rename it when it is there (an empty name keeps the old one): one
    INSERT … ON CONFLICT, so two adds at once leave one row. The name it had before, or None
    when it is new."""
    old = await session.scalar(select(Holiday.name).where(Holiday.day == day.isoformat()))
    insert = dialect_insert(session)(Holiday).values(day=day.isoformat(), name=name)
    if name:
        await session.execute(insert.on_conflict_do_update(index_elements=["day"],
                                                           set_={"name": name}))
    else:
        await session.execute(insert.on_conflict_do_nothing(index_elements=["day"]))
    return old


async def delete_holiday(session: AsyncSession, day: date) -> bool:
    """One DELETE … RETURNING: of two removals at once, one deletes; False for the other."""
    row = (await session.execute(delete(Holiday).where(Holiday.day == day.isoformat())
                                 .returning(Holiday.day))).first()
    return row is not None


async def list_holidays(session: AsyncSession) -> list[tuple[date, str]]:
    rows = (await session.execute(select(Holiday.day, Holiday.name).order_by(Holiday.day))).all()
    return [(date.fromisoformat(d), n) for d, n in rows]


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: int
    category: str
    question_fa: str
    answer_fa: str


async def list_faqs(session: AsyncSession) -> list[FaqEntry]:
    rows = (await session.execute(select(Faq.id, Faq.category, Faq.question_fa, Faq.answer_fa)
                                  .order_by(Faq.id))).all()
    return [FaqEntry(*row) for row in rows]
