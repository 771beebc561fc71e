"""What nothing else handled: stale buttons, group chats, messages that fit no step."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from handlers.filters import when
from handlers.owner import menu_button
from texts.i18n import Translator


async def unknown_command(message: Message, t: Translator) -> None:
    """A command nobody before this handled: a staff command from someone without the role,
    or a typo. Never taken as an answer to the current question."""
    await message.answer(t("unknown-command"), reply_markup=menu_button(t))


async def not_private(message: Message, t: Translator) -> None:
    await message.answer(t("private-only"))


async def stale_button(callback: CallbackQuery, t: Translator) -> None:
    """An old message's button, or callback data nobody here wrote: never a traceback."""
    await callback.answer(t("stale-button"), show_alert=True)
    if isinstance(callback.message, Message):
        await callback.message.answer(t("stale-button"), reply_markup=menu_button(t))


async def anything_else(message: Message, t: Translator) -> None:
    await message.answer(t("no-question-now"), reply_markup=menu_button(t))


def setup_groups() -> Router:
    """Group chats: first of all, so nothing else answers there."""
    router = Router(name=f"{__name__}.groups")
    router.message.register(not_private, when(F.chat.type != "private"))
    return router


def setup_commands() -> Router:
    """Commands nobody before took (placed before the wizard, which would read them as answers)."""
    router = Router(name=f"{__name__}.commands")
    router.message.register(unknown_command,
                            when(F.text.regexp(r"^/[A-Za-z_]+(@\w+)?(\s|$)")))
    return router


def setup() -> Router:
    """Stale buttons and anything else: the last router of all."""
    router = Router(name=__name__)
    router.callback_query.register(stale_button)
    router.message.register(anything_else)
    return router
