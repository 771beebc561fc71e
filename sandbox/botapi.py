"""The Bot API methods the product uses, in a Telegram and a Bale flavour.

Requests arrive as ``{base}/bot{token}/{method}`` (GET or POST; query string, JSON, urlencoded
form or multipart) and are answered with the usual envelope
``{"ok": ..., "result" | "description", "error_code", "parameters"}`` and the HTTP status equal to
``error_code``, which is what aiogram maps to its exception classes.

The flavour of a bot decides the rules (see ``BALE.md`` in the shared docs):

* **telegram** - lenient about unknown parameters (as Telegram is), validates HTML /
  MarkdownV2 / Markdown text, supports ``secret_token`` webhooks, ``setMyCommands``,
  ``chat_instance`` in callback queries, ``attach://`` top-level uploads.
* **bale** - a whitelist of parameters per method (anything else, e.g. ``parse_mode``, is a 400),
  text is always checked as Bale Markdown, ``editMessageText`` answers a stub with
  ``message_id: 0``, ``setWebhook`` accepts only ``url``, top-level uploads must be plain named
  multipart fields, 20 MB upload cap, no ``setMyCommands``, 429 says ``bot limit exceed``.

Per-request cost is kept small (dict lookups, one append) because the broadcast benchmark pushes
thousands of sends a second through here.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.formatting import (
    EntityParseError,
    render_bale_markdown,
    render_html,
    render_markdown,
    render_markdown_v2,
)
from sandbox.state import (
    SEND_METHODS,
    ApiError,
    BotWorld,
    Chat,
    StoredFile,
    looks_like_image,
    new_entry,
)

if TYPE_CHECKING:
    from sandbox.server import Sandbox

MAX_TEXT = 4096
MAX_CAPTION = 1024
MB = 1024 * 1024

#: Parameters Bale documents per method. Anything else present is refused with a 400, which is
#: how the sandbox catches aiogram defaults (``parse_mode``, ``reply_parameters``, ...) leaking
#: into Bale calls. ``None`` means "not checked" (reading methods whose extra knobs are harmless).
BALE_PARAMS: dict[str, frozenset[str] | None] = {
    "getme": None,
    "getupdates": None,
    "getwebhookinfo": None,
    "deletewebhook": None,
    "setwebhook": frozenset({"url"}),
    "sendmessage": frozenset({"chat_id", "text", "reply_to_message_id", "reply_markup"}),
    "editmessagetext": frozenset({"chat_id", "message_id", "text", "reply_markup"}),
    "editmessagecaption": frozenset({"chat_id", "message_id", "caption", "reply_markup"}),
    "editmessagereplymarkup": frozenset({"chat_id", "message_id", "reply_markup"}),
    "answercallbackquery": frozenset({"callback_query_id", "text", "show_alert"}),
    "deletemessage": frozenset({"chat_id", "message_id"}),
    "sendphoto": frozenset({"chat_id", "photo", "caption", "reply_to_message_id", "reply_markup"}),
    "senddocument": frozenset(
        {"chat_id", "document", "caption", "reply_to_message_id", "reply_markup"}
    ),
    "sendmediagroup": frozenset({"chat_id", "media", "reply_to_message_id"}),
    "copymessage": frozenset({"chat_id", "from_chat_id", "message_id"}),
    "forwardmessage": frozenset({"chat_id", "from_chat_id", "message_id"}),
    "getfile": frozenset({"file_id"}),
    "sendchataction": frozenset({"chat_id", "action"}),
    "getchat": frozenset({"chat_id"}),
}
TELEGRAM_ONLY = frozenset({"setmycommands", "getmycommands", "deletemycommands"})

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_BALE_INLINE_ACTIONS = frozenset({"url", "callback_data", "web_app", "copy_text"})
_REPLY_MARKUP_KEYS = frozenset(
    {
        "keyboard",
        "resize_keyboard",
        "one_time_keyboard",
        "input_field_placeholder",
        "selective",
        "is_persistent",
    }
)
_REPLY_BUTTON_KEYS = frozenset(
    {
        "text",
        "request_contact",
        "request_location",
        "request_poll",
        "request_users",
        "request_chat",
        "web_app",
    }
)
_BALE_REPLY_BUTTON_KEYS = frozenset({"text", "request_contact", "request_location"})
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


# ----------------------------------------------------------------------------- parameters


@dataclass(slots=True)
class Upload:
    """A file part of a multipart request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Request parameters with Telegram-like coercion (form values are strings)."""

    __slots__ = ("data", "files")

    def __init__(self, data: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.data = data
        self.files = files or {}

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(400, f"Bad Request: {name} is empty")
            return None
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                if name == "reply_markup":
                    raise ApiError(
                        400, "Bad Request: can't parse reply keyboard markup JSON object"
                    ) from None
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> Any:
        """Chat ids may come as ints, numeric strings or ``@username`` (never found here)."""
        value = self.data.get(name)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: {name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            return str(value)


def request_chat_id(bot: BotWorld, method: str, params: Params) -> int | None:
    """The chat a request is about, for per-chat faults (best effort, never raises)."""
    value = params.data.get("chat_id")
    if value is None and method == "answercallbackquery":
        record = bot.callbacks.get(str(params.data.get("callback_query_id")))
        return record["chat_id"] if record else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------- the API


class BotApi:
    """Executes Bot API calls against the sandbox's state; one instance per :class:`Sandbox`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.handlers = {
            name[2:]: getattr(self, name) for name in dir(self) if name.startswith("m_")
        }

    # ---------------------------------------------------------------------- dispatch

    async def call(self, bot: BotWorld, method: str, params: Params) -> Any:
        """Run one method: 404 for unknown, then faults, then the rate ceiling, then the work."""
        name = method.lower()
        handler = self.handlers.get(name)
        if handler is None or (bot.flavour == "bale" and name in TELEGRAM_ONLY):
            raise ApiError(404, "Not Found")
        bot.calls[name] += 1
        after: float | None = None
        if bot.faults:
            fault = bot.find_fault(name, request_chat_id(bot, name, params))
            if fault is not None:
                after = await self._inject(bot, fault)
        if bot.bucket is not None and name in SEND_METHODS:
            cost = 1.0
            if name == "sendmediagroup":
                media = params.json("media")
                cost = float(len(media)) if isinstance(media, list) and media else 1.0
            if not bot.bucket.take(min(cost, bot.bucket.capacity)):
                raise self.too_many(bot, 1 if bot.flavour == "telegram" else None)
        if bot.flavour == "bale":
            self._bale_whitelist(name, params)
        result = await handler(bot, params)
        if after is not None:
            # "hang_after": the work is done but the answer never arrives in time, which is how
            # a sender ends up sending the same message twice.
            await asyncio.sleep(after)
        return result

    @staticmethod
    def too_many(bot: BotWorld, retry_after: int | None) -> ApiError:
        if bot.flavour == "bale":
            desc = "bot limit exceed"
        elif retry_after is not None:
            desc = f"Too Many Requests: retry after {retry_after}"
        else:
            desc = "Too Many Requests"
        params = {"retry_after": retry_after} if retry_after is not None else None
        return ApiError(429, desc, params)

    async def _inject(self, bot: BotWorld, fault: Any) -> float | None:
        kind = fault.kind
        if kind == "429":
            raise self.too_many(bot, fault.retry_after if fault.retry_after is not None else 1)
        if kind == "429_no_retry":
            raise self.too_many(bot, None)
        if kind == "500":
            raise ApiError(500, "Internal Server Error")
        if kind == "403":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        seconds = fault.hang_seconds if fault.hang_seconds is not None else 3600.0
        if kind == "hang":
            # The handler is cancelled when the client disconnects (handler_cancellation=True),
            # so a hang costs nothing once the bot's request has timed out.
            await asyncio.sleep(seconds)
            return None
        return seconds  # hang_after

    @staticmethod
    def _bale_whitelist(name: str, params: Params) -> None:
        allowed = BALE_PARAMS.get(name)
        if allowed is None:
            return
        for key, value in params.data.items():
            if value is None or key in allowed:
                continue
            if key in params.files:
                continue
            raise ApiError(400, f"Bad Request: parameter {key!r} is not supported")

    # ------------------------------------------------------------------------ helpers

    def render(self, bot: BotWorld, text: str, parse_mode: str | None) -> str:
        """Validate text like the platform does and return what the reader sees."""
        try:
            if bot.flavour == "bale":
                return render_bale_markdown(text)
            if not parse_mode:
                return text
            mode = parse_mode.lower()
            if mode == "html":
                return render_html(text)
            if mode == "markdownv2":
                return render_markdown_v2(text)
            if mode == "markdown":
                return render_markdown(text)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")

    def markup(self, bot: BotWorld, params: Params, *, inline_only: bool = False) -> Any:
        """Validate ``reply_markup`` like the servers do; returns the parsed object or None."""
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        bale = bot.flavour == "bale"
        if "inline_keyboard" in markup:
            self._check_inline(bot, markup)
        elif inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: keyboard must be an array of arrays")
            extra = set(markup) - ({"keyboard"} if bale else _REPLY_MARKUP_KEYS)
            if extra and (bale and self.sandbox.bale_strict_keyboards or not bale):
                raise ApiError(
                    400, f"Bad Request: reply keyboard field {sorted(extra)[0]!r} is not supported"
                )
            allowed = _BALE_REPLY_BUTTON_KEYS if bale else _REPLY_BUTTON_KEYS
            for row in rows:
                for button in row:
                    if isinstance(button, str):
                        if not button:
                            raise ApiError(400, "Bad Request: keyboard button text is empty")
                        continue
                    if not isinstance(button, dict) or not button.get("text"):
                        raise ApiError(400, "Bad Request: can't parse keyboard button")
                    unknown = set(button) - allowed
                    if unknown:
                        raise ApiError(
                            400,
                            "Bad Request: keyboard button field "
                            f"{sorted(unknown)[0]!r} is not supported",
                        )
        elif "remove_keyboard" in markup or "force_reply" in markup:
            pass
        else:
            raise ApiError(400, 'Bad Request: can\'t find field "inline_keyboard"')
        return markup

    def _check_inline(self, bot: BotWorld, markup: dict[str, Any]) -> None:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, "Bad Request: inline keyboard must be an array of arrays")
        allowed = _BALE_INLINE_ACTIONS if bot.flavour == "bale" else _INLINE_ACTIONS
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button")
                if not button["text"]:
                    raise ApiError(400, "Bad Request: inline keyboard button text is empty")
                actions = [k for k, v in button.items() if k in _INLINE_ACTIONS and v is not None]
                unknown = [k for k in actions if k not in allowed]
                if unknown:
                    raise ApiError(
                        400, f"Bad Request: inline button field {unknown[0]!r} is not supported"
                    )
                if len(actions) != 1:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard",
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    def reply_to(self, bot: BotWorld, chat: Chat, params: Params) -> int | None:
        mid = params.integer("reply_to_message_id")
        allow_missing = params.flag("allow_sending_without_reply")
        if mid is None and bot.flavour == "telegram":
            rp = params.json("reply_parameters")
            if isinstance(rp, dict) and rp.get("message_id") is not None:
                mid = int(rp["message_id"])
                allow_missing = bool(rp.get("allow_sending_without_reply"))
        if mid is None:
            return None
        target = chat.by_id.get(mid)
        if target is None or target["deleted"]:
            if allow_missing:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return mid

    def new_out(
        self,
        bot: BotWorld,
        chat: Chat,
        kind: str,
        method: str,
        content: dict[str, Any],
        entry_fields: dict[str, Any],
        markup: dict[str, Any] | None,
        reply_to: int | None,
    ) -> dict[str, Any]:
        """Create a bot message: the Bot API object, its transcript entry, keyboard state."""
        mid = chat.new_message_id()
        message: dict[str, Any] = {
            "message_id": mid,
            "from": bot.user_obj,
            "chat": chat.info,
            "date": int(time.time()),
        }
        if reply_to is not None:
            replied = chat.by_id[reply_to]["message"]
            message["reply_to_message"] = replied
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        entry = new_entry(
            "out",
            kind,
            mid,
            method=method,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            message=message,
            **entry_fields,
        )
        chat.append(entry)
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = {"markup": markup, "message_id": mid}
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        bot.count_sent()
        return message

    def caption(self, bot: BotWorld, params: Params) -> tuple[str | None, str | None]:
        raw = params.text("caption")
        if not raw:
            return None, None
        plain = self.render(bot, raw, params.text("parse_mode"))
        if len(plain) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        return raw, plain

    def upload_limit(self, bot: BotWorld, kind: str) -> int:
        if bot.flavour == "bale":
            return 20 * MB
        return 10 * MB if kind == "photo" else 50 * MB

    def input_file(
        self,
        bot: BotWorld,
        params: Params,
        value: Any,
        field: str,
        kind: str,
        *,
        in_media_group: bool = False,
    ) -> list[StoredFile]:
        """Resolve an InputFile: a plain multipart field, ``attach://name``, or a file id.

        Returns the stored files (a photo has several sizes, largest last).
        """
        upload: Upload | None = None
        if value is None or value == "":
            upload = params.files.get(field)
            if upload is None:
                raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        elif isinstance(value, str) and value.startswith("attach://"):
            if bot.flavour == "bale" and not in_media_group:
                raise ApiError(
                    400,
                    "Bad Request: attach:// is only supported inside media groups; "
                    f"send the file as the multipart field {field!r}",
                )
            upload = params.files.get(value[len("attach://") :])
            if upload is None:
                raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        elif not isinstance(value, str):
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        elif value.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        else:
            stored = bot.files.get(value)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            if (stored.kind == "photo") != (kind == "photo"):
                raise ApiError(400, "Bad Request: type of file mismatch")
            if kind == "photo":
                return bot.photo_sets.get(stored.file_id, [stored])
            return [stored]
        data = upload.data
        if not data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(data) > self.upload_limit(bot, kind):
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            if self.sandbox.check_images and not looks_like_image(data):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            return bot.store_photo(data, "bot")
        return [
            bot.store_file(
                data,
                kind,
                "bot",
                file_name=upload.filename or field,
                mime_type=(
                    upload.content_type
                    if upload.content_type and upload.content_type != "application/octet-stream"
                    else None
                ),
            )
        ]

    @staticmethod
    def file_content(files: list[StoredFile], kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Message content and transcript fields for stored files."""
        main = files[-1]
        if kind == "photo":
            content: dict[str, Any] = {"photo": [f.api_object() for f in files]}
        else:
            content = {kind: main.api_object()}
        fields = {
            "file_id": main.file_id,
            "file_ids": [f.file_id for f in files],
            "file_unique_id": main.file_unique_id,
            "file_name": main.file_name,
            "mime_type": main.mime_type,
            "file_size": main.size,
            "sha256": main.sha256,
        }
        return content, fields

    # --------------------------------------------------------------------------- methods

    async def m_getme(self, bot: BotWorld, params: Params) -> Any:
        me = dict(bot.user_obj)
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
        )
        return me

    async def m_getupdates(self, bot: BotWorld, params: Params) -> Any:
        if bot.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset") or 0
        limit = params.integer("limit") or 100
        limit = min(max(limit, 1), 100)
        timeout = max(0.0, params.number("timeout", 0.0))
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            bot.allowed_updates = allowed
        # A newer getUpdates terminates an older waiting one, like Telegram does.
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.wake_pollers()
        if offset:
            bot.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if bot.webhook is not None or generation != bot.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            result: list[dict[str, Any]] = []
            again = bot.take_redelivery()
            if again is not None:
                result.append(again)
            for order, update in bot.pending:
                if len(result) >= limit:
                    break
                result.append(update)
                bot.delivered_ids.add(order)
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                await asyncio.wait_for(bot.updates_changed().wait(), remaining)
            except TimeoutError:
                pass

    async def m_setwebhook(self, bot: BotWorld, params: Params) -> Any:
        url = params.text("url") or ""
        if not url:
            return await self.m_deletewebhook(bot, Params({}))
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: Webhook URL is invalid")
        secret = params.text("secret_token")
        if secret and not _SECRET_RE.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            bot.pending.clear()
            bot.delivered_ids.clear()
        allowed = params.json("allowed_updates")
        bot.webhook = {
            "url": url,
            "secret_token": secret or None,
            "max_connections": params.integer("max_connections") or 40,
            "allowed_updates": allowed if isinstance(allowed, list) else None,
            "ip_address": params.text("ip_address"),
        }
        bot.webhook_last_error = None
        bot.wake_pollers()  # a waiting getUpdates now gets 409
        self.sandbox._start_webhook(bot)
        return True

    async def m_deletewebhook(self, bot: BotWorld, params: Params) -> Any:
        await self.sandbox._stop_webhook(bot)
        bot.webhook = None
        # Bale has been seen not to clear the backlog on drop_pending_updates (BALE.md).
        if params.flag("drop_pending_updates") and bot.flavour == "telegram":
            bot.pending.clear()
            bot.delivered_ids.clear()
        return True

    async def m_getwebhookinfo(self, bot: BotWorld, params: Params) -> Any:
        info: dict[str, Any] = {
            "url": bot.webhook["url"] if bot.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.pending),
        }
        if bot.webhook:
            info["max_connections"] = bot.webhook["max_connections"]
            if bot.webhook.get("allowed_updates"):
                info["allowed_updates"] = bot.webhook["allowed_updates"]
            if bot.webhook.get("ip_address"):
                info["ip_address"] = bot.webhook["ip_address"]
        if bot.webhook_last_error:
            info["last_error_date"], info["last_error_message"] = bot.webhook_last_error
        return info

    async def m_sendmessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        raw = params.text("text")
        if not raw or not raw.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = params.text("parse_mode") or None
        plain = self.render(bot, raw, parse_mode)
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self.markup(bot, params)
        reply_to = self.reply_to(bot, chat, params)
        return self.new_out(
            bot,
            chat,
            "text",
            "sendMessage",
            {"text": plain},
            {"text": plain, "raw_text": raw, "parse_mode": parse_mode},
            markup,
            reply_to,
        )

    def _editable(self, bot: BotWorld, params: Params) -> tuple[Chat, dict[str, Any]]:
        if params.raw("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: inline messages are not supported by the sandbox")
        chat = bot.chat(params.chat_id())
        mid = params.integer("message_id", required=True)
        entry = chat.by_id.get(mid)  # type: ignore[arg-type]
        if entry is None or entry["deleted"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        if entry["direction"] != "out":
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, entry

    @staticmethod
    def _snapshot(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            k: entry[k]
            for k in ("text", "raw_text", "caption", "raw_caption", "parse_mode", "reply_markup")
        } | {"time": time.time()}

    def _finish_edit(
        self, bot: BotWorld, chat: Chat, entry: dict[str, Any], markup: Any
    ) -> dict[str, Any]:
        message = dict(entry["message"])
        if markup is not None:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        if entry["text"] is not None:
            message["text"] = entry["text"]
        if entry["caption"] is not None:
            message["caption"] = entry["caption"]
        entry["message"] = message
        entry["reply_markup"] = markup
        entry["edited"] = True
        entry["edit_count"] = entry.get("edit_count", 0) + 1
        entry["edit_time"] = time.time()
        chat.touch(entry)
        entry["edit_version"] = entry["version"]
        return message

    async def m_editmessagetext(self, bot: BotWorld, params: Params) -> Any:
        chat, entry = self._editable(bot, params)
        raw = params.text("text")
        if not raw or not raw.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if entry["kind"] != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        parse_mode = params.text("parse_mode") or None
        plain = self.render(bot, raw, parse_mode)
        if len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        # Without reply_markup the inline keyboard is removed, as on Telegram.
        markup = self.markup(bot, params, inline_only=True)
        if (
            bot.flavour == "telegram"
            and plain == entry["text"]
            and markup == entry.get("reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        entry.setdefault("edits", []).append(self._snapshot(entry))
        entry.update(text=plain, raw_text=raw, parse_mode=parse_mode)
        message = self._finish_edit(bot, chat, entry, markup)
        if bot.flavour == "bale":
            return copy.deepcopy(self.sandbox.bale_edit_stub)
        return message

    async def m_editmessagecaption(self, bot: BotWorld, params: Params) -> Any:
        chat, entry = self._editable(bot, params)
        if entry["kind"] not in ("photo", "document"):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        raw, plain = self.caption(bot, params)
        markup = self.markup(bot, params, inline_only=True)
        if (
            bot.flavour == "telegram"
            and plain == entry["caption"]
            and markup == entry.get("reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        entry.setdefault("edits", []).append(self._snapshot(entry))
        entry.update(caption=plain, raw_caption=raw, parse_mode=params.text("parse_mode"))
        message = self._finish_edit(bot, chat, entry, markup)
        if plain is None:
            message.pop("caption", None)
        return message

    async def m_editmessagereplymarkup(self, bot: BotWorld, params: Params) -> Any:
        chat, entry = self._editable(bot, params)
        markup = self.markup(bot, params, inline_only=True)
        if bot.flavour == "telegram" and markup == entry.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        entry.setdefault("edits", []).append(self._snapshot(entry))
        return self._finish_edit(bot, chat, entry, markup)

    async def m_deletemessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        mid = params.integer("message_id", required=True)
        entry = chat.by_id.get(mid)  # type: ignore[arg-type]
        if entry is None or entry["deleted"]:
            raise ApiError(400, "Bad Request: message to delete not found")
        if time.time() - entry["time"] > 48 * 3600:
            raise ApiError(400, "Bad Request: message can't be deleted")
        # A reply keyboard stays on the client after its message is deleted: keep it.
        entry["deleted"] = True
        entry["delete_time"] = time.time()
        chat.touch(entry)
        return True

    async def m_answercallbackquery(self, bot: BotWorld, params: Params) -> Any:
        qid = params.text("callback_query_id")
        if not qid:
            raise ApiError(400, "Bad Request: callback_query_id is empty")
        record = bot.callbacks.get(qid)
        stale = "Bad Request: query is too old and response timeout expired or query ID is invalid"
        if record is None or record["answered"]:
            raise ApiError(400, stale)
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        record["answered"] = True
        record["answer"] = {
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "time": time.time(),
        }
        chat = bot.chats.get(record["chat_id"])
        if chat is not None:
            chat.touch(record)
        return True

    async def _send_file(self, bot: BotWorld, params: Params, kind: str, method: str) -> Any:
        chat = bot.chat(params.chat_id())
        raw, plain = self.caption(bot, params)
        markup = self.markup(bot, params)
        reply_to = self.reply_to(bot, chat, params)
        files = self.input_file(bot, params, params.raw(kind), kind, kind)
        content, fields = self.file_content(files, kind)
        if plain is not None:
            content["caption"] = plain
        fields.update(caption=plain, raw_caption=raw, parse_mode=params.text("parse_mode"))
        return self.new_out(bot, chat, kind, method, content, fields, markup, reply_to)

    async def m_sendphoto(self, bot: BotWorld, params: Params) -> Any:
        return await self._send_file(bot, params, "photo", "sendPhoto")

    async def m_senddocument(self, bot: BotWorld, params: Params) -> Any:
        return await self._send_file(bot, params, "document", "sendDocument")

    async def m_sendmediagroup(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        media = params.json("media")
        if not isinstance(media, list) or not media:
            raise ApiError(400, "Bad Request: media is empty")
        if not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media specified: must be 2-10")
        kinds = set()
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in ("photo", "document"):
                raise ApiError(400, "Bad Request: unsupported media type in the sandbox")
            kinds.add(item["type"])
        if "document" in kinds and len(kinds) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        reply_to = self.reply_to(bot, chat, params)
        # Resolve everything first so that a bad item sends nothing (the group is atomic).
        resolved = []
        for item in media:
            kind = item["type"]
            files = self.input_file(
                bot, params, item.get("media"), kind, kind, in_media_group=True
            )
            if bot.flavour == "bale":
                extra = {k for k, v in item.items() if v is not None} - {
                    "type",
                    "media",
                    "caption",
                }
                if extra:
                    raise ApiError(
                        400, f"Bad Request: parameter {sorted(extra)[0]!r} is not supported"
                    )
            raw = item.get("caption") or None
            plain = None
            if raw:
                plain = self.render(bot, raw, item.get("parse_mode"))
            resolved.append((kind, files, raw, plain, item.get("parse_mode")))
        group_id = bot.new_media_group_id()
        messages = []
        for kind, files, raw, plain, parse_mode in resolved:
            content, fields = self.file_content(files, kind)
            content["media_group_id"] = group_id
            if plain is not None:
                content["caption"] = plain
            fields.update(
                caption=plain, raw_caption=raw, parse_mode=parse_mode, media_group_id=group_id
            )
            messages.append(
                self.new_out(bot, chat, kind, "sendMediaGroup", content, fields, None, reply_to)
            )
        return messages

    def _source(self, bot: BotWorld, params: Params) -> dict[str, Any]:
        from_chat = bot.chats.get(params.chat_id("from_chat_id"))  # type: ignore[arg-type]
        if from_chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        mid = params.integer("message_id", required=True)
        source = from_chat.by_id.get(mid)  # type: ignore[arg-type]
        if source is None or source["deleted"]:
            raise ApiError(400, "Bad Request: message to copy not found")
        if source["kind"] in ("callback", "service"):
            raise ApiError(400, "Bad Request: message can't be copied")
        return source

    @staticmethod
    def _copied_content(source: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        keep = (
            "text",
            "photo",
            "document",
            "caption",
            "contact",
            "sticker",
            "voice",
            "location",
        )
        content = {k: v for k, v in source["message"].items() if k in keep}
        fields = {
            k: source.get(k)
            for k in (
                "text",
                "raw_text",
                "caption",
                "raw_caption",
                "file_id",
                "file_ids",
                "file_unique_id",
                "file_name",
                "mime_type",
                "file_size",
                "sha256",
                "contact",
            )
            if source.get(k) is not None
        }
        return content, fields

    async def m_copymessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        source = self._source(bot, params)
        content, fields = self._copied_content(source)
        if params.raw("caption") is not None and "text" not in content:
            raw, plain = self.caption(bot, params)
            content.pop("caption", None)
            if plain is not None:
                content["caption"] = plain
            fields.update(caption=plain, raw_caption=raw, parse_mode=params.text("parse_mode"))
        markup = self.markup(bot, params)
        reply_to = self.reply_to(bot, chat, params)
        fields["copied_from"] = {
            "chat_id": source["message"]["chat"]["id"],
            "message_id": source["message_id"],
        }
        message = self.new_out(
            bot, chat, source["kind"], "copyMessage", content, fields, markup, reply_to
        )
        return {"message_id": message["message_id"]}

    async def m_forwardmessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        source = self._source(bot, params)
        content, fields = self._copied_content(source)
        original = source["message"]
        sender = original.get("from", {})
        content["forward_origin"] = {
            "type": "user",
            "sender_user": sender,
            "date": original.get("date", 0),
        }
        content["forward_from"] = sender
        content["forward_date"] = original.get("date", 0)
        fields["forwarded_from"] = {
            "chat_id": original["chat"]["id"],
            "message_id": source["message_id"],
        }
        return self.new_out(
            bot, chat, source["kind"], "forwardMessage", content, fields, None, None
        )

    async def m_getfile(self, bot: BotWorld, params: Params) -> Any:
        file_id = params.text("file_id")
        if not file_id:
            raise ApiError(400, "Bad Request: file_id is empty")
        stored = bot.files.get(file_id)
        if stored is None:
            raise ApiError(
                400, "Bad Request: wrong file_id or the file is temporarily unavailable"
            )
        if stored.size > 20 * MB:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def m_sendchataction(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        action = params.text("action") or ""
        allowed = _CHAT_ACTIONS - ({"upload_document"} if bot.flavour == "bale" else set())
        if action not in allowed:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        chat.actions.append((time.time(), action))
        return True

    async def m_getchat(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        return dict(chat.info)

    @staticmethod
    def _scope_key(params: Params) -> str:
        scope = params.json("scope")
        lang = params.text("language_code") or ""
        return json.dumps(scope or {"type": "default"}, sort_keys=True) + "|" + lang

    async def m_setmycommands(self, bot: BotWorld, params: Params) -> Any:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be an array")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        bot.commands[self._scope_key(params)] = commands
        return True

    async def m_getmycommands(self, bot: BotWorld, params: Params) -> Any:
        return bot.commands.get(self._scope_key(params), [])

    async def m_deletemycommands(self, bot: BotWorld, params: Params) -> Any:
        bot.commands.pop(self._scope_key(params), None)
        return True


__all__ = ["BALE_PARAMS", "BotApi", "Params", "Upload", "request_chat_id"]
