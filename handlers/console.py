"""/console: a staff member asks for a one-time link to the web console (valid 10 minutes,
bound to their account). Anyone else falls through to «not available»."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, Filter
from aiogram.types import Message, TelegramObject

from services.console_auth import issue_link
from services.errors import ServiceError
from storage.accounts import Actor
from texts.i18n import Markup
from texts.review_text import explain

PREFIX = "/console"  # where the console is served (console.PREFIX)
LOCAL = "http://127.0.0.1:8090"


class IsStaff(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and actor.is_staff


def base_url(settings: Any) -> str:
    return (getattr(settings, "console_base_url", None) or LOCAL).rstrip("/")


async def send_link(message: Message, **data: Any) -> None:
    actor: Actor = data["actor"]
    t = data["t"]
    try:
        token = await issue_link(data["uow"], actor.platform, actor.user_id,
                                 data["clock"].now())
    except ServiceError as error:
        await message.answer(explain(t, error))
        return
    url = f"{base_url(data.get('settings'))}{PREFIX}/login/{token}"
    await message.answer(t("console-link-message", url=Markup(url)))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(send_link, Command("console"), IsStaff())
    return router
