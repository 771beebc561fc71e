"""The reviewer's forms: confirm, adjust a value with a reason, reject (or restore) a file with a
reason, return with per-item comments. Each is the service call the bot makes
(`services.review`), so the owner hears of it through the outbox as from the bot; a refusal
is a page saying why (`console.web.refusal`)."""

from __future__ import annotations

from aiohttp import web

from console.common import actor, now, redirect, uow
from console.pages import _id
from scoring.answers import AnswerError, parse_answer
from services import review
from services.errors import Invalid


async def _form(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


async def confirm(request: web.Request) -> web.Response:
    declaration_id = _id(request, "id")
    await review.confirm(uow(request), actor(request), declaration_id, now(request))
    return redirect(request, f"/next?after={declaration_id}&done=c")


async def adjust(request: web.Request) -> web.Response:
    declaration_id = _id(request, "id")
    form = await _form(request)
    try:
        index = int(form.get("index", ""))
    except ValueError:
        raise Invalid("rv-stale") from None
    target = await review.target(uow(request), actor(request), declaration_id,
                                 actionable_at=now(request))
    item = target.item(index) if 0 <= index < len(target.items) else None
    if item is None or item.kind == "staff_list":
        raise Invalid("rv-adjust-staff" if item is not None else "rv-stale")
    try:
        value = parse_answer(item, form.get("value", ""))
    except AnswerError as error:
        raise Invalid(error.key, **error.args) from None
    await review.adjust(uow(request), actor(request), declaration_id, index, value,
                        form.get("reason", ""), now(request))
    return redirect(request, f"/d/{declaration_id}?done=a")


async def reject_file(request: web.Request) -> web.Response:
    form = await _form(request)
    found = await review.reject_evidence(uow(request), actor(request), _id(request, "id"),
                                         form.get("reason", ""), now(request))
    return redirect(request, f"/d/{found.view.id}?done=x")


async def restore_file(request: web.Request) -> web.Response:
    found = await review.restore_evidence(uow(request), actor(request), _id(request, "id"),
                                          now(request))
    return redirect(request, f"/d/{found.view.id}?done=u")


async def return_to_owner(request: web.Request) -> web.Response:
    """The comments typed beside the items (each saved as the bot saves one), then the return."""
    declaration_id = _id(request, "id")
    form = await _form(request)
    target = await review.target(uow(request), actor(request), declaration_id,
                                 actionable_at=now(request))
    for index, item in enumerate(target.items):
        text = form.get(f"comment-{index}", "").strip()
        if text != (target.view.comments.get(item.key) or ""):
            await review.comment(uow(request), actor(request), declaration_id, index, text,
                                 now(request))
    try:
        grace = int(form.get("grace") or 0)
    except ValueError:
        raise Invalid("rv-stale") from None
    await review.return_to_owner(uow(request), actor(request), declaration_id, grace,
                                 now(request))
    return redirect(request, f"/next?after={declaration_id}&done=r")


def routes(app: web.Application) -> None:
    app.router.add_post("/d/{id}/confirm", confirm)
    app.router.add_post("/d/{id}/adjust", adjust)
    app.router.add_post("/d/{id}/return", return_to_owner)
    app.router.add_post("/f/{id}/reject", reject_file)
    app.router.add_post("/f/{id}/restore", restore_file)
