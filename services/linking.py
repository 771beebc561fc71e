"""Linking an account to its offices: by the owner's own contact, or by a one-time code.

An owner proves who they are by sharing their **own** contact (the contact's user id is the
sender's) whose number is the licence holder's in the registry, or by a code the region issued
(`issue_code`). A wrong code counts against an hourly limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scoring.text import PhoneError, normalize_phone
from services import accounts
from services.errors import Forbidden, Invalid, NotFound
from services.uow import UnitOfWork
from storage import linking
from storage.accounts import Actor
from storage.admin import audit, list_experts
from storage.records import ExpertRecord, OfficeRecord


@dataclass(frozen=True, slots=True)
class Linked:
    """The offices the account acts for after the change, and the actor read again."""

    offices: tuple[OfficeRecord, ...]
    actor: Actor


@dataclass(frozen=True, slots=True)
class NoMatch:
    """The number is nobody's in the registry: who to ask instead."""

    experts: tuple[ExpertRecord, ...]


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    expires_at: datetime
    office: OfficeRecord


def actor_label(actor: Actor) -> str:
    return f"{actor.platform}:{actor.user_id}"


async def link_by_contact(uow: UnitOfWork, actor: Actor, *, contact_user_id: int | None,
                          phone: str) -> Linked | NoMatch:
    """Link the offices whose licence holder has this number.

    Refused (`Invalid("link-not-own-contact")`) unless the contact is the sender's own; a number
    that cannot be a mobile number is `Invalid("link-bad-number")`.
    """
    if contact_user_id is None or contact_user_id != actor.user_id:
        # Someone else's card, or a platform that does not say whose it is: not proof.
        raise Invalid("link-not-own-contact")
    try:
        number = normalize_phone(phone)
    except PhoneError as error:
        raise Invalid("link-bad-number") from error
    async with uow:
        offices = await linking.offices_for_phone(uow.session, number)
        await linking.set_phone(uow.session, actor.account_id, number)
        if offices:
            await linking.link(uow.session, actor.account_id, [o.id for o in offices],
                               "contact", actor_label(actor))
            result: Linked | NoMatch | None = None
        else:
            result = NoMatch(tuple(await list_experts(uow.session)))
        await uow.commit()
    if isinstance(result, NoMatch):
        return result
    return Linked(tuple(offices), await accounts.reload(uow, actor))


async def redeem_code(uow: UnitOfWork, actor: Actor, text: str, now: datetime) -> Linked:
    """Link the office a one-time code names. Refusals: `link-code-limit` (too many wrong
    codes in the last hour), `link-code-wrong`, `link-code-used`, `link-code-expired`.
    Of several accounts redeeming one code at once, exactly one links."""
    code = linking.normalize_code(text)
    async with uow:
        since = now - timedelta(hours=1)
        if await linking.wrong_codes_since(uow.session, actor.account_id, since) \
                >= linking.WRONG_CODES_PER_HOUR:
            raise Invalid("link-code-limit")
        office_id = await linking.take_code(uow.session, code, actor.account_id, now)
        if office_id is None:
            reason = await linking.code_state(uow.session, code, now) or "used"
            await linking.add_wrong_attempt(uow.session, actor.account_id, now)
            await uow.commit()  # the attempt counts, whatever the caller does next
            raise Invalid(f"link-code-{reason}")
        await linking.link(uow.session, actor.account_id, [office_id], "code",
                           actor_label(actor))
        await linking.choose_office(uow.session, actor.account_id, office_id)
        offices = await linking.offices_by_id(uow.session, [office_id])
        await uow.commit()
    return Linked(tuple(offices), await accounts.reload(uow, actor))


async def choose_office(uow: UnitOfWork, actor: Actor, office_id: int) -> Linked:
    """Act for one of the account's own offices from now on (`Forbidden` for any other)."""
    async with uow:
        if not await linking.choose_office(uow.session, actor.account_id, office_id):
            raise Forbidden("not-your-office")
        offices = await linking.offices_by_id(uow.session, [office_id])
        await uow.commit()
    return Linked(tuple(offices), await accounts.reload(uow, actor))


async def own_offices(uow: UnitOfWork, actor: Actor) -> list[OfficeRecord]:
    async with uow:
        return await linking.offices_by_id(uow.session, actor.office_ids)


async def issue_code(uow: UnitOfWork, office_code: str, now: datetime, by: str = "cli"
                     ) -> IssuedCode:
    """A one-time code (8 characters, valid `CODE_DAYS` days) for the office's owner."""
    async with uow:
        office = await linking.office_by_code(uow.session, office_code)
        if office is None:
            raise NotFound("office-not-found", code=office_code.strip())
        code, expires = linking.new_code(), linking.code_expiry(now)
        await linking.add_code(uow.session, office.id, code, expires)
        await audit(uow.session, actor=by, action="linkcode.issue", entity="office",
                    entity_id=office.id, new={"expires_at": expires})
        await uow.commit()
    return IssuedCode(code, expires, office)
