"""Templates: Jinja2 through aiohttp-jinja2, autoescaped, with the catalogs' words (`t`),
Jalali dates and Persian digits as filters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from scoring.calendar import format_jalali_date, format_jalali_numeric, period_title
from scoring.text import to_persian_digits
from services.console_auth import Session
from services.console_roles import may_answer, may_score, tickets_only
from services.console_stats import may_see_audit, may_see_stats
from texts.i18n import Translator, format_number

TEMPLATES = Path(__file__).resolve().parent / "templates"
ROOT = web.AppKey("console_root", str)  # where the console is served: "/console"
SESSION = web.RequestKey("console_session", Session)  # who is signed in


def setup(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES),
                               autoescape=jinja2.select_autoescape(default=True),
                               undefined=jinja2.StrictUndefined)
    env.globals["period_title"] = period_title


def translator(request: web.Request) -> Translator:
    session = request.get(SESSION)
    return Translator(session.actor.locale if session is not None else "fa")


def digits(value: object, lang: str) -> str:
    text = "" if value is None else str(value)
    return to_persian_digits(text) if lang == "fa" else text


def page(request: web.Request, template: str, status: int = 200, **context: Any
         ) -> web.Response:
    """A page in the reader's language: `t`, `n` (numbers), `d` (digits), `jalali`, the CSRF
    token, who is signed in, and the console's root for links."""
    t = translator(request)
    session = request.get(SESSION)

    def jalali(value: date | datetime | None, numeric: bool = False) -> str:
        if value is None:
            return ""
        return (format_jalali_numeric if numeric else format_jalali_date)(value, t.lang)

    def n(value: int | float | Decimal) -> str:
        return format_number(value, t.lang)

    return aiohttp_jinja2.render_template(template, request, {
        "t": t, "lang": t.lang, "n": n, "d": lambda value: digits(value, t.lang),
        "jalali": jalali, "session": session, "root": request.app[ROOT],
        "csrf": session.csrf if session is not None else "", "flash": "",
        "nav_stats": session is not None and may_see_stats(session.actor),
        "nav_audit": session is not None and may_see_audit(session.actor),
        "nav_scores": session is not None and may_score(session.actor),
        "nav_tickets": session is not None and may_answer(session.actor),
        "nav_tickets_only": session is not None and tickets_only(session.actor), **context},
        status=status)
