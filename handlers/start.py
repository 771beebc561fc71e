"""/start: the greeting. Linking an account to an office follows in the declaration journey."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from bot.i18n import Translator

router = Router(name=__name__)


@router.message(CommandStart())
async def greet(message: Message, t: Translator) -> None:
    await message.answer(t("start-welcome"))
