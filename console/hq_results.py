"""Headquarters' results pages: a period's preview (declarations by status, ranks by office type
and by region with their sources, the per-office table paged), ranking again, publishing with a
confirmation step, and an office's corrections after publishing (reopen a confirmed
declaration, withdraw a negative point, undo an association score, each with a reason).

The same services as `pishkhan rank`, `pishkhan office-results`, `pishkhan results publish` and
`pishkhan correct …`. Publishing is once: a second click, or a second HQ member at the same
moment, gets the race message naming who published and when (`results-already-published`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from console import render
from console.common import actor, now, redirect, uow
from console.pages import page_number
from documents.announcement import source_rows
from documents.reports import table_rows
from services import corrections, periods, results, statistics
from services.errors import Conflict, Invalid, NotFound, ServiceError
from storage.accounts import Actor
from storage.declarations import rubric_of_text
from storage.results import ResultsError
from texts.review_text import explain

PER_PAGE = 50
DONE = {"ranked": "console-hq-ranked", "published": "console-hq-published",
        "corrected": "console-hq-corrected"}


def hq(request: web.Request) -> Actor:
    """The signed-in headquarters member; anyone else: the page does not exist."""
    who = actor(request)
    if not who.has_role("hq"):
        raise NotFound("console-not-found")
    return who


async def _codes(request: web.Request) -> list[str]:
    return [p.code for p in reversed(await periods.list_periods(uow(request)))]


async def results_page(request: web.Request, *, error: str = "", status: int = 200
                       ) -> web.Response:
    who = hq(request)
    codes = await _codes(request)
    code = request.match_info.get("code") or request.query.get("period") or (
        codes[0] if codes else None)
    t = render.translator(request)
    if code is None:
        return render.page(request, "hq_results.html", codes=codes, code=None, panel=None,
                           tables=[], lines=[], page=0, pages=1, error=error, query="")
    if code not in codes:
        raise NotFound("console-not-found")
    panel = await results.period_panel(uow(request), who, code, now(request))
    tables, lines, page, pages = [], [], 0, 1
    if panel.results:
        found = await statistics.announcement(uow(request), code, who)
        for key, table in (("ranks-type", found.stats.ranks_by_type),
                           ("ranks-region", found.stats.ranks_by_region)):
            tables.append((key, *table_rows(table, t.lang)))
        for key, source in (("sources-type", found.sources.by_type),
                            ("sources-region", found.sources.by_region)):
            tables.append((key, *source_rows(source, t.lang)))
        page = page_number(request.query.get("page"))
        offices = await results.office_page(uow(request), who, code, page, PER_PAGE)
        pages = max((offices.total + PER_PAGE - 1) // PER_PAGE, 1)
        lines = list(offices.lines)
    key = DONE.get(request.query.get("done", ""))
    return render.page(
        request, "hq_results.html", status=status, codes=codes, code=code, panel=panel,
        refusal=explain(t, panel.refusal) if panel.refusal else "", tables=tables, lines=lines,
        page=page, pages=pages, error=error, query=urlencode({"period": code}),
        flash=t(key) if key else "")


async def rank(request: web.Request) -> web.Response:
    who = hq(request)
    code = request.match_info["code"]
    await results.rank(uow(request), who, code, now(request))
    return redirect(request, f"/hq/results?period={code}&done=ranked")


async def publish_page(request: web.Request) -> web.Response:
    """The confirmation step: what publishing does, and the button."""
    who = hq(request)
    code = request.match_info["code"]
    panel = await results.period_panel(uow(request), who, code, now(request))
    t = render.translator(request)
    return render.page(request, "hq_publish.html", code=code, panel=panel,
                       refusal=explain(t, panel.refusal) if panel.refusal else "")


async def publish(request: web.Request) -> web.Response:
    who = hq(request)
    code = request.match_info["code"]
    try:
        await results.publish_once(uow(request), who, code, now(request))
    except ResultsError as error:
        return await results_page(request, error=explain(render.translator(request), error),
                                  status=409)
    return redirect(request, f"/hq/results?period={code}&done=published")


async def office_page(request: web.Request, *, error: str = "", status: int = 200
                      ) -> web.Response:
    who = hq(request)
    code, office = request.match_info["code"], request.match_info["office"]
    try:
        found = await corrections.office_state(uow(request), office, code, who)
    except NotFound:
        raise NotFound("console-not-found") from None
    line = next(iter((await results.office_page(uow(request), who, code, 0, 1,
                                                office=office)).lines), None)
    key = DONE.get(request.query.get("done", ""))
    t = render.translator(request)
    rubric = rubric_of_text(found.period.rubric_text)
    titles = {}
    for negative in found.negatives:
        try:
            item = rubric.negative(negative.item_key)
            titles[negative.id] = item.title_fa if t.lang == "fa" else item.title_en
        except KeyError:
            titles[negative.id] = negative.item_key
    return render.page(request, "hq_office.html", status=status, found=found, line=line,
                       code=code, error=error, titles=titles,
                       flash=t(key, told=request.query.get("told", "0")) if key else "")


async def _correct(request: web.Request,
                   call: Callable[[str, Any], Awaitable[corrections.Corrected]]
                   ) -> web.Response:
    code, office = request.match_info["code"], request.match_info["office"]
    form = await request.post()
    reason = str(form.get("reason") or "")
    try:
        done = await call(reason, form)
    except ServiceError as error:
        if isinstance(error, NotFound) and error.code == "console-not-found":
            raise
        return await office_page(request, error=explain(render.translator(request), error),
                                 status=409 if isinstance(error, Conflict) else 400)
    return redirect(request, f"/hq/results/{code}/office/{office}?done=corrected"
                             f"&told={done.told}")


async def reopen(request: web.Request) -> web.Response:
    who = hq(request)
    code, office = request.match_info["code"], request.match_info["office"]
    return await _correct(request, lambda reason, form: corrections.reopen_declaration(
        uow(request), office, code, reason=reason, actor=who, now=now(request)))


async def undo_association(request: web.Request) -> web.Response:
    who = hq(request)
    code, office = request.match_info["code"], request.match_info["office"]
    return await _correct(request, lambda reason, form: corrections.undo_association(
        uow(request), office, code, reason=reason, actor=who, now=now(request)))


async def withdraw_negative(request: web.Request) -> web.Response:
    who = hq(request)

    async def call(reason: str, form: Any) -> corrections.Corrected:
        try:
            negative = int(str(form.get("negative", "")))
        except ValueError:
            raise Invalid("correct-no-negative", id="?") from None
        return await corrections.withdraw_negative(uow(request), negative, reason=reason,
                                                   actor=who, now=now(request))

    return await _correct(request, call)


def routes(app: web.Application) -> None:
    app.router.add_get("/hq/results", results_page)
    app.router.add_post("/hq/results/{code}/rank", rank)
    app.router.add_get("/hq/results/{code}/publish", publish_page)
    app.router.add_post("/hq/results/{code}/publish", publish)
    app.router.add_get("/hq/results/{code}/office/{office}", office_page)
    app.router.add_post("/hq/results/{code}/office/{office}/reopen", reopen)
    app.router.add_post("/hq/results/{code}/office/{office}/undo-association", undo_association)
    app.router.add_post("/hq/results/{code}/office/{office}/withdraw-negative",
                        withdraw_negative)
