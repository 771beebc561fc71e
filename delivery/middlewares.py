"""The bots' request middlewares: a bare button acknowledgement sent beside the handler's work,
an old Bale app's answer also sent as a message, an answer refused as too late sent as one
instead, and retries of calls refused for speed."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, SendMessage, TelegramMethod
from aiogram.types import Update

from delivery.errors import TooManyRequests

log = logging.getLogger("delivery.platforms")


# The outbox sender paces itself and must see every 429: it sets this to switch retries off.
RETRY_REPLIES = contextvars.ContextVar("retry_replies", default=True)


class AcknowledgeInBackground(BaseRequestMiddleware):
    """A bare acknowledgement of a button (no text, no alert) only stops its spinner, and no
    handler uses its result: send it beside the handler's work instead of before it.

    Under load each call to the platform is a turn in the event loop's queue; a button's reply
    no longer waits for two. It runs outside the update's context (no database session of its
    own to release), and a failure is logged: the spinner stops by itself.
    Must be the outermost request middleware, so that retries still apply to it.
    """

    def __init__(self) -> None:
        self.pending: set[asyncio.Task[Any]] = set()

    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, AnswerCallbackQuery) or method.text or method.url:
            return await make_request(bot, method)
        task = asyncio.get_running_loop().create_task(
            self._send(make_request, bot, method), context=contextvars.Context())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return True

    @staticmethod
    async def _send(make_request: Any, bot: Bot, method: AnswerCallbackQuery) -> None:
        try:
            await make_request(bot, method)
        except Exception:  # the button's spinner times out by itself
            log.warning("could not acknowledge button %s", method.callback_query_id,
                        exc_info=True)

    async def drain(self) -> None:
        """Let the acknowledgements in flight finish (at shutdown, before the session closes);
        each has the session's own timeout."""
        if self.pending:
            await asyncio.wait(set(self.pending))


class AnswerOldClients(BaseRequestMiddleware):
    """A Bale app too old to show an `answerCallbackQuery` text (its callback query ids start
    with "1", BALE.md) gets the answer's text also as a message in the chat.

    `parse_update` notes such queries on the bot (`PlatformBot.old_clients`, id → chat) when the
    update is read, so every answer - a handler's, the error handler's - is covered here, in one
    place, without the handlers knowing.
    """

    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, AnswerCallbackQuery) or not method.text:
            return await make_request(bot, method)
        chat_id = getattr(bot, "old_clients", {}).pop(method.callback_query_id, None)
        result = await make_request(bot, method)  # still answered: the spinner stops
        if chat_id is not None:
            await make_request(bot, SendMessage(chat_id=chat_id, text=method.text))
        return result


class AnswerLateInChat(BaseRequestMiddleware):
    """A button's answer with a text that the platform refuses because the press is too old
    (both refuse `answerCallbackQuery` after about 15 s: "query is too old and response timeout
    expired or query ID is invalid"; the update waited in the inbox, or was slow) goes to the
    chat as a message instead, and the handler goes on as if it had been shown.

    `parse_update` notes each callback query's chat on the bot (`PlatformBot.callback_chats`).
    Outside `AnswerOldClients`, so an old Bale app is not sent the text twice.
    """

    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, AnswerCallbackQuery) or not method.text:
            return await make_request(bot, method)
        chat_id = getattr(bot, "callback_chats", {}).pop(method.callback_query_id, None)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as refused:
            if chat_id is None or "query is too old" not in refused.message:
                raise
        log.info("button %s answered too late; its text goes to the chat",
                 method.callback_query_id)
        await make_request(bot, SendMessage(chat_id=chat_id, text=method.text))
        return True


def note_callback_chat(bot: Bot, update: Update) -> None:
    """Remember which chat a callback query came from until it is answered (bounded)."""
    query = update.callback_query
    known = getattr(bot, "callback_chats", None)
    if query is None or known is None:
        return
    known[query.id] = query.message.chat.id if query.message is not None else query.from_user.id
    while len(known) > OLD_CLIENTS_KEPT:
        known.pop(next(iter(known)))


def note_old_client(bot: Bot, platform: str, update: Update) -> None:
    """Remember a Bale callback query from an old app (id "1…") until it is answered."""
    query = update.callback_query
    if platform != "bale" or query is None or not query.id.startswith("1"):
        return
    chat = query.message.chat.id if query.message is not None else query.from_user.id
    known = getattr(bot, "old_clients", None)
    if known is None:
        return
    known[query.id] = chat
    while len(known) > OLD_CLIENTS_KEPT:
        known.pop(next(iter(known)))


OLD_CLIENTS_KEPT = 1000


class RetryWhenLimited(BaseRequestMiddleware):
    """Retry a call the platform refused for speed: after `retry_after` when it says, with
    exponential backoff when it does not (and on 5xx). A network error is not retried: the
    message may have been delivered, and sending it again would duplicate it."""

    def __init__(self, attempts: int = 5, first_delay: float = 0.5, max_delay: float = 30.0
                 ) -> None:
        self.attempts, self.first_delay, self.max_delay = attempts, first_delay, max_delay

    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetUpdates) or not RETRY_REPLIES.get():
            return await make_request(bot, method)
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts:
                    raise
                wait = min(float(exc.retry_after), self.max_delay)
            except (TooManyRequests, TelegramServerError):
                if attempt == self.attempts:
                    raise
                wait, delay = delay, min(delay * 2, self.max_delay)
            log.info("%s limited; retrying in %.1fs (attempt %d)", method.__api_method__, wait,
                     attempt)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover
