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


Per-request cost is kept small (dict lookups, one append): a broadcast pushes every one of its
sends through here.

Where things are:

* :mod:`~sandbox.botapi.api` - :class:`BotApi` and its dispatch (unknown method, faults, rate
  ceiling, Bale's parameter whitelist, then the method);
* :mod:`~sandbox.botapi.messages` - sendMessage, the edits, deleteMessage, copyMessage,
  forwardMessage, sendChatAction, getChat;
* :mod:`~sandbox.botapi.files` - sendPhoto, sendDocument, sendMediaGroup, getFile and uploads;
* :mod:`~sandbox.botapi.keyboards` - ``reply_markup`` validation and answerCallbackQuery;
* :mod:`~sandbox.botapi.updates` - getUpdates and the webhook methods (delivery itself is in
  :mod:`sandbox.server.webhooks`);
* :mod:`~sandbox.botapi.commands` - getMe and the command menu (setMyCommands, ...);
* :mod:`~sandbox.botapi.faults` - injected faults and the rate ceiling turned into answers;
* :mod:`~sandbox.botapi.flavours` - Bale's parameter whitelist, Telegram-only methods;
* :mod:`~sandbox.botapi.outgoing` - what every sending method shares: text rendering, captions,
  replies, creating the bot's message in the transcript;
* :mod:`~sandbox.botapi.params` - request parameters and uploaded files.
"""

from sandbox.botapi.api import BotApi
from sandbox.botapi.faults import request_chat_id
from sandbox.botapi.flavours import BALE_PARAMS
from sandbox.botapi.params import Params, Upload

__all__ = ["BALE_PARAMS", "BotApi", "Params", "Upload", "request_chat_id"]
