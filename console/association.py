"""The association's pages: its province's offices with their association score for the period
under review, each editable in its row, a search by code, name or city, 50 a page, and a CSV/XLSX
upload whose import report (rows taken, rows refused with the reason of each) is shown on the
page. Each form is the bot's call (`services.console_roles` → `services.association`), audited
the same way; scope is the services': another province's office answers 404."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.web_request import FileField

from console import render
from console.common import actor, now, redirect, uow
from console.pages import _id, page_number
from services import console_roles
from services.errors import Invalid, ServiceError
from storage.registry import ImportReport, RegistryFileError
from texts.association import column_name, file_refusal, row_reason
from texts.review_text import explain

PER_PAGE = 50
MAX_FILE = 1024 * 1024  # the console's (and the webhook's) request limit
SUFFIXES = (".csv", ".xlsx")


def _where(query: Any) -> dict[str, str]:
    """The search and page to come back to, from a query string or a form."""
    found = {"q": str(query.get("q") or "")[:100], "page": str(query.get("page") or ""),
             "period": str(query.get("period") or "")[:20]}
    return {k: v for k, v in found.items() if v and v != "0"}


async def _table(request: web.Request, where: dict[str, str], status: int = 200,
                 **context: Any) -> web.Response:
    page = page_number(where.get("page"))
    table = await console_roles.score_table(uow(request), actor(request), now(request),
                                            where.get("q", ""), page, PER_PAGE,
                                            where.get("period") or None)
    t = render.translator(request)
    done = request.query.get("done", "")
    flash = context.pop("flash", "") or (t("console-scores-saved", code=done) if done else "")
    return render.page(request, "scores.html", status=status, table=table, page=page,
                       pages=max((table.total + PER_PAGE - 1) // PER_PAGE, 1), where=where,
                       query=urlencode({k: v for k, v in where.items() if k != "page"}),
                       why=explain(t, table.refusal) if table.refusal else None,
                       flash=flash, **{"error": None, "error_office": None, "report": None,
                                       **context})


async def scores_page(request: web.Request) -> web.Response:
    return await _table(request, _where(request.query))


async def set_score(request: web.Request) -> web.Response:
    form = await request.post()
    where = _where(form)
    try:
        saved = await console_roles.set_score(uow(request), actor(request), _id(request, "id"),
                                              str(form.get("score") or ""), now(request))
    except Invalid as error:
        if error.code != "assoc-bad-score":
            raise
        t = render.translator(request)
        return await _table(request, where, status=400, error=explain(t, error),
                            error_office=error.params.get("office"))
    suffix = urlencode({**where, "done": saved.office.code})
    return redirect(request, f"/scores?{suffix}#o{saved.office.id}")


def _report_lines(request: web.Request, report: ImportReport) -> list[dict[str, Any]]:
    t = render.translator(request)
    return [{"row": e.row, "column": column_name(t, e.column), "reason": row_reason(t, e)}
            for e in report.rejected]


async def upload(request: web.Request) -> web.Response:
    form = await request.post()
    where = _where(form)
    t = render.translator(request)
    sent = form.get("file")
    if not isinstance(sent, FileField) or not sent.filename:
        return await _table(request, where, status=400, error=t("assoc-file-expected-web"))
    suffix = Path(sent.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return await _table(request, where, status=400, error=t("assoc-file-type"))
    data = sent.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        return await _table(request, where, status=400,
                            error=t("assoc-file-large", max_mb=MAX_FILE // (1024 * 1024)))
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"scores{suffix}"
            path.write_bytes(data)
            report = await console_roles.import_scores(uow(request), actor(request), path,
                                                       now(request))
    except RegistryFileError as error:
        return await _table(request, where, status=400, error=file_refusal(t, error))
    except ServiceError as error:
        if error.code.startswith("console-"):
            raise
        return await _table(request, where, status=400, error=explain(t, error))
    return await _table(request, where, status=200 if report.written else 400,
                        report={"r": report, "lines": _report_lines(request, report)})


def routes(app: web.Application) -> None:
    app.router.add_get("/scores", scores_page)
    app.router.add_post("/scores/upload", upload)
    app.router.add_post("/scores/{id}", set_score)
