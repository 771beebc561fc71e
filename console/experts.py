"""The experts' pages: the tickets they hold and the unassigned ones they may take (office,
question, when asked, files), one ticket with its thread and an answer form, and the thread's
files. The answer is the bot's (`services.console_roles.answer` → `storage.tickets.answer`): it
reaches the owner in the bot through the outbox; one already answered by someone else tells the
loser who and when. Another expert's ticket answers 404."""

from __future__ import annotations

from aiohttp import web

from console import render
from console.common import actor, now, redirect, store, uow
from console.pages import _id, page_number
from services import console_roles
from services.errors import Conflict, Invalid
from texts.review_text import explain


async def tickets_page(request: web.Request) -> web.Response:
    lines = await console_roles.open_tickets(uow(request), actor(request))
    t = render.translator(request)
    done = request.query.get("done", "")
    flash = t("console-tickets-sent", number=int(done)) if done.isdigit() else ""
    return render.page(request, "tickets.html", lines=lines, flash=flash)


async def _ticket(request: web.Request, status: int = 200, **context: object) -> web.Response:
    found = await console_roles.ticket(uow(request), actor(request), _id(request, "id"))
    return render.page(request, "ticket.html", status=status, found=found,
                       **{"error": None, "text": "", **context})


async def ticket_page(request: web.Request) -> web.Response:
    return await _ticket(request)


async def answer(request: web.Request) -> web.Response:
    ticket_id = _id(request, "id")
    form = await request.post()
    text = str(form.get("text") or "")
    try:
        seen = page_number(str(form.get("seen") or ""))
        await console_roles.answer(uow(request), actor(request), ticket_id, text, seen,
                                   now(request))
    except (Invalid, Conflict) as error:
        t = render.translator(request)
        keep = "" if isinstance(error, Conflict) else text
        return await _ticket(request, status=409 if isinstance(error, Conflict) else 400,
                             error=explain(t, error), text=keep)
    return redirect(request, f"/tickets?done={ticket_id}")


async def ticket_file(request: web.Request) -> web.StreamResponse:
    found = await console_roles.ticket_file(uow(request), actor(request), _id(request, "id"),
                                            _id(request, "message"))
    assert found.file_sha256 is not None
    return web.Response(body=store(request).get(found.file_sha256),
                        content_type=found.file_mime or "application/octet-stream",
                        headers={"Content-Disposition": "inline",
                                 "Cache-Control": "private, max-age=3600"})


def routes(app: web.Application) -> None:
    app.router.add_get("/tickets", tickets_page)
    app.router.add_get("/tickets/{id}", ticket_page)
    app.router.add_post("/tickets/{id}/answer", answer)
    app.router.add_get("/tickets/{id}/file/{message}", ticket_file)
