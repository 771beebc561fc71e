"""Headquarters' pages: periods (create, with a rubric file if wanted; edit and cancel before
opening; extend while open), a period's rubric, and the results (preview, publish once, and the
corrections of issue 21 from an office's page: `console.hq_results`).

The same service calls as `pishkhan period …` (`services.periods`), so a refusal is the command
line's, in words on the page (an overlap names both windows), with the form as it was typed and
nothing changed. Anyone but headquarters gets 404 and no link in the header."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from console import hq_results, render
from console.common import now, redirect, uow
from console.hq_results import hq
from scoring import calendar
from scoring.calendar import format_jalali_numeric, last_day
from services import periods
from services.errors import Conflict, Invalid, NotFound, ServiceError
from storage.accounts import Actor
from storage.declarations import rubric_of_text
from storage.records import PeriodRecord
from texts.review_text import explain_code

# Period codes and windows mix Latin letters into Persian text: each is isolated (FSI … PDI)
# so that the browser's bidi algorithm keeps «1404-X» and its window in order.
ISOLATED = ("code", "other", "window", "other_window")
DONE = {"created": "console-hq-created", "edited": "console-hq-edited",
        "cancelled": "console-hq-cancelled", "extended": "console-hq-extended"}


def state(period: PeriodRecord, at: datetime) -> str:
    """upcoming, open (owners), review (regions only), closed or published."""
    if period.published_at is not None:
        return "published"
    if at < period.opens_at:
        return "upcoming"
    if at < period.closes_at:
        return "open"
    return "review" if at < period.review_closes_at else "closed"


def day_text(value: datetime | None, end: bool = False) -> str:
    """A date as the forms take it (Jalali, Latin digits): the last day for a closing instant."""
    if value is None:
        return ""
    return format_jalali_numeric(last_day(value) if end else value, "en")


def _day(form: dict[str, str], name: str, *, end: bool) -> datetime | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        day = calendar.parse_jalali(text)
    except calendar.JalaliDateError:
        raise Invalid("console-hq-bad-date", value=text) from None
    return calendar.end_of_day(day) if end else calendar.start_of_day(day)


async def form_of(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


async def _rubric_upload(request: web.Request) -> str | None:
    """The uploaded rubric file's text, or None (the sample)."""
    field = (await request.post()).get("rubric")
    if isinstance(field, web.FileField):
        data = field.file.read()
    elif isinstance(field, bytes | bytearray):  # a part without a file name
        data = bytes(field)
    else:
        return None
    if not data.strip():  # no file chosen: the browser sends an empty part
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("admin-rubric-invalid", errors="UTF-8") from None


async def periods_page(request: web.Request, *, error: str = "",
                       form: dict[str, str] | None = None, status: int = 200) -> web.Response:
    hq(request)
    found = await periods.list_periods(uow(request))
    at = now(request)
    t = render.translator(request)
    key = DONE.get(request.query.get("done", ""))
    rows = [{"p": p, "state": state(p, at), "opens": day_text(p.opens_at),
             "closes": day_text(p.closes_at, end=True),
             "review": f"{day_text(p.review_opens_at)} – {day_text(p.review_closes_at, True)}"}
            for p in reversed(found)]
    return render.page(request, "hq_periods.html", status=status, rows=rows, error=error,
                       form=form or {}, flash=t(key, code=request.query.get("code", ""))
                       if key else "")


async def create(request: web.Request) -> web.Response:
    who = hq(request)
    form = await form_of(request)
    try:
        opens_at = _day(form, "opens", end=False)
        closes_at = _day(form, "closes", end=True)
        if opens_at is None or closes_at is None or not form.get("code", "").strip():
            raise Invalid("console-hq-required")
        rubric_code, rubric_text = periods.read_rubric(await _rubric_upload(request))
        review_opens = _day(form, "review_opens", end=False) or opens_at
        review_closes = _day(form, "review_closes", end=True) or closes_at
        created = await periods.create_period(
            uow(request), code=form["code"].strip(), opens_at=opens_at, closes_at=closes_at,
            review_opens_at=review_opens, review_closes_at=review_closes,
            rubric_code=rubric_code, rubric_text=rubric_text,
            liaison_deadline=_day(form, "liaison", end=True), actor=who)
    except ServiceError as error:
        return await _refused(request, error, form)
    return redirect(request, f"/hq/periods?done=created&code={created.code}")


async def _refused(request: web.Request, error: ServiceError, form: dict[str, str]
                   ) -> web.Response:
    """The periods page again with the refusal in words and the form as typed."""
    if isinstance(error, NotFound) and error.code == "console-not-found":
        raise error
    text = explain_code(render.translator(request), error.code, {
        name: f"\u2068{value}\u2069" if name in ISOLATED else value
        for name, value in error.params.items()})
    if request.match_info.get("code") is not None:
        if error.code == "admin-no-period":
            raise NotFound("console-not-found")
        return await period_page(request, error=text, form=form, status=_status(error))
    return await periods_page(request, error=text, form=form, status=_status(error))


def _status(error: ServiceError) -> int:
    return 409 if isinstance(error, Conflict) else 400


