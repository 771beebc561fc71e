"""Who is writing, and what they choose for themselves (their language); and headquarters'
hand on who acts for an office (`hq_links`, `hq_unlink`: the chat's side of `pishkhan accounts
list|unlink`, the same use cases of `services.linking` behind an hq check)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.errors import Forbidden
from services.uow import UnitOfWork
from storage import accounts
from storage.accounts import Actor
from storage.admin import audit
from storage.linking import LinkRecord

if TYPE_CHECKING:  # services.linking imports this module
    from services.linking import Unlinked

__all__ = ["Actor", "hq_links", "hq_unlink", "identify", "reload", "set_language"]

LANGUAGES = ("fa", "en")


async def identify(uow: UnitOfWork, platform: str, user_id: int, first_name: str = "",
                   default_locale: str = "fa") -> Actor:
    """The actor of an update: the account (created on first contact, and no longer marked
    unreachable now that they wrote), its roles and its offices."""
    async with uow:
        actor = await accounts.load_actor(uow.session, platform, user_id, first_name,
                                          default_locale)
        await uow.commit()
    return actor


async def reload(uow: UnitOfWork, actor: Actor) -> Actor:
    """The same person, read again after a change (a new link, a chosen office)."""
    return await identify(uow, actor.platform, actor.user_id)


async def set_language(uow: UnitOfWork, actor: Actor, lang: str) -> Actor:
    if lang not in LANGUAGES:
        lang = "fa"
    async with uow:
        await accounts.set_locale(uow.session, actor.account_id, lang)
        if lang != actor.locale:  # the record of every change (issue 21): old → new
            await audit(uow.session, actor=f"{actor.platform}:{actor.user_id}",
                        actor_account_id=actor.account_id, action="account.locale",
                        entity="account", entity_id=actor.account_id, old=actor.locale, new=lang)
        await uow.commit()
    return await reload(uow, actor)


def _require_hq(actor: Actor) -> None:
    if not actor.has_role("hq"):
        raise Forbidden("admin-hq-only")


async def hq_links(uow: UnitOfWork, actor: Actor, office_code: str) -> list[LinkRecord]:
    """The accounts linked to an office, for headquarters. Refusals: `admin-hq-only`,
    `office-not-found`."""
    from services import linking

    _require_hq(actor)
    return await linking.list_links(uow, office_code=office_code)


async def hq_unlink(uow: UnitOfWork, actor: Actor, *, office_code: str, platform: str,
                    user_id: int) -> Unlinked:
    """Headquarters removes an account's link to an office: at once, audited under the hq
    member's name, and the person is told (`services.linking.unlink`). Refusals:
    `admin-hq-only`, `office-not-found`, `link-no-account`, `link-not-linked` (also for the
    second of two presses)."""
    from services import linking

    _require_hq(actor)
    return await linking.unlink(uow, office_code=office_code, platform=platform,
                                user_id=user_id, by=f"{actor.platform}:{actor.user_id}",
                                reason="by-hq-in-chat")
