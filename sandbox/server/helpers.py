"""In-process helpers of the :class:`~sandbox.server.app.Sandbox`: inspect transcripts and
counts, inject faults, set a rate ceiling or Bale-style redelivery, add users, block, wait.

Each has a twin in the control API (:mod:`sandbox.server.control`) for tests in another process.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sandbox import actions
from sandbox.state import FAULT_KINDS, BaleQuirks, BotWorld, Fault, TokenBucket


class SandboxHelpers:
    """Synchronous, cheap helpers (unless they say otherwise), each keyed by a bot's token (a
    mixin of :class:`~sandbox.server.app.Sandbox`, which provides ``bot`` and ``base_url``)."""

    if TYPE_CHECKING:  # provided by Sandbox

        @property
        def base_url(self) -> str: ...

        def bot(self, name: str) -> BotWorld: ...

    def transcript(self, token: str, chat_id: int) -> list[dict[str, Any]]:
        """The chat's entries in order (live dicts: read, don't mutate). Empty if no chat."""
        chat = self.bot(token).chats.get(chat_id)
        return list(chat.entries) if chat else []

    def sent_count(self, token: str, chat_id: int | None = None) -> int:
        """Messages the bot sent (an album counts per item), in one chat or in all."""
        bot = self.bot(token)
        if chat_id is None:
            return bot.sent_total
        chat = bot.chats.get(chat_id)
        return chat.out_count if chat else 0

    def set_fault(
        self,
        token: str,
        method: str,
        kind: str,
        *,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
        hang_seconds: float | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``kind``.

        ``kind``: ``429`` (with ``retry_after``, default 1), ``429_no_retry`` (Bale's bare
        "bot limit exceed"), ``500``, ``hang`` (no answer until the client times out, or for
        ``hang_seconds`` and then served normally), ``hang_after`` (the call takes effect but the
        answer comes too late: the duplicate-send scenario), ``403`` (blocked by the user),
        ``400`` (``message can't be edited``: an edit refused).
        ``method`` is case-insensitive; ``*`` or a glob like ``send*`` matches several, ``file``
        matches downloads. ``times=None`` keeps the fault until :meth:`clear_faults`.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}, not {kind!r}")
        if times is not None and times < 1:
            raise ValueError("times must be positive or None")
        self.bot(token).faults.append(
            Fault(
                method=method.lower(),
                kind=kind,
                chat_id=chat_id,
                times=times,
                retry_after=retry_after,
                hang_seconds=hang_seconds,
            )
        )

    def clear_faults(self, token: str) -> None:
        self.bot(token).faults.clear()

    def set_rate_limit(
        self, token: str, per_second: float | None, burst: float | None = None
    ) -> None:
        """A messages-per-second ceiling for the bot's sends (``None`` removes it)."""
        bot = self.bot(token)
        bot.bucket = TokenBucket(per_second, burst) if per_second else None

    def set_quirks(self, token: str, quirks: BaleQuirks | None = None, **changes: Any
                   ) -> BaleQuirks:
        """Switch a Bale bot's reported behaviours (:class:`~sandbox.state.BaleQuirks`): a whole
        set (``BaleQuirks.reported()``) and/or single switches; returns the bot's quirks."""
        bot = self.bot(token)
        if bot.flavour != "bale":
            raise ValueError("quirks are Bale's: this is a Telegram bot")
        bot.quirks = (quirks or bot.quirks).changed(**changes)
        return bot.quirks

    def set_callback_expiry(self, token: str, seconds: float | None) -> None:
        """Refuse answerCallbackQuery for a press older than this, as both platforms do
        (Telegram after about 15 s): "query is too old and response timeout expired or query
        ID is invalid". None (the default) never refuses for age."""
        self.bot(token).callback_expiry = seconds

    def revoke_token(self, token: str, revoked: bool = True) -> None:
        """The platform no longer knows the bot's token: every call is refused in its words
        (Telegram 401; Bale 403 ``Token not found`` or 404 per ``bad_token_status``)."""
        self.bot(token).revoked = revoked

    def set_redeliver(self, token: str, on: bool) -> None:
        """Bale's quirk: while on, every getUpdates (or webhook round) also hands out one
        already-delivered, confirmed update again (each at most once)."""
        self.bot(token).redeliver = bool(on)

    def inject_raw_update(self, token: str, update: dict[str, Any]) -> int:
        """Queue an arbitrary (possibly malformed) update; returns its position id."""
        return self.bot(token).push_raw(update)

    def add_user(
        self,
        token: str,
        user_id: int,
        first_name: str = "کاربر",
        *,
        last_name: str | None = None,
        username: str | None = None,
        phone: str | None = None,
        language_code: str | None = None,
    ) -> None:
        """Make a user known (their chat exists, so the bot may message them) without an
        update: how a broadcast benchmark sets up thousands of recipients."""
        self.bot(token).ensure_user(
            user_id,
            {
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "phone": phone,
                "language_code": language_code,
            },
        )

    def add_users(self, token: str, user_ids: Iterable[int], first_name: str = "کاربر") -> int:
        bot = self.bot(token)
        count = 0
        for user_id in user_ids:
            bot.ensure_user(int(user_id), {"first_name": first_name})
            count += 1
        return count

    def file_bytes(self, token: str, file_id: str) -> bytes:
        return self.bot(token).file_bytes(file_id)

    def callbacks(self, token: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Callback-query entries (``answered``, ``answer``), in order."""
        records = self.bot(token).callbacks.values()
        return [r for r in records if chat_id is None or r["chat_id"] == chat_id]

    def pending_updates(self, token: str) -> list[dict[str, Any]]:
        return [update for _, update in self.bot(token).pending]

    def calls(self, token: str) -> dict[str, int]:
        """How many times each method was called (lower-case names), faults included."""
        return dict(self.bot(token).calls)

    def info(self, token: str) -> dict[str, Any]:
        return self.bot(token).info()

    def block(self, token: str, user_id: int) -> None:
        actions.block(self.bot(token), user_id)

    def unblock(self, token: str, user_id: int) -> None:
        actions.unblock(self.bot(token), user_id)

    async def wait_sent(self, token: str, count: int, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Wait until the bot has sent at least ``count`` messages in total; returns the total.
        Raises ``TimeoutError`` with the count reached."""
        bot = self.bot(token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while bot.sent_total < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"bot sent {bot.sent_total} of {count} messages")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.sent_changed().wait(), remaining)
        return bot.sent_total

    def user(self, token: str, user_id: int, first_name: str = "کاربر", **kwargs: Any) -> Any:
        """A :class:`~sandbox.user.ScriptedUser` for this bot (talks HTTP to this sandbox)."""
        from sandbox.user import ScriptedUser

        return ScriptedUser(self.base_url, token, user_id, first_name, **kwargs)
