"""Linking an account to its offices: by the owner's own contact, or by a one-time code.

An owner proves who they are by sharing their **own** contact (the contact's user id is the
sender's) whose number is the licence holder's in the registry, or by a code the region issued
(`issue_code`): single use, valid `CODE_DAYS` days; five wrong codes in a row and the person
waits 15 minutes (`storage.linking.code_lock`).

HQ sees who is linked to what (`list_links`) and unlinks an account by hand (`unlink`): the
account stops acting for the office at once, the change is audited and the person told.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from scoring.text import PhoneError, normalize_phone
from services import accounts
from services.errors import Forbidden, Invalid, NotFound
from services.uow import UnitOfWork
from storage import admin, linking, winners
from storage.accounts import Actor
from storage.admin import audit, list_experts
from storage.faults import fault_point
from storage.linking import LinkRecord
from storage.outbox import notify
from storage.records import ExpertRecord, OfficeRecord, StaffRecord


@dataclass(frozen=True, slots=True)
class Linked:
    """The offices the account acts for after the change, and the actor read again; for a
    staff invite, no offices and the role taken (`joined`)."""

    offices: tuple[OfficeRecord, ...]
    actor: Actor
    joined: StaffRecord | None = None


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
    """Link the office a one-time code names. Refusals: `link-code-limit` (five wrong codes:
    `minutes` to wait), `link-code-wrong`, `link-code-used` (`link-code-used-by` with who
    and when), `link-code-expired`.
    Of several accounts redeeming one code at once, exactly one links. The account that
    redeemed it gets `Linked` again, with no second link, audit row or wrong attempt."""
    code = _code(text)
    async with uow:
        until = await linking.code_lock(uow.session, actor.account_id, now)
        if until is not None:
            raise Invalid("link-code-limit", minutes=math.ceil((until - now).total_seconds() / 60))
        office_id = await linking.take_code(uow.session, code, actor.account_id, now)
        invite = None if office_id is not None else await admin.take_invite(
            uow.session, code, actor.account_id, now)
        joined = await _join_staff(uow, actor, invite) if invite is not None else None
        offices = [] if office_id is not None or joined is not None \
            else await _redeemed_before(uow, actor, code)
        if office_id is None and joined is None and not offices:
            reason = await linking.code_state(uow.session, code, now) or "used"
            if reason == "wrong":  # perhaps a staff invite, used or expired
                reason = await admin.invite_state(uow.session, code, now) or "wrong"
            winner = await winners.code_use(uow.session, code) if reason == "used" else None
            await linking.add_wrong_attempt(uow.session, actor.account_id, now)
            await uow.commit()  # the attempt counts, whatever the caller does next
            if winner is not None:  # who redeemed it, and when
                raise Invalid("link-code-used-by", by=winner.name, at=winner.at)
            raise Invalid(f"link-code-{reason}")
        if office_id is not None:
            await linking.link(uow.session, actor.account_id, [office_id], "code",
                               actor_label(actor))
            await linking.choose_office(uow.session, actor.account_id, office_id)
            offices = await linking.offices_by_id(uow.session, [office_id])
        fault_point("linking.taken")
        await uow.commit()
    fault_point("linking.committed")
    return Linked(tuple(offices), await accounts.reload(uow, actor), joined)


async def redeemed_by_me(uow: UnitOfWork, actor: Actor, text: str) -> bool:
    """Whether the text is a link code this account redeemed and is still linked by: a linked
    owner sending it again is answered "linked", any other text goes on to the wizard."""
    async with uow:
        return bool(await _redeemed_before(uow, actor, _code(text)))


async def _redeemed_before(uow: UnitOfWork, actor: Actor, code: str) -> list[OfficeRecord]:
    """The office of a code this account redeemed and is still linked to (else nothing): the
    update re-run after a kill between the link's commit and its reply, or the code typed
    again, is told "linked" with nothing written twice."""
    office = await linking.code_used_by(uow.session, code, actor.account_id)
    if office is None or not await linking.is_linked(uow.session, actor.account_id, office):
        return []
    return await linking.offices_by_id(uow.session, [office])


def _code(text: str) -> str:
    return linking.normalize_code(text)[:linking.CODE_LENGTH * 2]


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


# --- HQ: who is linked, and unlinking by hand ------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unlinked:
    account_id: int
    platform: str
    user_id: int
    office_code: str
    office_name: str
    via: str


async def list_links(uow: UnitOfWork, *, office_code: str | None = None,
                     platform: str | None = None, user_id: int | None = None
                     ) -> list[LinkRecord]:
    """The links of an office (by its code), of an account (platform and user id), or all.
    Refusals: `office-not-found`, `link-no-account`."""
    async with uow:
        office_id = account_id = None
        if office_code is not None:
            office_id = (await _office(uow, office_code)).id
        if platform is not None and user_id is not None:
            account_id = await _account(uow, platform, user_id)
        return await linking.list_links(uow.session, office_id=office_id,
                                        account_id=account_id)


async def unlink(uow: UnitOfWork, *, office_code: str, platform: str, user_id: int,
                 by: str = "cli", reason: str | None = None) -> Unlinked:
    """The account no longer acts for the office, from its next update on; audited, and the
    person is told. Refusals: `office-not-found`, `link-no-account`, `link-not-linked` (also
    for the second of two removals at once)."""
    async with uow:
        office = await _office(uow, office_code)
        account_id = await _account(uow, platform, user_id)
        [held] = [link for link in await linking.list_links(uow.session, office_id=office.id)
                  if link.account_id == account_id] or [None]
        via = await linking.unlink(uow.session, account_id, office.id)
        if via is None or held is None:
            raise NotFound("link-not-linked", code=office.code, platform=platform,
                           user_id=user_id)
        await audit(uow.session, actor=by, action="account.unlink", entity="account",
                    entity_id=account_id, old={"office_id": office.id, "via": via},
                    reason=reason or "by-hand")
        await notify(uow.session, held, "link-unlinked-notice", name=office.name,
                     code=office.code)
        await uow.commit()
    return Unlinked(account_id, platform, user_id, office.code, office.name, via)


async def _office(uow: UnitOfWork, office_code: str) -> OfficeRecord:
    office = await linking.office_by_code(uow.session, office_code)
    if office is None:
        raise NotFound("office-not-found", code=office_code.strip()[:20])
    return office


async def _account(uow: UnitOfWork, platform: str, user_id: int) -> int:
    account_id = await linking.account_by_platform_id(uow.session, platform, user_id)
    if account_id is None:
        raise NotFound("link-no-account", platform=platform, user_id=user_id)
    return account_id


# --- staff invites ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class IssuedInvite:
    code: str
    expires_at: datetime
    role: str
    region: int | None
    province: str | None


async def issue_invite(uow: UnitOfWork, *, role: str, now: datetime, region: int | None = None,
                       province: str | None = None, name: str = "", by: str = "cli"
                       ) -> IssuedInvite:
    """A one-time code (valid `CODE_DAYS` days) that gives whoever types it in the chat the
    role: a reviewer or liaison of a region, an association member of a province, or HQ.
    Refusals: `admin-unknown-role`, `admin-needs-region`, `admin-unknown-region`,
    `admin-needs-province`, `admin-unknown-province`."""
    if role not in admin.ROLES:
        raise Invalid("admin-unknown-role", role=role, roles=", ".join(admin.ROLES))
    async with uow:
        if role in ("reviewer", "liaison"):
            if region is None:
                raise Invalid("admin-needs-region", role=role)
            if not await admin.region_exists(uow.session, region):
                raise Invalid("admin-unknown-region", region=str(region))
            province = None
        elif role == "association":
            if not province:
                raise Invalid("admin-needs-province")
            registered = await admin.province_named(uow.session, province)
            if registered is None:
                raise Invalid("admin-unknown-province", province=province)
            province, region = registered, None
        else:
            region = province = None
        code, expires = linking.new_code(), linking.code_expiry(now)
        invite_id = await admin.add_invite(uow.session, code=code, role=role, region=region,
                                           province=province, name=name, expires_at=expires,
                                           by=by)
        await audit(uow.session, actor=by, action="staff.invite", entity="invite",
                    entity_id=invite_id, new={"role": role, "region": region,
                                              "province": province, "name": name,
                                              "expires_at": expires})
        await uow.commit()
    return IssuedInvite(code, expires, role, region, province)


async def _join_staff(uow: UnitOfWork, actor: Actor, invite: admin.Invite) -> StaffRecord:
    """Give the redeeming account the invite's role (kept as it is when it has it already)."""
    from storage.models import Account

    account = await uow.session.get(Account, actor.account_id)
    assert account is not None
    name = invite.name or actor.first_name
    if await admin.has_staff_role(uow.session, account.id, invite.role, invite.region,
                                  invite.province):
        record = next(r for r in await admin.list_staff(uow.session)
                      if r.account_id == account.id and r.role == invite.role
                      and r.region_code == invite.region and r.province == invite.province)
    else:
        record = await admin.add_staff_role(uow.session, account, role=invite.role,
                                            region=invite.region, province=invite.province,
                                            name=name)
    await audit(uow.session, actor=actor_label(actor), actor_account_id=actor.account_id,
                action="staff.add", entity="staff", entity_id=record.id,
                new={"invite": invite.id, "role": invite.role, "region": invite.region,
                     "province": invite.province, "name": name})
    return record
