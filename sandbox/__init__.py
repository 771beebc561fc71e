"""Local Bot API emulator (Telegram and Bale flavours) with scripted users.

Public API::

    from sandbox import Sandbox, ScriptedUser

    async with Sandbox() as sb:
        token = sb.add_bot("bale")
        bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(sb.base_url)))
        async with ScriptedUser(sb.base_url, token, 42, "Ali", phone="09121234567") as ali:
            await ali.send_command("start")
            reply = await ali.wait_message()

Where things are (each package's docstring lists its modules):

* :mod:`sandbox.server` - the HTTP server: :class:`Sandbox` (``server/app.py``), the Bot API
  routes, webhook delivery, in-process helpers, and the control API (``server/control/``);
* :mod:`sandbox.botapi` - the Bot API methods by family (``messages``, ``files``, ``keyboards``,
  ``updates``, ``commands``), fault injection (``faults``), flavour rules (``flavours``);
* :mod:`sandbox.state` - the in-memory world: bots, chats, update queues, files, faults;
* :mod:`sandbox.actions` - what users do (messages, contacts, media, buttons, blocking);
* :mod:`sandbox.user` - the scripted user (actions, waits) that drives a chat over HTTP;
* :mod:`sandbox.formatting` - HTML / Markdown checks; :mod:`sandbox.webpage` - the chat page;
  :mod:`sandbox.samples` - sample files; :mod:`sandbox.main` - ``python -m sandbox``.

Control API (JSON; ``{bot}`` is a token, a username or a bot id; ``{chat}`` = user id)::

    GET    /sandbox                               bots and URLs
    POST   /sandbox/bots                          {"flavour", "token"?, "username"?} -> token
    GET    /sandbox/bots/{bot}                    state summary (webhook, faults, calls...)
    POST   /sandbox/bots/{bot}/users              {"users": [{"id", "first_name", ...}]} | {"ids"}
    GET    /sandbox/bots/{bot}/chats              chat summaries
    GET    /sandbox/bots/{bot}/chats/{chat}       one chat + visible buttons
    GET    /sandbox/bots/{bot}/chats/{chat}/transcript?after=I
    GET    /sandbox/bots/{bot}/chats/{chat}/wait?after=I&n=N&timeout=T[&contains=S&since_version=V]
    GET    /sandbox/bots/{bot}/chats/{chat}/changes?version=V&timeout=T
    GET    /sandbox/bots/{bot}/chats/{chat}/buttons
    POST   /sandbox/bots/{bot}/chats/{chat}/{action}   text | command | contact | photo |
           document | album | sticker | voice | location | raw | edit | callback | press |
           block | unblock   (JSON with "user": profile, or multipart with "meta" + files)
    GET    /sandbox/bots/{bot}/callbacks[?chat_id=]      callback records
    GET    /sandbox/bots/{bot}/callbacks/{id}?timeout=T  wait for the bot's answer
    GET    /sandbox/bots/{bot}/files/{file_id}           bytes (…/info: metadata)
    GET    /sandbox/bots/{bot}/sent_count[?chat_id=]
    GET    /sandbox/bots/{bot}/wait_sent?count=N&timeout=T
    GET|POST|DELETE /sandbox/bots/{bot}/faults       list | add {method, kind, chat_id, times,
                                                     retry_after, hang_seconds} | clear
    POST   /sandbox/bots/{bot}/rate_limit             {"per_second": x | null, "burst"?}
    POST   /sandbox/bots/{bot}/redeliver              {"on": bool}
    POST   /sandbox/bots/{bot}/quirks                 Bale: {"reported"?: bool, <switch>: value}
    POST   /sandbox/bots/{bot}/revoke                 {"revoked": bool}: the token stops working
    GET|POST /sandbox/bots/{bot}/updates              pending | inject {"update": {...}}
"""

from sandbox.server import Sandbox
from sandbox.user import ButtonNotFound, SandboxError, ScriptedUser

__all__ = ["ButtonNotFound", "Sandbox", "SandboxError", "ScriptedUser"]
