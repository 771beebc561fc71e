"""One `Bot` per platform, and everything Bale-specific in one place.

Both platforms share a session class that never lets one malformed update stall polling: aiogram
validates a whole `getUpdates` batch at once, so a single update it cannot parse (Bale's callback
queries may lack `chat_instance`) would fail the batch and be fetched again forever. We normalise
what we can, drop and log what we cannot, and move the offset past it.

Bale (see ../shared/BALE.md): no `parse_mode`, `entities`, `link_preview_options`,
`reply_parameters` or `disable_notification`; reply keyboards take only `keyboard`; a top-level
file is sent as a plain named multipart field, since Bale documents `attach://` only inside media
groups (aiogram/client/session/aiohttp.py `build_form_data` always uses `attach://`).

The errors the session raises are in `delivery.errors`, the bots' request middlewares in
`delivery.middlewares` (both re-exported here); the differences they handle are listed in
docs/PLATFORMS.md.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncGenerator
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramNetworkError,
)
from aiogram.methods import (
    GetUpdates,
    Response,
    TelegramMethod,
)
from aiogram.types import InputFile, Update
from aiohttp import ClientError, ClientResponseError, FormData

from delivery.errors import (
    EDIT_METHODS,
    RATE_LIMIT_TEXTS,
    FileDownloadFailed,
    TokenRefused,
    TooManyRequests,
    description_of,
    is_stub,
)
from delivery.middlewares import (
    RETRY_REPLIES,
    AcknowledgeInBackground,
    AnswerLateInChat,
    AnswerOldClients,
    RetryWhenLimited,
    note_callback_chat,
    note_old_client,
)

# Re-exported: where the rest of the bot has always found them.
__all__ = ["RATE_LIMIT_TEXTS", "RETRY_REPLIES", "AcknowledgeInBackground", "FileDownloadFailed",
           "PlatformBot", "RetryWhenLimited", "TokenRefused", "TooManyRequests", "make_bots",
           "parse_update"]

log = logging.getLogger(__name__)
_RESPONSE_TYPES: dict[Any, Any] = {}
_JSON_HEADERS = {"Content-Type": "application/json"}

BALE_UNSUPPORTED = frozenset({
    "parse_mode", "entities", "caption_entities", "link_preview_options", "reply_parameters",
    "disable_notification", "protect_content", "message_effect_id", "allow_paid_broadcast",
    "business_connection_id", "message_thread_id", "show_caption_above_media",
    "allow_sending_without_reply", "disable_web_page_preview", "direct_messages_topic_id",
    "suggested_post_parameters",
})


# What a platform never sends (Bot API limits): ids beyond 64 bits make an update forged or
# broken, and it is ignored; longer texts and names are cut to what the platform allows (a
# file's name keeps its end, where the extension is), and answered as that would be.
INT64 = (-(2**63), 2**63 - 1)
TEXT_LIMITS = {"text": 4096, "caption": 1024}
NAME_LIMITS = {"first_name": 64, "last_name": 64, "username": 32, "title": 128,
               "file_name": 128}
HANDLED = ("message", "callback_query")  # an edit or any other kind is ignored on purpose
MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


class Unacceptable(ValueError):
    """An update dropped at the edge on purpose (the reason is logged, not its content)."""


def _clean(value: Any, key: str = "", depth: int = 0) -> Any:
    """NUL bytes and lone surrogates replaced (U+FFFD) in every string; ids outside 64 bits and
    absurd nesting refused; texts and names cut to their limit."""
    if depth > MAX_DEPTH:
        raise Unacceptable("nested too deep")
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "\ufffd")  # never a new meaning: "8\x005" is no 85
        if _SURROGATE.search(value):
            value = _SURROGATE.sub("\ufffd", value)
        if key in TEXT_LIMITS and len(value) > TEXT_LIMITS[key]:
            value = value[:TEXT_LIMITS[key]]  # answered as the longest text allowed would be
        if key in NAME_LIMITS and len(value) > NAME_LIMITS[key]:
            limit = NAME_LIMITS[key]
            value = value[-limit:] if key == "file_name" else value[:limit]
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not INT64[0] <= value <= INT64[1]:
            raise Unacceptable(f"{key or 'a number'} beyond 64 bits")
        return value
    if isinstance(value, dict):
        return {_clean(k, "", depth): _clean(v, k if isinstance(k, str) else "", depth + 1)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(item, key, depth + 1) for item in value]
    return value


def normalize_update(platform: str, raw: Any) -> Any:
    """Fix what a platform is known to send differently, and make safe what no platform
    sends, before aiogram validates it: the one place hostile input is met (`_clean`).
    Raises `Unacceptable` for an update to ignore on purpose."""
    if not isinstance(raw, dict):
        return raw
    raw = _clean(raw)
    if not any(isinstance(raw.get(key), dict) for key in HANDLED):
        kinds = sorted(key for key in raw if key != "update_id")
        raise Unacceptable(f"not handled: {', '.join(kinds)[:80] or 'empty'}")
    callback = raw.get("callback_query")
    if isinstance(callback, dict) and "chat_instance" not in callback:
        callback["chat_instance"] = ""  # Bale leaves it out; aiogram's model requires it
    for key in ("message", "edited_message"):
        message = raw.get(key)
        contact = message.get("contact") if isinstance(message, dict) else None
        if isinstance(contact, dict) and isinstance(contact.get("phone_number"), int):
            contact["phone_number"] = str(contact["phone_number"])
    return raw


def parse_update(bot: Bot, platform: str, raw: Any) -> Update | None:
    """An Update, or None (logged) when it cannot be parsed even after normalising, or is
    ignored on purpose (`Unacceptable`)."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    if not isinstance(update_id, int) or not INT64[0] <= update_id <= INT64[1]:
        update_id = None
    try:
        update = Update.model_validate(normalize_update(platform, raw), context={"bot": bot})
    except Unacceptable as reason:
        log.info("ignored an update (%s, id %s): %s", platform, update_id, reason)
        return None
    except Exception as exc:  # pydantic's ValidationError, or a payload that is not an object
        log.warning("skipped an update that cannot be parsed (%s, id %s): %s",
                    platform, update_id, str(exc).splitlines()[0][:200])
        return None
    note_old_client(bot, platform, update)
    note_callback_chat(bot, update)
    return update


