"""The sandbox server: a local Bot API emulator (Telegram and Bale flavours) plus a control API.

Why: neither platform is reachable from development machines or CI, and mocks inside the bot's
process would not exercise aiogram's real HTTP session, its multipart encoding, or its error
mapping. The sandbox is a real HTTP server, so the application under test runs unmodified with
``AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url))``.

URL layout (``base`` is :attr:`Sandbox.base_url`)::

    {base}/bot{token}/{method}                 Bot API, flavour chosen by the token
    {base}/file/bot{token}/{file_path}         file downloads
    {base}/telegram/bot{token}/{method}        same, but an unknown token answers like Telegram
    {base}/bale/bot{token}/{method}            same, but an unknown token answers like Bale
    {base}/sandbox/...                         control API (JSON), see :class:`ControlApi`
    {base}/chat                                the web chat page (:mod:`sandbox.webpage`)

The control API is what scripted users, tests in another process and the web chat page
(``{base}/chat``, :mod:`sandbox.webpage`) use; it names a bot by token, username or numeric id and
never needs more than that.

Where things are:

* :mod:`~sandbox.server.app` - :class:`Sandbox`: its bots, options, start and stop, the routes;
* :mod:`~sandbox.server.bot_routes` - the Bot API and file downloads over HTTP (request
  parsing, unknown tokens); the methods themselves are in :mod:`sandbox.botapi`;
* :mod:`~sandbox.server.webhooks` - pushing updates to a bot's webhook, several at once (each
  chat's in order), with retries;
* :mod:`~sandbox.server.helpers` - the in-process helpers (faults, rate limit, users, waits);
* :mod:`~sandbox.server.control` - the control API under ``/sandbox``;
* :mod:`~sandbox.server.jsonio` - JSON answers;
* the chat page's routes are in :mod:`sandbox.webpage`.
"""

from sandbox.server.app import Sandbox
from sandbox.server.control import ControlApi
from sandbox.server.jsonio import json_response

__all__ = ["ControlApi", "Sandbox", "json_response"]
