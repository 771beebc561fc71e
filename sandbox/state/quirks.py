"""What a Bale bot's server does where the sources disagree or only third parties report it.

One :class:`BaleQuirks` per Bale bot (:attr:`BotWorld.quirks <sandbox.state.bots.BotWorld>`).
The defaults are what Bale documents (and what the sandbox always did); :meth:`BaleQuirks.reported`
switches on everything third-party clients report from the live server (docs/PLATFORMS.md lists
each with its source). Switch them per bot with :meth:`Sandbox.set_quirks
<sandbox.server.helpers.SandboxHelpers.set_quirks>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

ContactIds = Literal["always", "button", "never"]


@dataclass(slots=True)
class BaleQuirks:
    """Switches of one Bale bot.

    * ``edit_stubs`` - edit methods that answer ``{"message_id": 0}`` (the Sandbox's
      ``bale_edit_stub``) instead of the edited Message: ``editMessageText`` is documented,
      ``editMessageReplyMarkup`` and ``editMessageCaption`` are reported.
    * ``old_clients`` - every button press comes from an app too old to show an
      ``answerCallbackQuery`` text (callback query ids start with ``1``).
    * ``contact_user_ids`` - when a shared contact carries ``user_id``: ``always``; ``button``
      (only the user's own contact sent by a ``request_contact`` button, never a card shared or
      forwarded by hand); ``never``.
    * ``rate_limit_status`` - the HTTP status of "bot limit exceed" (429, or e.g. 400).
    * ``bad_token_status`` - 403 ``Bad Request: Token not found`` or 404 ``Not Found``.
    * ``unreachable_text`` - how an unknown chat is refused: ``chat not found`` or Bale's
      ``no such group or user``; ``unreachable_status`` its status (400, or 404).
    * ``caption_limit`` - the longest caption accepted (Telegram's 1,024 unless shorter).
    * ``webhook_connections`` - how many webhook deliveries are in flight at once (1-100), each
      chat's updates still one at a time and in order. Bale documents nothing about it (its
      ``setWebhook`` takes only ``url``) and no third party reports it: 1, one update at a time,
      is what the sandbox always did; Telegram's default is 40 (:mod:`sandbox.server.webhooks`).
    """

    edit_stubs: frozenset[str] = field(default_factory=lambda: frozenset({"editmessagetext"}))
    old_clients: bool = False
    contact_user_ids: ContactIds = "always"
    rate_limit_status: int = 429
    bad_token_status: int = 403
    unreachable_text: str = "Bad Request: chat not found"
    unreachable_status: int = 400
    caption_limit: int = 1024
    webhook_connections: int = 1

    @classmethod
    def reported(cls, **overrides: Any) -> BaleQuirks:
        """Everything third-party clients report from the live server, switched on."""
        quirks = cls(
            edit_stubs=frozenset({"editmessagetext", "editmessagereplymarkup",
                                  "editmessagecaption"}),
            old_clients=True,
            contact_user_ids="button",
            rate_limit_status=400,
            bad_token_status=404,
            unreachable_text="no such group or user",
            caption_limit=900,
        )
        return quirks.changed(**overrides)

    def changed(self, **changes: Any) -> BaleQuirks:
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown Bale quirks {sorted(unknown)}; known: {sorted(known)}")
        if "edit_stubs" in changes:
            changes["edit_stubs"] = frozenset(m.lower() for m in changes["edit_stubs"])
        if changes.get("contact_user_ids", "always") not in ("always", "button", "never"):
            raise ValueError("contact_user_ids must be always, button or never")
        connections = changes.get("webhook_connections", 1)
        if isinstance(connections, bool) or not isinstance(connections, int) or not (
                1 <= connections <= 100):
            raise ValueError("webhook_connections must be a whole number from 1 to 100")
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["edit_stubs"] = sorted(self.edit_stubs)
        return data
