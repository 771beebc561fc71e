"""Flavour rules that apply to every method: Bale's parameter whitelist, Telegram-only methods.

The rules of single methods (Bale's ``editMessageText`` stub, its upload cap, ...) are in the
method's own module; the list is in :mod:`sandbox.botapi`.
"""

from __future__ import annotations

from sandbox.botapi.params import Params
from sandbox.state import ApiError

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


def check_bale_params(name: str, params: Params) -> None:
    """Refuse a Bale call that carries a parameter Bale does not document for ``name``."""
    allowed = BALE_PARAMS.get(name)
    if allowed is None:
        return
    for key, value in params.data.items():
        if value is None or key in allowed:
            continue
        if key in params.files:
            continue
        raise ApiError(400, f"Bad Request: parameter {key!r} is not supported")
