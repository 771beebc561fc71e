"""Binding an expert of the directory to a platform account (and undoing it)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.admin import AdminError, audit, get_or_create_account
from storage.models import Expert
from storage.records import ExpertRecord


async def link_expert(session: AsyncSession, expert_id: int, platform: str, user_id: int,
                      actor: str = "cli") -> ExpertRecord:
    expert = await session.get(Expert, expert_id)
    if expert is None:
        raise AdminError(f"no expert with id {expert_id} (see `pishkhan experts list`)")
    account = await get_or_create_account(session, platform, user_id, expert.name)
    old = expert.account_id
    expert.account_id = account.id
    await audit(session, actor=actor, action="expert.link", entity="expert",
                entity_id=expert_id, old={"account_id": old},
                new={"platform": platform, "user_id": user_id, "account_id": account.id})
    return ExpertRecord(expert.id, expert.name, expert.phone, expert.topic_fa, expert.topic_en,
                        expert.category, expert.hours, expert.account_id)


async def unlink_expert(session: AsyncSession, expert_id: int, actor: str = "cli") -> None:
    expert = await session.get(Expert, expert_id)
    if expert is None:
        raise AdminError(f"no expert with id {expert_id} (see `pishkhan experts list`)")
    await audit(session, actor=actor, action="expert.unlink", entity="expert",
                entity_id=expert_id, old={"account_id": expert.account_id})
    expert.account_id = None

