"""The console's pages: the queue (search, filters, digest, pagination) and a declaration with
its evidence inline; the files themselves; "next in the queue". Each asks one service."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from console import render
from console.common import actor, now, redirect, store, uow
from services import console_queue, console_roles, review
from services.console_queue import QueueQuery
from services.errors import Invalid, NotFound
from texts.review_text import explain, reason_text
from texts.views import format_value, title

PER_PAGE = 25
DONE = {"c": "console-done-confirmed", "r": "console-done-returned",
        "a": "console-done-adjusted", "x": "console-done-rejected",
        "u": "console-done-restored", "e": "console-queue-empty"}


def page_number(text: str | None, default: int = 0) -> int:
    try:
        return max(int(text or default), 0)
    except ValueError:
        raise Invalid("console-bad-filter") from None


def query_of(request: web.Request) -> QueueQuery:
    get = request.query.get
    return QueueQuery(text=(get("q") or "")[:100], status=get("status", "s"),
                      office_type=get("type") or "", province=get("province") or "",
                      city=get("city") or "", returned_items=get("ret") == "1",
                      discrepancy=get("disc") == "1", page=page_number(get("page")),
                      per_page=PER_PAGE)


def flash(request: web.Request) -> str:
    key = DONE.get(request.query.get("done", ""))
    return render.translator(request)(key) if key else ""


async def queue_page(request: web.Request) -> web.Response:
    if console_roles.tickets_only(actor(request)):  # an expert has no queue: their tickets
        return redirect(request, "/tickets")
    query = query_of(request)
    found = await console_queue.search(uow(request), actor(request), now(request), query)
    pages = max((found.total + PER_PAGE - 1) // PER_PAGE, 1)
    params = {k: v for k, v in request.query.items() if k not in ("page", "done")}
    partial = request.headers.get("HX-Request") == "true" and request.headers.get(
        "HX-Target") == "results"
    return render.page(request, "rows.html" if partial else "queue.html", found=found,
                       pages=pages, params=params, flash=flash(request))


async def declaration_page(request: web.Request) -> web.Response:
    declaration_id = _id(request, "id")
    found = await console_queue.open_declaration(uow(request), actor(request), declaration_id,
                                                 now(request))
    t = render.translator(request)
    target = found.opened.target
    lines = {line.key: line for line in found.opened.breakdown.lines}
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(target.items):
        declared = target.view.answers.get(item.key)
        files = [e for e in target.view.evidence if e.item_key == item.key]
        line = lines.get(item.key)
        rows.append({
            "index": index, "key": item.key, "title": title(item, t.lang),
            "kind": item.kind,
            "answer": format_value(item, declared, t),
            "adjusted": (format_value(item, target.accepted[item.key], t)
                         if item.key in target.accepted else None),
            "previous": (format_value(item, found.previous[item.key], t)
                         if item.key in found.previous else None),
            "comment": target.view.comments.get(item.key),
            "points": line.points if line else None,
            "max_points": line.max_points if line else None,
            "files": [{"id": e.id, "image": e.mime.startswith("image/"),
                       "rejected": reason_text(t, e.rejected_reason)
                       if e.rejected_reason else None} for e in files],
        })
    why = explain(t, found.refusal) if found.refusal else None
    return render.page(request, "declaration.html", found=found, target=target, rows=rows,
                       breakdown=found.opened.breakdown, why=why, flash=flash(request),
                       grace_days=review.GRACE_DAYS)


def _id(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise NotFound("rv-stale") from None


async def evidence_file(request: web.Request) -> web.StreamResponse:
    """A file of a declaration the reviewer may open (any other: 404)."""
    try:
        _, record = await review.evidence(uow(request), actor(request), _id(request, "id"))
    except review.ServiceError as error:
        if error.code in ("rv-not-yours", "rv-stale"):
            raise NotFound("rv-stale") from None
        raise
    data = store(request).get(record.sha256)
    return web.Response(body=data, content_type=record.mime, headers={
        "Content-Disposition": "inline", "Cache-Control": "private, max-age=3600"})


async def next_page(request: web.Request) -> web.Response:
    after = page_number(request.query.get("after"))
    found = await review.next_declaration(uow(request), actor(request), now(request), after)
    done = request.query.get("done", "")
    suffix = f"?done={done}" if done in DONE else ""
    if found is None:
        return redirect(request, "/?done=e" if not suffix else f"/{suffix}")
    return redirect(request, f"/d/{found.target.view.id}{suffix}")


def routes(app: web.Application) -> None:
    app.router.add_get("/", queue_page)
    app.router.add_get("/d/{id}", declaration_page)
    app.router.add_get("/f/{id}", evidence_file)
    app.router.add_get("/next", next_page)
