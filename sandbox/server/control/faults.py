"""Control endpoints that make things go wrong for a bot: faults (list, add, clear), the rate
ceiling, Bale-style redelivery, Bale's quirks and a revoked token. See :meth:`Sandbox.set_fault
<sandbox.server.helpers.SandboxHelpers.set_fault>` for the fault kinds."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.server.control.base import ControlBase
from sandbox.state import BaleQuirks, ControlError


class FaultEndpoints(ControlBase):
    """Faults, rate limit, redelivery."""

    async def faults(self, request: web.Request) -> web.Response:
        return await self._guard(
            request,
            lambda req: self._async(
                {"ok": True, "faults": [f.as_dict() for f in self._bot(req).faults]}
            ),
        )

    async def set_fault(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            chat_id = body.get("chat_id")
            times = body.get("times", 1)
            self.sb.set_fault(
                bot.token,
                str(body.get("method", "*")),
                str(body.get("kind")),
                chat_id=int(chat_id) if chat_id is not None else None,
                times=int(times) if times is not None else None,
                retry_after=body.get("retry_after"),
                hang_seconds=body.get("hang_seconds"),
            )
            return {"ok": True, "faults": [f.as_dict() for f in bot.faults]}

        return await self._guard(request, work)

    async def clear_faults(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            self._bot(req).faults.clear()
            return {"ok": True}

        return await self._guard(request, work)

    async def rate_limit(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            per_second = body.get("per_second")
            self.sb.set_rate_limit(
                bot.token,
                float(per_second) if per_second else None,
                body.get("burst"),
            )
            return {"ok": True, "per_second": bot.bucket.rate if bot.bucket else None}

        return await self._guard(request, work)

    async def redeliver(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            self.sb.set_redeliver(bot.token, bool(body.get("on", True)))
            return {"ok": True, "on": bot.redeliver}

        return await self._guard(request, work)

    async def quirks(self, request: web.Request) -> web.Response:
        """POST {"reported": true?, <switch>: value, ...}: a Bale bot's quirks; answers them."""

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            changes = {k: v for k, v in body.items() if k != "reported"}
            base = BaleQuirks.reported() if body.get("reported") else None
            try:
                quirks = self.sb.set_quirks(bot.token, base, **changes)
            except (ValueError, TypeError) as exc:
                raise ControlError(400, str(exc)) from None
            return {"ok": True, "quirks": quirks.as_dict()}

        return await self._guard(request, work)

    async def revoke(self, request: web.Request) -> web.Response:
        """POST {"revoked": bool}: the platform forgets (or knows again) the bot's token."""

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            self.sb.revoke_token(bot.token, bool(body.get("revoked", True)))
            return {"ok": True, "revoked": bot.revoked}

        return await self._guard(request, work)