class PlatformSession(AiohttpSession):
    """An aiohttp session that skips unparseable updates instead of stalling on them."""

    def __init__(self, platform: str, api_base: str, **kwargs: Any) -> None:
        super().__init__(api=TelegramAPIServer.from_base(api_base), **kwargs)
        self.platform = platform
        self._offset_floor = 0

    async def make_request(self, bot: Bot, method: TelegramMethod[Any],
                           timeout: int | None = None) -> Any:  # noqa: ASYNC109
        if isinstance(method, GetUpdates) and (method.offset or 0) < self._offset_floor:
            method.offset = self._offset_floor
        body = self.json_body(bot, method)
        if body is None:  # a file to upload: aiogram's multipart form
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(url, data=body, headers=_JSON_HEADERS,
                                    timeout=self.timeout if timeout is None else timeout
                                    ) as response:
                content = await response.text()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            # Some client errors print the URL, which holds the token.
            text = str(exc).replace(bot.token, "«redacted»")
            raise TelegramNetworkError(method=method,
                                       message=f"{type(exc).__name__}: {text}") from exc
        return self.check_response(bot=bot, method=method, status_code=response.status,
                                   content=content).result

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None,
                             timeout: int = 30, chunk_size: int = 65536,  # noqa: ASYNC109
                             raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        """A file download whose failure never carries its URL: the token is part of it
        (`…/file/bot<TOKEN>/…`), and aiohttp's errors print the URL."""
        try:
            async for chunk in super().stream_content(url, headers, timeout, chunk_size,
                                                      raise_for_status):
                yield chunk
        except ClientResponseError as exc:
            raise FileDownloadFailed(f"file download failed: HTTP {exc.status}") from None
        except (ClientError, TimeoutError) as exc:
            raise FileDownloadFailed(f"file download failed: {type(exc).__name__}") from None

    def method_fields(self, method: TelegramMethod[Any]) -> dict[str, Any]:
        """The method's fields as this platform takes them (before values are prepared)."""
        return method.model_dump(warnings=False, exclude_none=True)

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as a JSON body, or None when it uploads a file.

        Both platforms take JSON (BALE.md). aiogram always sends a form, urlencoded byte by byte
        in Python: more than twice the cost of this for a Persian message with a keyboard
        (`python -m bench.requests`). The fields are the form's: None and "" are left out,
        defaults resolved, nested objects as they are instead of as JSON in a string.
        """
        files: dict[str, InputFile] = {}
        fields = {}
        for key, value in self.method_fields(method).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":
                fields[key] = prepared
        if files:
            return None
        # ASCII with \u escapes: a lone surrogate in a name (valid in the JSON a platform sends
        # us) cannot fail the encoding, as it would in UTF-8.
        return json.dumps(fields, separators=(",", ":")).encode()

    def check_response(self, bot: Bot, method: TelegramMethod[Any], status_code: int,
                       content: str) -> Any:
        # aiogram builds `Response[method.__returning__]` on every call; pydantic caches that
        # generic class only weakly, so without a strong reference it is garbage-collected and
        # built again (schema work on every call, found with cProfile). Keep one.
        returning = method.__returning__
        if returning not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]
        if isinstance(method, GetUpdates) and 200 <= status_code < 300:
            updates = self._parse_updates(bot, content)
            if updates is not None:
                return _RESPONSE_TYPES[returning].model_construct(ok=True, result=updates)
        if 200 <= status_code < 300:
            if method.__api_method__ in EDIT_METHODS and is_stub(content):
                # Bale answers an edit with {"message_id": 0}: the edit was made; aiogram could
                # not decode the stub as a Message, so answer as for an inline message: True.
                return _RESPONSE_TYPES[returning].model_construct(ok=True, result=True)
            return super().check_response(bot, method, status_code, content)
        description = description_of(content)
        lowered = description.lower()
        if status_code == HTTPStatus.UNAUTHORIZED or "token not found" in lowered or (
                status_code == HTTPStatus.NOT_FOUND and lowered in ("not found", "")):
            raise TokenRefused(method=method, message=description or "Not Found")
        if '"retry_after"' not in content and (
                status_code == HTTPStatus.TOO_MANY_REQUESTS
                or any(text in lowered for text in RATE_LIMIT_TEXTS)):
            raise TooManyRequests(method=method, message=description or "Too Many Requests")
        return super().check_response(bot, method, status_code, content)

    def _parse_updates(self, bot: Bot, content: str) -> list[Update] | None:
        """Each update of a successful batch parsed on its own (once), the unparseable ones
        dropped; None when the answer is not a successful batch (aiogram then says why)."""
        try:
            data = json.loads(content)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("ok") is not True or not isinstance(
                data.get("result"), list):
            return None
        kept = []
        for raw in data["result"]:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if isinstance(update_id, int):
                self._offset_floor = max(self._offset_floor, update_id + 1)
            update = parse_update(bot, self.platform, raw)
            if update is not None:
                kept.append(update)
        return kept


class BaleSession(PlatformSession):
    def __init__(self, api_base: str, **kwargs: Any) -> None:
        super().__init__("bale", api_base, **kwargs)

    def method_fields(self, method: TelegramMethod[Any]) -> dict[str, Any]:
        fields = super().method_fields(method)
        reply = fields.pop("reply_parameters", None)
        if isinstance(reply, dict) and reply.get("message_id") and not fields.get(
                "reply_to_message_id"):
            fields["reply_to_message_id"] = reply["message_id"]
        markup = fields.get("reply_markup")
        if isinstance(markup, dict) and "keyboard" in markup:
            fields["reply_markup"] = {"keyboard": markup["keyboard"]}
        return {key: value for key, value in fields.items() if key not in BALE_UNSUPPORTED}

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData:
        form = FormData(quote_fields=False)
        for key, value in self.method_fields(method).items():
            if isinstance(value, InputFile):
                form.add_field(key, value.read(bot), filename=value.filename or key)
                continue
            files: dict[str, InputFile] = {}
            prepared = self.prepare_value(value, bot=bot, files=files)
            if not prepared:
                continue
            form.add_field(key, prepared)
            for name, file in files.items():  # attach:// inside a media group is documented
                form.add_field(name, file.read(bot), filename=file.filename or name)
        return form


class PlatformBot(Bot):
    """A Bot that knows which platform it speaks to."""

    def __init__(self, platform: str, token: str, api_base: str, **kwargs: Any) -> None:
        if platform == "bale":
            session: PlatformSession = BaleSession(api_base)
            default = DefaultBotProperties()
        else:
            session = PlatformSession("telegram", api_base)
            default = DefaultBotProperties(parse_mode="HTML",
                                           link_preview_is_disabled=True)
        # Outermost first: an acknowledgement sent in the background still gets retries.
        self.acknowledgements = AcknowledgeInBackground()
        session.middleware(self.acknowledgements)
        session.middleware(AnswerLateInChat())
        if platform == "bale":
            session.middleware(AnswerOldClients())
        session.middleware(RetryWhenLimited())
        super().__init__(token, session=session, default=default, **kwargs)
        self.platform = platform
        self.old_clients: dict[str, int] = {}  # Bale callback query id → chat (see above)
        self.callback_chats: dict[str, int] = {}  # callback query id → chat (AnswerLateInChat)


def make_bots(platforms: dict[str, tuple[str, str]]) -> list[PlatformBot]:
    return [PlatformBot(name, token, base) for name, (token, base) in platforms.items()]