async def period_page(request: web.Request, *, error: str = "",
                      form: dict[str, str] | None = None, status: int = 200) -> web.Response:
    who = hq(request)
    code = request.match_info["code"]
    period = await periods.get_period(uow(request), code, who)
    t = render.translator(request)
    key = DONE.get(request.query.get("done", ""))
    at = now(request)
    values = {"opens": day_text(period.opens_at), "closes": day_text(period.closes_at, True),
              "review_opens": day_text(period.review_opens_at),
              "review_closes": day_text(period.review_closes_at, True),
              "liaison": day_text(period.liaison_deadline, True), **(form or {})}
    return render.page(request, "hq_period.html", status=status, p=period,
                       state=state(period, at), values=values, error=error,
                       flash=t(key, code=code, told=request.query.get("told", "0"))
                       if key else "")


Change = Callable[[Actor, str, dict[str, str]], Awaitable[str]]


async def _change(request: web.Request, change: Change) -> web.Response:
    """A period's form: the service call (`change(who, code, form)` gives the page to go to),
    or the page again with the refusal and the form as typed."""
    who = hq(request)
    form = await form_of(request)
    try:
        local = await change(who, request.match_info["code"], form)
    except ServiceError as error:
        return await _refused(request, error, form)
    return redirect(request, local)


async def edit(request: web.Request) -> web.Response:
    """The form shows every date; only those changed are passed on, so that the regions'
    window still follows the owners' where it was the same (as `pishkhan period edit`)."""
    async def change(who: Actor, code: str, form: dict[str, str]) -> str:
        period = await periods.get_period(uow(request), code, who)

        def changed(name: str, end: bool, before: datetime | None) -> datetime | None:
            typed = _day(form, name, end=end)
            return None if typed == before else typed

        await periods.edit_period(
            uow(request), code, opens_at=changed("opens", False, period.opens_at),
            closes_at=changed("closes", True, period.closes_at),
            review_opens_at=changed("review_opens", False, period.review_opens_at),
            review_closes_at=changed("review_closes", True, period.review_closes_at),
            liaison_deadline=changed("liaison", True, period.liaison_deadline),
            reason=form.get("reason", "").strip() or None, actor=who, now=now(request))
        return f"/hq/periods/{code}?done=edited"

    return await _change(request, change)


async def cancel(request: web.Request) -> web.Response:
    async def change(who: Actor, code: str, form: dict[str, str]) -> str:
        await periods.cancel_period(uow(request), code, reason=form.get("reason", ""),
                                    actor=who, now=now(request))
        return f"/hq/periods?done=cancelled&code={code}"

    return await _change(request, change)


async def extend(request: web.Request) -> web.Response:
    async def change(who: Actor, code: str, form: dict[str, str]) -> str:
        closes_at = _day(form, "closes", end=True)
        if closes_at is None:
            raise Invalid("console-hq-required")
        _, told = await periods.extend_period(
            uow(request), code, closes_at=closes_at,
            reason=form.get("reason", "").strip() or None, actor=who, now=now(request))
        return f"/hq/periods/{code}?done=extended&told={told}"

    return await _change(request, change)


def rubric_view(text: str, lang: str) -> dict[str, Any]:
    """A rubric as the page shows it: sections with their indicators (kind, max points,
    evidence), negative items, external scores, completeness and rank thresholds."""
    rubric = rubric_of_text(text)
    fa = lang == "fa"

    def title(x: Any) -> str:
        return str(x.title_fa if fa else x.title_en)

    sections = []
    for section in rubric.sections:
        items = [{"key": i.key, "title": title(i), "kind": i.kind, "max": i.max_points,
                  "types": i.office_types, "required": i.required,
                  "evidence": i.evidence.kind, "min_count": i.evidence.min_count,
                  "prompt": i.evidence.prompt_fa if fa else i.evidence.prompt_en}
                 for i in rubric.indicators if i.section == section.key]
        sections.append({"title": title(section), "items": items})
    return {"rubric": rubric, "title": title(rubric), "sections": sections,
            "negatives": [{"title": title(n), "points": n.points, "max_count": n.max_count}
                          for n in rubric.negatives],
            "external": [(title(rubric.external.association),
                          rubric.external.association.points),
                         (title(rubric.external.satisfaction),
                          rubric.external.satisfaction.points),
                         (title(rubric.completeness), rubric.completeness.points)],
            "max_total": {t: rubric.max_total(t) for t in rubric.office_types}}


async def rubric_page(request: web.Request) -> web.Response:
    who = hq(request)
    period = await periods.get_period(uow(request), request.match_info["code"], who)
    view = rubric_view(period.rubric_text, render.translator(request).lang)
    return render.page(request, "hq_rubric.html", p=period, **view)


def routes(app: web.Application) -> None:
    app.router.add_get("/hq/periods", periods_page)
    app.router.add_post("/hq/periods", create)
    app.router.add_get("/hq/periods/{code}", period_page)
    app.router.add_post("/hq/periods/{code}/edit", edit)
    app.router.add_post("/hq/periods/{code}/cancel", cancel)
    app.router.add_post("/hq/periods/{code}/extend", extend)
    app.router.add_get("/hq/periods/{code}/rubric", rubric_page)
    hq_results.routes(app)
