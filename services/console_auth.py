"""Logging in to the staff console without a password.

A staff member asks the bot (/console) or an operator asks the command line for a link: a
one-time token bound to their account, valid ten minutes (`issue_link`). Opening it
(`redeem_link`) spends it, in one conditional UPDATE, and starts a session: a random cookie
and a CSRF token, both random and the cookie kept only as a hash. Every request then asks
`session_actor`, which ends the session when it idled twelve hours or when its account holds no
staff role any more (removal revokes at the next request, whatever the session's age). `logout`
ends it at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from services.errors import Forbidden, NotFound
from services.uow import UnitOfWork
from storage import console_sessions as store
from storage.accounts import Actor, load_actor
from storage.admin import audit

__all__ = ["Login", "Session", "issue_link", "logout", "redeem_link", "session_actor"]


@dataclass(frozen=True, slots=True)
class Login:
    cookie: str  # the session's secret, for the browser's cookie only
    csrf: str


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    actor: Actor
    csrf: str


async def issue_link(uow: UnitOfWork, platform: str, user_id: int, now: datetime) -> str:
    """A one-time login token for this staff member (refused, `console-not-staff`, to anyone
    else)."""
    async with uow:
        actor = await load_actor(uow.session, platform, user_id)
        if not actor.is_staff:
            raise Forbidden("console-not-staff")
        token = secrets.token_hex(24)  # letters and digits only: safe in any chat markup
        await store.add_link(uow.session, actor.account_id, token, now)
        await audit(uow.session, actor=f"{platform}:{user_id}", action="console.link",
                    entity="account", entity_id=actor.account_id)
        await uow.commit()
    return token


async def redeem_link(uow: UnitOfWork, token: str, now: datetime) -> Login:
    """The session a link opens. A used, expired or unknown link is `NotFound` with the code
    `console-link-used`, `console-link-expired` or `console-link-unknown`."""
    async with uow:
        account_id = await store.redeem_link(uow.session, token, now)
        if account_id is None:
            state = await store.link_state(uow.session, token, now)
            raise NotFound("console-link-" + ("unknown" if state == "fresh" else state))
        login = Login(secrets.token_urlsafe(32), secrets.token_urlsafe(24))
        await store.add_session(uow.session, account_id, login.cookie, login.csrf, now)
        await audit(uow.session, actor=f"account:{account_id}", action="console.login",
                    entity="account", entity_id=account_id)
        await uow.commit()
    return login


async def session_actor(uow: UnitOfWork, cookie: str, now: datetime) -> Session:
    """Who this cookie is, as of now; `Forbidden("console-session-ended")` when it is not a live
    session of a staff member (a removed one's sessions end here)."""
    async with uow:
        found = await store.live_session(uow.session, cookie, now)
        if found is None:
            raise Forbidden("console-session-ended")
        actor = await load_actor(uow.session, found.platform, found.user_id)
        if not actor.is_staff:
            await store.end_sessions_of(uow.session, found.account_id, now)
            await uow.commit()
            raise Forbidden("console-session-ended")
        await uow.commit()
    return Session(found.id, actor, found.csrf)


async def logout(uow: UnitOfWork, session_id: int, now: datetime) -> None:
    async with uow:
        await store.end_session(uow.session, session_id, now)
        await uow.commit()
