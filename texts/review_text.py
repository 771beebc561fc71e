"""Small pieces of the review's wording shared by the reviewer's screens and the owners'
notices: a rejection reason, the window's dates, a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from scoring.calendar import format_jalali_date, period_title
from storage.review import QUICK_REASONS, TICK
from texts.i18n import Translator

__all__ = ["QUICK_REASONS", "TICK", "explain", "explain_code", "reason_text"]


def reason_text(t: Translator, stored: str | None) -> str:
    """A rejection reason: one of the quick reasons (stored as «@key») or the reviewer's text."""
    if stored and stored.startswith("@") and stored[1:] in QUICK_REASONS:
        return t(f"rv-reason-{stored[1:]}")
    return t.raw(stored or "")


def explain_code(t: Translator, code: str, params: Mapping[str, Any]) -> str:
    """A refusal in the reader's language: dates as Jalali, period codes as titles."""
    args: dict[str, object] = {}
    for name, value in params.items():
        if value is None and name in ("by", "at"):
            continue
        if name == "at" and isinstance(value, datetime):
            args[name] = value  # who won a race, and when: the translator says it with the time
        elif isinstance(value, datetime | date):
            args[name] = format_jalali_date(value, t.lang)
        elif name == "period_code":
            args["period"] = period_title(str(value), t.lang)
        elif name == "status":
            args[name] = t(f"status-{value}")
        else:
            args[name] = value
    return t(code, **args)


def explain(t: Translator, error: Any) -> str:
    """A refusal (`services.errors.ServiceError`, or a storage `ReviewError`) in words."""
    code = getattr(error, "code", None) or error.key
    params = getattr(error, "params", None)
    if params is None:
        params = error.args_
    return explain_code(t, code, params)
