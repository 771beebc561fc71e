"""The audit log's columns in the reader's language: Jalali date and Tehran time, the rest as
stored (old and new values are JSON as written)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scoring.calendar import TEHRAN, format_jalali_numeric
from texts.i18n import Translator

COLUMNS = ("id", "at", "actor", "action", "entity", "entity-id", "old", "new", "reason")


def audit_header(lang: str) -> list[str]:
    t = Translator(lang)
    return [t(f"audit-col-{c}") for c in COLUMNS]


def audit_table_rows(rows: Sequence[Any], lang: str) -> list[list[Any]]:
    out = []
    for r in rows:
        local = r.at.astimezone(TEHRAN)
        when = f"{format_jalali_numeric(r.at, lang)} {local:%H:%M:%S}"
        out.append([r.id, when, r.actor, r.action, r.entity, r.entity_id, r.old, r.new,
                    r.reason])
    return out
