"""One error handler for every update: whatever raised, the person is answered.

The answer is short and in their language ("we could not do this now; what you saved is safe;
try again in a minute"); a button is always acknowledged, so its spinner stops, and when the
platform refuses the alert (a press older than about 15 s) the answer goes to the chat. The
traceback goes to the log. The update stays in the inbox (`delivery.inbox`), which tries it
again: the handler tells the inbox through `inbox_outcome`.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from aiogram import Router
from aiogram.types import CallbackQuery, ErrorEvent

from texts.i18n import Translator

log = logging.getLogger(__name__)


class Unavailable(Exception):
    """A failure the person is told about in its own words (which file to send again), instead
    of the general answer; the inbox still tries the update again."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


async def on_error(event: ErrorEvent, **data: Any) -> bool:
    update = event.update
    log.error("update %s failed: %s", update.update_id, type(event.exception).__name__,
              exc_info=event.exception)
    outcome = data.get("inbox_outcome")
    if outcome is not None:
        outcome.error = event.exception
    t = data.get("t") or Translator(data.get("default_locale", "fa"), data.get("platform"))
    error = event.exception
    text = t(error.key, **error.args_) if isinstance(error, Unavailable) \
        else t("try-again-later")
    with contextlib.suppress(Exception):  # the platform itself may be what failed
        if update.callback_query is not None:
            await _alert(update.callback_query, text)
        elif update.message is not None:
            await update.message.answer(text)
    return True


async def _alert(callback: CallbackQuery, text: str) -> None:
    """The answer as an alert; when the platform refuses it (a press older than about 15 s is
    "query is too old": the update waited in the inbox, or its handling was slow), as a
    message in the chat instead."""
    try:
        await callback.answer(text, show_alert=True)
        return
    except Exception as error:
        log.warning("could not answer button %s (%s); telling the chat", callback.id,
                    type(error).__name__)
    chat = callback.message.chat.id if callback.message is not None else callback.from_user.id
    bot = callback.bot
    assert bot is not None
    await bot.send_message(chat, text)


def setup() -> Router:
    """The root's error handler (errors bubble up to it from every feature's router)."""
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
