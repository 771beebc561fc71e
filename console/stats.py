"""The statistics page (period chooser, the announcement's tables, the chart, the downloads) and
the audit log (filters, pages, CSV/XLSX). Scope is the services' (`services.console_stats`):
headquarters sees all, a reviewer only their region's per-office results, anyone else 404.
The files are the command line's own (`documents.reports`, `documents.announcement`,
`documents.tables`), written to a temporary folder and sent."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from console import render
from console.common import actor, uow
from console.pages import page_number
from documents.announcement import add_source_sheets, office_rows, source_rows, write_source_chart
from documents.reports import table_rows, write_xlsx
from documents.tables import write_table
from scoring import calendar
from services import console_stats
from services.errors import Invalid, NotFound
from storage.audit import AuditFilter
from texts.audit import audit_header, audit_table_rows

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request: web.Request) -> str:
    code = request.query.get("period", "")
    if not code:
        raise NotFound("console-not-found")
    return code


async def _file(name: str, content_type: str, write: Callable[[Path], Path],
                inline: bool = False) -> web.Response:
    """Write a file with `write(path)` off the event loop and send its bytes."""
    def made() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return write(Path(folder) / name).read_bytes()

    body = await asyncio.to_thread(made)
    disposition = "inline" if inline else f'attachment; filename="{name}"'
    return web.Response(body=body, content_type=content_type,
                        headers={"Content-Disposition": disposition})


async def stats_page(request: web.Request) -> web.Response:
    view = await console_stats.stats_view(uow(request), actor(request),
                                          request.query.get("period") or None)
    lang = render.translator(request).lang
    tables = []
    if view.announcement is not None:
        stats, sources = view.announcement.stats, view.announcement.sources
        for key, table in (("participation-type", stats.participation_by_type),
                           ("participation-region", stats.participation_by_region),
                           ("ranks-type", stats.ranks_by_type),
                           ("ranks-region", stats.ranks_by_region)):
            tables.append((key, *table_rows(table, lang)))
        for key, source in (("sources-type", sources.by_type),
                            ("sources-region", sources.by_region)):
            tables.append((key, *source_rows(source, lang)))
    return render.page(request, "stats.html", view=view, tables=tables,
                       query=urlencode({"period": view.period or ""}))


async def stats_chart(request: web.Request) -> web.Response:
    code = _period(request)
    found = await console_stats.announcement(uow(request), actor(request), code)
    lang = render.translator(request).lang
    table = found.sources.by_type if request.query.get("by") == "type" else found.sources.by_region
    title = found.stats.period_fa if lang == "fa" else found.stats.period_en
    return await _file("sources.png", "image/png",
                       lambda path: write_source_chart(table, path, lang, title), inline=True)


async def stats_xlsx(request: web.Request) -> web.Response:
    code = _period(request)
    found = await console_stats.announcement(uow(request), actor(request), code)
    lang = render.translator(request).lang
    return await _file(f"statistics-{code}.xlsx", XLSX, lambda path: add_source_sheets(
        write_xlsx(found.stats, path, lang), found.sources, lang))


async def offices_xlsx(request: web.Request) -> web.Response:
    code = _period(request)
    found = await console_stats.office_results(uow(request), actor(request), code)
    t = render.translator(request)
    header, rows = office_rows(found, t.lang)
    return await _file(f"offices-{code}.xlsx", XLSX, lambda path: write_table(
        header, rows, path, sheet=t("stats-sheet-offices"), rtl=t.lang == "fa"))


def audit_filter(request: web.Request) -> AuditFilter:
    get = request.query.get

    def text(name: str) -> str | None:
        return (get(name) or "").strip()[:100] or None

    def day(name: str) -> date | None:
        value = text(name)
        try:
            return calendar.parse_jalali(value) if value else None
        except calendar.JalaliDateError:
            raise Invalid("console-bad-filter") from None

    since, until = day("since"), day("until")
    return AuditFilter(office=text("office"), person=text("person"), action=text("action"),
                       since=calendar.start_of_day(since) if since else None,
                       until=calendar.end_of_day(until) if until else None)


async def audit_page(request: web.Request) -> web.Response:
    where, page = audit_filter(request), page_number(request.query.get("page"))
    t = render.translator(request)
    flash = ""
    try:
        found = await console_stats.audit_page(uow(request), actor(request), where, page,
                                               PER_PAGE)
    except NotFound as error:
        if error.code != "audit-no-office":
            raise
        found, flash = console_stats.AuditPage((), 0, 0), t(error.code, **error.params)
    lang = t.lang
    params = {k: v for k, v in request.query.items() if k != "page" and v}
    return render.page(request, "audit.html", found=found, header=audit_header(lang),
                       rows=audit_table_rows(found.rows, lang), params=params,
                       query=urlencode(params),
                       pages=max((found.total + PER_PAGE - 1) // PER_PAGE, 1), flash=flash)


async def audit_export(request: web.Request) -> web.Response:
    kind = request.match_info["kind"]
    found = await console_stats.audit_export(uow(request), actor(request), audit_filter(request))
    t = render.translator(request)
    header, rows = audit_header(t.lang), audit_table_rows(found, t.lang)
    content_type = "text/csv" if kind == "csv" else XLSX
    return await _file(f"audit.{kind}", content_type, lambda path: write_table(
        header, rows, path, sheet=t("console-audit"), rtl=t.lang == "fa"))


def routes(app: web.Application) -> None:
    app.router.add_get("/stats", stats_page)
    app.router.add_get("/stats/chart.png", stats_chart)
    app.router.add_get("/stats/statistics.xlsx", stats_xlsx)
    app.router.add_get("/stats/offices.xlsx", offices_xlsx)
    app.router.add_get("/audit", audit_page)
    app.router.add_get(r"/audit/export.{kind:(csv|xlsx)}", audit_export)
