"""The identity lifecycle: a registry import that names a new licence holder unlinks the
accounts linked through the old one (same transaction, audited, both told); HQ unlinks by hand."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from demo.local import DATA
from services import linking, registry
from services.errors import Invalid, NotFound
from storage.models import AccountOffice, AuditLog, Office, Outbox
from tests.admin.conftest import twice
from tests.services.conftest import NOW, World

OFFICE, HOLDER, NEW_HOLDER = "16598444", "09382413657", "09121234567"


def _offices_file(tmp_path: Path, **changes: str) -> Path:
    """The demo offices with office 16598444's columns changed."""
    with (DATA / "demo_offices.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["office_code"] == OFFICE:
            row.update(changes)
    path = tmp_path / "offices.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


async def _scalar(world: World, query: Any) -> Any:
    async with world.sessionmaker() as session:
        return await session.scalar(query)


async def _links(world: World) -> int:
    return int(await _scalar(world, select(func.count()).select_from(AccountOffice).join(
        Office, Office.id == AccountOffice.office_id).where(Office.code == OFFICE)))


async def _owner_and_coder(world: World) -> tuple[Any, Any]:
    owner = await world.person("telegram", 9101)
    await linking.link_by_contact(world.uow(), owner, contact_user_id=9101, phone=HOLDER)
    helper = await world.person("bale", 9102)
    code = (await linking.issue_code(world.uow(), OFFICE, NOW)).code
    await linking.redeem_code(world.uow(), helper, code, NOW)
    assert await _links(world) == 2
    return owner, helper


async def test_a_new_holder_in_the_registry_unlinks_the_old_holders_accounts(
        world: World, tmp_path: Path) -> None:
    owner, helper = await _owner_and_coder(world)
    newcomer = await world.person("telegram", 9103)  # the new holder, known by their own card
    await linking.link_by_contact(world.uow(), newcomer, contact_user_id=9103, phone=NEW_HOLDER)
    report = await registry.import_offices(world.uow(), _offices_file(
        tmp_path, holder_name="مریم احمدی", holder_phone=NEW_HOLDER))
    assert report.written and report.updated == 1
    assert report.unlinked == 2
    assert await _links(world) == 0
    reloaded = await world.person("telegram", 9101)
    assert reloaded.office_ids == () and reloaded.office_id is None
    assert await _scalar(world, select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "account.unlink")) == 2
    async with world.sessionmaker() as session:
        rows = (await session.scalars(
            select(Outbox).where(Outbox.kind.like("link-holder%")))).all()
        told = {(row.account_id, json.loads(row.payload_json)["notice"]) for row in rows}
    assert told == {(owner.account_id, "link-holder-changed-notice"),
                    (helper.account_id, "link-holder-changed-notice"),
                    (newcomer.account_id, "link-holder-new-notice")}


async def test_the_same_holder_spelled_alike_keeps_the_links(world: World, tmp_path: Path
                                                            ) -> None:
    await _owner_and_coder(world)
    report = await registry.import_offices(world.uow(), _offices_file(
        tmp_path, office_name="دفتر پیشخوان خدمات دولت ساری (مرکزی)",
        holder_phone="+989382413657"))
    assert report.written and report.unlinked == 0
    assert await _links(world) == 2


async def test_a_dry_run_or_a_refused_file_unlinks_nobody(world: World, tmp_path: Path) -> None:
    await _owner_and_coder(world)
    path = _offices_file(tmp_path, holder_phone=NEW_HOLDER)
    report = await registry.import_offices(world.uow(), path, dry_run=True)
    assert not report.written and await _links(world) == 2
    bad = _offices_file(tmp_path, holder_phone=NEW_HOLDER, city="")
    report = await registry.import_offices(world.uow(), bad)
    assert not report.written and await _links(world) == 2


async def test_two_imports_at_once_unlink_once(world: World, tmp_path: Path) -> None:
    await _owner_and_coder(world)
    path = _offices_file(tmp_path, holder_phone=NEW_HOLDER)
    reports = await twice(world.sessionmaker,
                          lambda: registry.import_offices(world.uow(), path))
    assert sorted(r.unlinked for r in reports) == [0, 2]
    assert await _scalar(world, select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "account.unlink")) == 2


