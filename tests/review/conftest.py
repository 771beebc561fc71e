"""The review's world: the demo registry (regions 1, 2, 4, 7, 8, 9) with an open period, owners
linked to offices, reviewers of two regions, an association, HQ, declarations ready for review,
and the outbox drained by the real sender."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from delivery.outbox import OutboxSender
from demo.local import World, local_world
from services.staff import add_staff
from storage.evidence import check
from storage.models import Account, AccountOffice, Answer, Declaration, Evidence, Office
from tests.e2e.conftest import FIXED_NOW, make_jpeg, make_pdf

__all__ = ["FIXED_NOW", "make_jpeg", "make_pdf"]

# Sari (urban, region 4, Mazandaran) and Shiraz (urban, region 7, Fars).
SARI, BABOL, SHIRAZ, DASHTAK = "16598444", "16598445", "71100001", "71100003"
SARI_OWNER = ("bale", 5001)
SHIRAZ_OWNER = ("telegram", 5002)
REVIEWER_4 = ("telegram", 7004)  # region 4
REVIEWER_7 = ("bale", 7007)  # region 7
ASSOCIATION_FARS = ("telegram", 7101)
HQ = ("telegram", 7200)

ANSWERS: dict[str, Any] = {
    "area": 85,
    "staff": [{"name": "علی رضایی", "insured": True, "disabled": False},
              {"name": "مریم کریمی", "insured": True, "disabled": True}],
    "location_urban": "main_street",
    "holder_years": 12,
    "step_free": True,
    "facilities": ["ramp", "toilet"],
}


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with local_world(tmp_path, now=FIXED_NOW) as world:
        yield world


async def office_id(world: World, code: str) -> int:
    async with world.session() as session:
        value = await session.scalar(select(Office.id).where(Office.code == code))
        assert value is not None, code
        return value


async def link_owner(world: World, code: str, platform: str, user_id: int,
                     locale: str = "fa") -> int:
    """An account linked to the office (as after sharing the holder's contact)."""
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == code))
        assert office is not None
        account = Account(platform=platform, platform_user_id=user_id, locale=locale,
                          first_name="مالک", phone=office.holder_phone,
                          current_office_id=office.id)
        session.add(account)
        await session.flush()
        session.add(AccountOffice(account_id=account.id, office_id=office.id, via="contact"))
        await session.commit()
        account_id = account.id
    world.sandbox.add_user(world.tokens[platform], user_id, "مالک")
    return account_id


async def make_staff(world: World, who: tuple[str, int], role: str, *, region: int | None = None,
                     province: str | None = None, name: str = "کارشناس") -> None:
    await add_staff(world.uow(), platform=who[0], user_id=who[1], role=role, region=region,
                    province=province, name=name)


@dataclass(frozen=True)
class Filed:
    declaration_id: int
    evidence_ids: list[int]


async def file_declaration(world: World, code: str, *, answers: dict[str, Any] | None = None,
                           files: dict[str, list[bytes]] | None = None,
                           platform: str = "bale", status: str = "submitted",
                           submitted_at: datetime | None = None) -> Filed:
    """A declaration written straight into the database, with files in the evidence store
    (file ids the platform does not know, so a reviewer gets them uploaded from the store)."""
    assert world.period is not None
    files = files if files is not None else {"area": [make_jpeg()], "staff": [make_pdf()],
                                             "holder_years": [make_jpeg(color="red")],
                                             "facilities": [make_jpeg(color="green")]}
    store = world.app.services["evidence_store"]
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == code))
        assert office is not None
        row = Declaration(office_id=office.id, period_id=world.period.id, status=status,
                          version=1, submitted_at=submitted_at or world.clock.now())
        session.add(row)
        await session.flush()
        for key, value in (answers or ANSWERS).items():
            session.add(Answer(declaration_id=row.id, item_key=key,
                               value_json=json.dumps(value, ensure_ascii=False)))
        ids = []
        for key, blobs in files.items():
            for data in blobs:
                checked = check(data, 10 * 1024 * 1024)
                store.put(checked)
                evidence = Evidence(declaration_id=row.id, item_key=key, sha256=checked.sha256,
                                    size=len(data), mime=checked.mime,
                                    filename="doc.pdf" if checked.mime == "application/pdf"
                                    else None,
                                    platform=platform,
                                    file_id="unknown-" + hashlib.sha1(data).hexdigest()[:12])
                session.add(evidence)
                await session.flush()
                ids.append(evidence.id)
        await session.commit()
        return Filed(row.id, ids)


async def drain(world: World) -> int:
    """Send every due outbox row with the real sender."""
    return await OutboxSender.from_app(world.app).drain_once(within=30)


async def status_of(world: World, declaration_id: int) -> str:
    async with world.session() as session:
        row = await session.get(Declaration, declaration_id)
        assert row is not None
        return row.status


async def until(check_fn: Any, within: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check_fn():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)
