"""What a platform's refusal means, in both platforms' words (docs/PLATFORMS.md): the errors the
session raises where aiogram's own would not tell (Bale's «bot limit exceed» with any status, a
token refused as 401, 403 or a bare 404), and how an edit's stub answer is recognised."""

from __future__ import annotations

import json

from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiohttp import ClientError


class FileDownloadFailed(ClientError):
    """A file could not be downloaded; the message says why, never from where."""


class TooManyRequests(TelegramAPIError):
    """HTTP 429 without `retry_after`, or Bale's «bot limit exceed» whatever its status (third
    parties report it with statuses other than 429): aiogram would raise a bare
    TelegramAPIError or a TelegramBadRequest, indistinguishable from any other refusal."""


class TokenRefused(TelegramUnauthorizedError):
    """The platform does not know the bot's token: Telegram's 401, Bale's 403 «Token not found»,
    or the bare 404 «Not Found» Bale is reported to answer for a revoked token. Nothing this
    bot sends can succeed until its token is fixed."""


#: The words each platform uses for "too fast" (docs/PLATFORMS.md).
RATE_LIMIT_TEXTS = ("bot limit exceed", "too many requests")
#: What a platform answers when an edit succeeded without returning the message: Bale's stub.
EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


def description_of(content: str) -> str:
    try:
        description = json.loads(content).get("description")
    except (ValueError, AttributeError):
        return ""
    return description if isinstance(description, str) else ""


def is_stub(content: str) -> bool:
    """An ok answer whose result is an object but not a Message (no chat, no date)."""
    if '"chat"' in content:
        return False
    try:
        data = json.loads(content)
    except ValueError:
        return False
    result = data.get("result") if isinstance(data, dict) else None
    return data.get("ok") is True and isinstance(result, dict) and not (
        "chat" in result and "date" in result)
