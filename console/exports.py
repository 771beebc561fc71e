"""Headquarters' exports page: every file the command line writes that headquarters downloads,
for a chosen period, in one list. Most are the statistics and audit pages' own endpoints
(`console.stats`); the per-office results as CSV and the ranks chart are served here, written
by the same functions as `pishkhan office-results --out F.csv` and `pishkhan report --chart`.
Anyone but headquarters: 404 and no link."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from console import render
from console.common import uow
from console.hq_results import hq
from console.stats import _file, _period
from documents.announcement import office_rows
from documents.reports import write_rank_chart
from documents.tables import write_table
from services import console_stats, periods
from services.errors import NotFound

# (key of the label, path inside the console, needs a period)
EXPORTS = (
    ("console-exports-statistics", "/stats/statistics.xlsx", True),
    ("console-exports-offices-xlsx", "/stats/offices.xlsx", True),
    ("console-exports-offices-csv", "/exports/offices.csv", True),
    ("console-exports-sources-chart", "/stats/chart.png", True),
    ("console-exports-ranks-chart", "/exports/ranks.png", True),
    ("console-exports-audit-csv", "/audit/export.csv", False),
    ("console-exports-audit-xlsx", "/audit/export.xlsx", False),
)


async def exports_page(request: web.Request) -> web.Response:
    hq(request)
    codes = [p.code for p in reversed(await periods.list_periods(uow(request)))]
    code = request.query.get("period") or (codes[0] if codes else None)
    if code is not None and code not in codes:
        raise NotFound("console-not-found")
    query = urlencode({"period": code}) if code else ""
    links = [(key, path + (f"?{query}" if needs else ""), path.rsplit("/", 1)[-1])
             for key, path, needs in EXPORTS if code or not needs]
    return render.page(request, "exports.html", codes=codes, code=code, links=links)


async def offices_csv(request: web.Request) -> web.Response:
    who = hq(request)
    code = _period(request)
    found = await console_stats.office_results(uow(request), who, code)
    t = render.translator(request)
    header, rows = office_rows(found, t.lang)
    return await _file(f"offices-{code}.csv", "text/csv", lambda path: write_table(
        header, rows, path, sheet=t("stats-sheet-offices"), rtl=t.lang == "fa"))


async def ranks_chart(request: web.Request) -> web.Response:
    who = hq(request)
    code = _period(request)
    found = await console_stats.announcement(uow(request), who, code)
    lang = render.translator(request).lang
    return await _file(f"ranks-{code}.png", "image/png",
                       lambda path: write_rank_chart(found.stats, path, lang))


def routes(app: web.Application) -> None:
    app.router.add_get("/exports", exports_page)
    app.router.add_get("/exports/offices.csv", offices_csv)
    app.router.add_get("/exports/ranks.png", ranks_chart)
