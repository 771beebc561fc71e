"""A scripted person chatting with a bot through the sandbox.

Tests, the demo and the benchmarks drive users with this class. It speaks only the sandbox's
control HTTP API, so the sandbox may run in this process or another one.

Waiting model (the part tests depend on):

* The user keeps a **cursor**: a transcript index. Every action (``send_text``, ``press``, ...)
  moves the cursor to the user's own new message. ``wait_messages(n)`` returns the bot's next
  ``n`` *new* messages after the cursor and moves the cursor to the last one returned, so
  consecutive waits read the bot's output in order without gaps or repeats, and the replies to
  an action are exactly what follows it.
* Messages the bot sent *before* the user's latest action and that were never waited for are
  skipped: a wait is about the reply to what the user just did.
* Edits do not count as new messages. Use ``wait_edit`` (or ``wait_text``, which also looks at
  messages edited since the last action) when the bot answers a button press by editing.
* ``transcript()`` and ``last_message()`` always reflect the current state: edited text, the
  current inline keyboard, ``deleted`` flags.

Modules: :mod:`~sandbox.user.scripted` (:class:`ScriptedUser`), :mod:`~sandbox.user.session`
(its HTTP plumbing, profile and errors), :mod:`~sandbox.user.actions` (what the user does),
:mod:`~sandbox.user.waits` (waiting for the bot, reading the chat).
"""

from sandbox.user.scripted import ScriptedUser
from sandbox.user.session import ButtonNotFound, SandboxError

__all__ = ["ButtonNotFound", "SandboxError", "ScriptedUser"]
