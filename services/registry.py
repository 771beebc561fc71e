"""The registry: regions with their provinces, and the offices, imported from the regulator's
files (CSV or XLSX, English or Persian headers).

Every row is validated before anything is written; a file with a bad row writes nothing unless
the caller asks to skip bad rows (`skip_bad`), and a dry run only reports. The rows are written
in one transaction, so the running bot reads the old registry or the new one, never half; two
imports at once run one after the other (the second finds the first's rows unchanged).
Names are stored as registered (see `storage.registry`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from services.errors import Invalid
from services.uow import UnitOfWork
from storage import registry
from storage.exclusive import serialize
from storage.registry import ImportReport

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
                         ) -> ImportReport:
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
        await uow.commit()
    report.written = True
    return report
