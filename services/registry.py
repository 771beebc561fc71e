"""The registry: regions with their provinces, and the offices, imported from the regulator's
files (CSV or XLSX, English or Persian headers).

Every row is validated before anything is written; a file with a bad row writes nothing unless
the caller asks to skip bad rows (`skip_bad`), and a dry run only reports. The rows are written
in one transaction, so the running bot reads the old registry or the new one, never half; two
imports at once run one after the other (the second finds the first's rows unchanged).
Names are stored as registered (see `storage.registry`).

An office whose licence holder changes (another number or another name) is no longer the old
holder's: in the same transaction every account linked to it is unlinked, unless its own proven
number is the new holder's, each unlink audited, and the office's unused link codes end; the
unlinked accounts are told, and so are the accounts whose number is the new holder's (they link
it with their contact, as any owner).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from services.errors import Invalid
from services.uow import UnitOfWork
from storage import linking, registry
from storage.admin import audit
from storage.exclusive import serialize
from storage.outbox import notify
from storage.registry import HolderChange, ImportReport

__all__ = ["ImportReport", "import_offices", "import_regions"]

# Regions and offices: an import of either waits for any other to finish.
LOCK = "registry"
T = TypeVar("T")


def _table(path: Path) -> list[dict[str, str]]:
    return _validated(lambda: registry.read_table(path))


def _validated(validate: Callable[[], T]) -> T:
    """What `validate` returns; a file that cannot be read is refused with its reason."""
    try:
        return validate()
    except registry.RegistryFileError as error:
        raise Invalid(error.code, **error.params) from error


async def import_regions(uow: UnitOfWork, path: Path, *, dry_run: bool = False
                         ) -> ImportReport:
    """Regions and the provinces each includes (region_code, region_name, region_name_en,
    seat, province). Refusals: the `registry-…` codes of a file that cannot be read."""
    valid = _validated(lambda: registry.validate_region_rows(_table(path)))
    report = ImportReport(rejected=list(valid.rejected))
    if report.rejected or dry_run:
        return report
    async with uow:
        await serialize(uow.session, LOCK)
        report.inserted, report.updated, report.unchanged = await registry.write_regions(
            uow.session, valid)
        await uow.commit()
    report.written = True
    return report


async def import_offices(uow: UnitOfWork, path: Path, *, skip_bad: bool = False,
                         dry_run: bool = False, progress: Callable[[int], None] | None = None,
                         by: str = "cli", now: datetime | None = None) -> ImportReport:
    """Offices upserted by office code. Refusals: `registry-no-regions` before any regions
    were imported, and the `registry-…` codes of a file that cannot be read."""
    rows = _table(path)
    async with uow:
        regions, provinces = await registry.registered_regions(uow.session)
        if not regions:
            raise Invalid("registry-no-regions")
        good, errors = _validated(
            lambda: registry.validate_office_rows(rows, regions, provinces, progress))
        report = ImportReport(rejected=errors)
        writing = not dry_run and (skip_bad or not errors)
        if writing:
            await serialize(uow.session, LOCK)
        plan = await registry.plan_offices(uow.session, good)
        report.inserted, report.updated = len(plan.inserts), len(plan.updates)
        report.unchanged = plan.unchanged
        if not writing:
            return report
        await registry.write_offices(uow.session, plan)
        report.unlinked = await _release_former_holders(uow, plan.holder_changes, by,
                                                        now or datetime.now(UTC))
        await uow.commit()
    report.written = True
    return report


async def _release_former_holders(uow: UnitOfWork, changes: list[HolderChange], by: str,
                                  now: datetime) -> int:
    """Unlink the accounts linked through the former holders, tell them, and tell the new
    holders' accounts; how many links went."""
    unlinked = 0
    for change in changes:
        await linking.revoke_codes(uow.session, change.office_id, now)
        for held in await linking.list_links(uow.session, office_id=change.office_id):
            if held.phone is not None and held.phone == change.new_phone:
                continue  # this account proves to be the new holder: it keeps the office
            via = await linking.unlink(uow.session, held.account_id, change.office_id)
            if via is None:
                continue
            unlinked += 1
            await audit(uow.session, actor=by, action="account.unlink", entity="account",
                        entity_id=held.account_id, reason="holder-changed",
                        old={"office_id": change.office_id, "via": via})
            await notify(uow.session, held, "link-holder-changed-notice",
                         name=change.name, code=change.code)
        linked = {held.account_id for held in await linking.list_links(
            uow.session, office_id=change.office_id)}
        for account in await linking.accounts_with_phone(uow.session, change.new_phone):
            if account.id not in linked:
                await notify(uow.session, account, "link-holder-new-notice",
                             name=change.name, code=change.code)
    return unlinked
