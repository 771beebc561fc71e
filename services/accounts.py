"""Who is writing, and what they choose for themselves (their language)."""

from __future__ import annotations

from services.uow import UnitOfWork
from storage import accounts
from storage.accounts import Actor

__all__ = ["Actor", "identify", "reload", "set_language"]

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
        await uow.commit()
    return await reload(uow, actor)
