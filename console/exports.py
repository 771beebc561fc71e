"""Headquarters' exports page: every file the command line writes that headquarters downloads,
for a chosen period, in one list. Most are the statistics and audit pages' own endpoints
(`console.stats`); the per-office results as CSV and the ranks chart are served here, written
by the same functions as `pishkhan office-results --out F.csv` and `pishkhan report --chart`.
Anyone but headquarters: 404 and no link."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from console import render
from console.common import USERNAMES, uow
from console.hq_results import hq
from console.stats import _file, _period
from documents.announcement import office_rows
from documents.posters import write_posters
from documents.reports import write_rank_chart
from documents.tables import write_table
from scoring.text import to_ascii_digits
from services import console_stats, periods, survey_admin
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
    return render.page(request, "exports.html", codes=codes, code=code, links=links,
                       posters=bool(request.app[USERNAMES]), error=None)


async def posters(request: web.Request) -> web.Response:
    """The survey posters (`pishkhan survey posters`): one A5 page per office of a region, or
    one office, with the QR codes of its survey links on both bots."""
    who = hq(request)
    names = request.app[USERNAMES]
    t = render.translator(request)
    region_text = (request.query.get("region") or "").strip()
    office = to_ascii_digits(request.query.get("office") or "").strip() or None
    region = None
    if region_text:
        try:
            region = int(to_ascii_digits(region_text))
        except ValueError:
            region = -1
    if not names or (region is None) == (office is None) or (region is not None and region < 1):
        return render.page(request, "exports.html", status=400, codes=[], code=None, links=[],
                           posters=bool(names), error=t(
                               "console-posters-no-usernames" if not names
                               else "console-posters-choose"))
    found = await survey_admin.links(uow(request), region=region, office_code=office,
                                     actor=who)
    if not found:
        raise NotFound("console-not-found")
    name = f"posters-{office or f'region-{region}'}.pdf"
    return await _file(name, "application/pdf", lambda path: (
        write_posters(found, names, path, lang=t.lang), path)[1])


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
    app.router.add_get("/exports/posters.pdf", posters)