async def test_hq_unlinks_an_account_by_hand_and_lists_the_links(world: World) -> None:
    owner, helper = await _owner_and_coder(world)
    listed = await linking.list_links(world.uow(), office_code=OFFICE)
    assert {(r.platform, r.user_id, r.via) for r in listed} == {
        ("telegram", 9101, "contact"), ("bale", 9102, "code")}
    done = await linking.unlink(world.uow(), office_code=OFFICE, platform="bale",
                                user_id=9102, by="cli", reason="not the owner")
    assert done.account_id == helper.account_id
    assert await _links(world) == 1
    with pytest.raises(NotFound) as again:
        await linking.unlink(world.uow(), office_code=OFFICE, platform="bale", user_id=9102)
    assert again.value.code == "link-not-linked"
    assert await _scalar(world, select(func.count()).select_from(Outbox).where(
        Outbox.account_id == helper.account_id, Outbox.kind == "link-unlinked-notice")) == 1


async def test_two_unlinks_at_once_unlink_once(world: World) -> None:
    await _owner_and_coder(world)
    outcomes = await twice(world.sessionmaker, lambda: linking.unlink(
        world.uow(), office_code=OFFICE, platform="telegram", user_id=9101))
    assert sorted(type(o).__name__ for o in outcomes) == ["NotFound", "Unlinked"]
    assert await _scalar(world, select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "account.unlink")) == 1


async def test_five_wrong_codes_make_the_person_wait_fifteen_minutes(world: World) -> None:
    code = (await linking.issue_code(world.uow(), "71100002", NOW)).code
    actor = await world.person("telegram", 9201)
    for minute in range(5):
        with pytest.raises(Invalid) as refused:
            await linking.redeem_code(world.uow(), actor, "WRONG123",
                                      NOW + timedelta(minutes=minute))
        assert refused.value.code == "link-code-wrong"
    fifth = NOW + timedelta(minutes=4)
    for later, left in ((0, 15), (1, 14), (14, 1), (14.9, 1)):
        with pytest.raises(Invalid) as refused:  # even the right code waits
            await linking.redeem_code(world.uow(), actor, code, fifth + timedelta(minutes=later))
        assert (refused.value.code, refused.value.params) == ("link-code-limit",
                                                              {"minutes": left})
    linked = await linking.redeem_code(world.uow(), actor, code, fifth + timedelta(minutes=15))
    assert [o.code for o in linked.offices] == ["71100002"]


async def test_after_the_wait_five_more_tries_and_a_used_code_stays_used(world: World) -> None:
    actor = await world.person("bale", 9202)
    at = NOW
    for _ in range(5):
        with pytest.raises(Invalid):
            await linking.redeem_code(world.uow(), actor, "WRONG123", at)
    at += timedelta(minutes=15)
    for _ in range(4):  # a fresh count: four more wrong codes are answered as wrong
        with pytest.raises(Invalid) as refused:
            await linking.redeem_code(world.uow(), actor, "WRONG123", at)
        assert refused.value.code == "link-code-wrong"
    code = (await linking.issue_code(world.uow(), "71100002", at)).code
    other = await world.person("bale", 9203)
    await linking.redeem_code(world.uow(), other, code, at)
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), actor, code, at)
    assert refused.value.code == "link-code-used-by"
    expired = (await linking.issue_code(world.uow(), "16598445", NOW)).code
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), await world.person("bale", 9204), expired,
                                  NOW + timedelta(days=8))
    assert refused.value.code == "link-code-expired"


async def test_a_code_issued_for_the_old_holder_no_longer_links(world: World, tmp_path: Path
                                                               ) -> None:
    code = (await linking.issue_code(world.uow(), OFFICE, NOW)).code
    await registry.import_offices(world.uow(), _offices_file(tmp_path, holder_phone=NEW_HOLDER),
                                  now=NOW)
    with pytest.raises(Invalid) as refused:
        await linking.redeem_code(world.uow(), await world.person("bale", 9301), code, NOW)
    assert refused.value.code == "link-code-expired"
    assert await _links(world) == 0
