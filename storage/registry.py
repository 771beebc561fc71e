"""The registry's files and rows: regions with their provinces, and offices.

Files are CSV (UTF-8, with or without BOM) or XLSX, with English headers or the Persian headers
of the regulator's own export. Reading and validating a file needs no database; the repository
functions here read and write rows and never commit: `services.registry` runs an import (every
row validated before anything is written, one transaction, one import at a time). Offices are
upserted by office code in a few bulk statements.

Names (of offices, cities, holders, regions, provinces) are stored as registered, with the
zero-width non-joiner Persian words are written with (خمینی‌شهر); only Arabic ي/ك become the
Persian letters and stray direction marks go (`clean_name`). Normalising (`normalize_persian`,
which drops the non-joiner) is for matching: headers, office types, a province against the
regions file's.

A file is a stranger's text: a row that cannot be read, a cell too long or with a NUL byte is
one short line of the report (`storage.cells`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.text import (
    PhoneError,
    clean_name,
    normalize_persian,
    normalize_phone,
    to_ascii_digits,
)
from storage.cells import (
    MAX_CELL,
    RowError,
    Unreadable,
    checked,
    row_problem,
    shown,
    unreadable,
)
from storage.models import Office, Province, Region

OFFICE_COLUMNS = {
    "office_code": ("office_code", "کد دفتر"),
    "office_name": ("office_name", "نام دفتر"),
    "office_type": ("office_type", "نوع دفتر"),
    "region_code": ("region_code", "کد منطقه"),
    "province": ("province", "استان"),
    "city": ("city", "شهر"),
    "holder_name": ("holder_name", "نام دارنده پروانه"),
    "holder_phone": ("holder_phone", "تلفن همراه دارنده پروانه"),
}
REGION_COLUMNS = {
    "region_code": ("region_code", "کد منطقه"),
    "region_name": ("region_name", "نام منطقه"),
    "region_name_en": ("region_name_en", "نام انگلیسی منطقه"),
    "seat": ("seat", "مرکز"),
    "province": ("province", "استان"),
}
OFFICE_TYPES = {"urban": "urban", "شهری": "urban", "rural_ict": "rural_ict",
                "روستایی": "rural_ict", "ict روستایی": "rural_ict"}
_FIELDS = ("name", "office_type", "region_code", "province", "city", "holder_name",
           "holder_phone")


def _text(value: str) -> tuple[tuple[str, object], ...]:
    """A cell quoted in a reason's catalog message: cut to a few dozen characters."""
    return (("text", shown(value, quote=False)),)


def match_key(text: str) -> str:
    """What two spellings of one name have in common, for comparing them (never stored)."""
    return normalize_persian(text).lower()


class RegistryFileError(ValueError):
    """The file as a whole cannot be read: wrong encoding, no rows, missing columns.

    `code` names the catalog message that says so and `params` are its variables; `str()` is
    the same in English, for the callers that show it as it is."""

    def __init__(self, message: str, code: str = "registry-file", /, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, object] = params or {"reason": message}


@dataclass(slots=True)
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    written: bool = False
    unlinked: int = 0  # accounts no longer linked: the registry names another holder

    @property
    def rejected_rows(self) -> int:
        return len({error.row for error in self.rejected})


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by the header cells, values as stripped text.
    A row that cannot be read is kept in its place for `row_problem` to name."""
    if not path.exists():
        raise RegistryFileError(f"no such file: {path}", "registry-no-file", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    else:
        rows = _read_csv(path.read_bytes())
    if not rows:
        raise RegistryFileError(f"{path.name}: the file has no rows", "registry-no-rows",
                                name=path.name)
    if isinstance(rows[0], Unreadable) or any(len(cell) > MAX_CELL for cell in rows[0]):
        raise RegistryFileError(f"{path.name}: the header row cannot be read",
                                "registry-no-rows", name=path.name)
    header = [match_key(cell) if cell else "" for cell in rows[0]]
    table = []
    for values in rows[1:]:
        if isinstance(values, Unreadable):
            table.append(unreadable(header, "row", values.reason))
            continue
        if not any(cell.strip() for cell in values):
            continue
        table.append(checked(header, values))
    if not table:
        raise RegistryFileError(f"{path.name}: the file has a header but no data rows",
                                "registry-no-data", name=path.name)
    return table


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryFileError(
            f"the file is not UTF-8 (byte {exc.start}); save it as «CSV UTF-8» and try again",
            "registry-not-utf8", byte=str(exc.start)) from exc
    reader, rows = csv.reader(io.StringIO(text)), []
    while True:
        try:
            rows.append(next(reader))
        except StopIteration:
            return rows
        except csv.Error as error:  # the reader goes on at the next line
            rows.append(Unreadable(f"cannot be read as CSV ({str(error)[:80]})"))


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise RegistryFileError(f"{path.name}: not a readable XLSX file ({exc})",
                                "registry-not-xlsx", name=path.name, reason=str(exc)) from exc
    sheet = workbook.worksheets[0]
    rows = [["" if cell is None else _cell_text(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _columns(rows: list[dict[str, str]], spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map our column names to the file's headers; every column is required."""
    headers = set(rows[0])
    found, missing, missing_fa = {}, [], []
    for name, aliases in spec.items():
        match = next((match_key(a) for a in aliases if match_key(a) in headers), None)
        if match is None:
            missing.append(f"{aliases[0]} ({aliases[1]})")
            missing_fa.append(aliases[1])
        else:
            found[name] = match
    if missing:
        columns = ", ".join(missing)
        raise RegistryFileError(f"missing columns: {columns}", "registry-missing-columns",
                                columns=columns, columns_fa="، ".join(missing_fa))
    return found


# --- regions ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RegionRows:
    """A regions file, validated: the regions by code, each province's region, the bad rows."""

    regions: dict[int, dict[str, str]]
    provinces: dict[str, int]
    rejected: list[RowError]


def validate_region_rows(rows: list[dict[str, str]]) -> RegionRows:
    cols = _columns(rows, REGION_COLUMNS)
    rejected: list[RowError] = []
    regions: dict[int, dict[str, str]] = {}
    provinces: dict[str, int] = {}
    spelled: dict[str, str] = {}  # a province's match key → its name as first written
    for number, row in enumerate(rows, start=2):
        problem = row_problem(row, number)
        if problem is not None:
            rejected.append(problem)
            continue
        raw_code = to_ascii_digits(row[cols["region_code"]])
        if not raw_code.isdigit() or len(raw_code) > 6:
            rejected.append(RowError(number, "region_code", f"not a number: {shown(raw_code)}",
                                     "assoc-row-number", _text(raw_code)))
            continue
        code = int(raw_code)
        province = clean_name(row[cols["province"]])
        if not province:
            rejected.append(RowError(number, "province", "empty", "assoc-row-empty"))
            continue
        names = {"province": province, "region_name": clean_name(row[cols["region_name"]]),
                 "region_name_en": row[cols["region_name_en"]].strip(),
                 "seat": clean_name(row[cols["seat"]])}
        too_long = [name for name, value in names.items() if len(value) > 100]
        if too_long:
            length = len(names[too_long[0]])
            rejected.append(RowError(number, too_long[0], f"{length:,} characters (at most 100)",
                                     "registry-row-too-long",
                                     (("length", length), ("max", 100))))
            continue
        province = spelled.setdefault(match_key(province), province)
        if province in provinces and provinces[province] != code:
            reason = f"{shown(province)} is already in region {provinces[province]}"
            rejected.append(RowError(number, "province", reason, "registry-row-province-taken",
                                     (("province", province),
                                      ("region", provinces[province]))))
            continue
        provinces[province] = code
        regions[code] = {"name_fa": clean_name(row[cols["region_name"]]),
                         "name_en": row[cols["region_name_en"]].strip(),
                         "seat": clean_name(row[cols["seat"]])}
    return RegionRows(regions, provinces, rejected)


async def write_regions(session: AsyncSession, valid: RegionRows) -> tuple[int, int, int]:
    """Insert or update the regions and their provinces: (inserted, updated, unchanged)
    regions. Flushes; the caller commits."""
    inserted = updated = unchanged = 0
    existing = {r.code: r for r in (await session.scalars(select(Region))).all()}
    for code, values in sorted(valid.regions.items()):
        region = existing.get(code)
        if region is None:
            session.add(Region(code=code, **values))
            inserted += 1
        elif any(getattr(region, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(region, key, value)
            updated += 1
        else:
            unchanged += 1
    await session.flush()
    # A province is the key staff roles point to: one spelled differently from before (a mark
    # more or less) is the same province and keeps its name.
    known = {match_key(p.name): p for p in (await session.scalars(select(Province))).all()}
    for name, code in valid.provinces.items():
        province = known.get(match_key(name))
        if province is None:
            session.add(Province(name=name, region_code=code))
        elif province.region_code != code:
            province.region_code = code
    await session.flush()
    return inserted, updated, unchanged


# --- offices ---------------------------------------------------------------------------------

async def registered_regions(session: AsyncSession) -> tuple[set[int], dict[str, int]]:
    """The region codes, and each registered province's region."""
    regions = set((await session.scalars(select(Region.code))).all())
    provinces = dict((await session.execute(select(Province.name, Province.region_code))).all())
    return regions, provinces
def validate_office_rows(rows: list[dict[str, str]], regions: set[int],
                         provinces: dict[str, int],
                         progress: Callable[[int], None] | None = None,
                         ) -> tuple[dict[str, dict[str, object]], list[RowError]]:
    """Validated office values keyed by code, and the errors of the rows that failed.
    `provinces` are the registered ones (name → region): an office's province is stored under
    its registered name, however the row spells it."""
    cols = _columns(rows, OFFICE_COLUMNS)
    registered = {match_key(name): name for name in provinces}
    good: dict[str, dict[str, object]] = {}
    first_row: dict[str, int] = {}
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=2):
        if progress and number % 500 == 0:
            progress(500)
        problem = row_problem(row, number)
        if problem is not None:
            errors.append(problem)
            continue
        row_errors: list[RowError] = []

        def bad(column: str, reason: str, key: str, _n: int = number, _e: list = row_errors,
                **params: object) -> None:
            _e.append(RowError(_n, column, reason, key, tuple(params.items())))

        code = to_ascii_digits(row[cols["office_code"]]).strip()
        if not code.isdigit() or len(code) > 20:
            if code:
                bad("office_code", f"not a numeric code: {shown(code)}", "registry-row-code",
                    **dict(_text(code)))
            else:
                bad("office_code", "empty", "assoc-row-empty")
        elif code in first_row:
            bad("office_code", f"duplicate code {code} (first on row {first_row[code]})",
                "assoc-row-duplicate", code=code, first=first_row[code])
        name = clean_name(row[cols["office_name"]])
        if not name:
            bad("office_name", "empty", "assoc-row-empty")
        raw_type = match_key(row[cols["office_type"]])
        office_type = OFFICE_TYPES.get(raw_type)
        if office_type is None:
            bad("office_type", f"unknown type {shown(raw_type)} (urban/rural_ict, شهری/روستایی)",
                "registry-row-type", **dict(_text(raw_type)))
        raw_region = to_ascii_digits(row[cols["region_code"]]).strip()
        region = int(raw_region) if raw_region.isdigit() and len(raw_region) < 10 else None
        if region is None or region not in regions:
            bad("region_code", f"unknown region {shown(raw_region)}", "registry-row-region",
                **dict(_text(raw_region)))
        written = clean_name(row[cols["province"]])
        province = registered.get(match_key(written), written)
        if province not in provinces:
            bad("province", f"unknown province {shown(province)}", "registry-row-province",
                **dict(_text(province)))
        elif region is not None and region in regions and provinces[province] != region:
            bad("province", f"{province} belongs to region {provinces[province]}, not {region}",
                "registry-row-province-region", province=province,
                region=provinces[province], other=region)
        city = clean_name(row[cols["city"]])
        if not city:
            bad("city", "empty", "assoc-row-empty")
        holder = clean_name(row[cols["holder_name"]])
        if not holder:
            bad("holder_name", "empty", "assoc-row-empty")
        try:
            phone = normalize_phone(row[cols["holder_phone"]])
        except PhoneError:
            phone = ""
            bad("holder_phone", f"not a mobile number: {shown(row[cols['holder_phone']])}",
                "registry-row-phone", **dict(_text(row[cols["holder_phone"]])))
        for column, value, longest in (("office_name", name, 200), ("city", city, 100),
                                       ("holder_name", holder, 200)):
            if len(value) > longest:
                bad(column, f"{len(value):,} characters (at most {longest})",
                    "registry-row-too-long", length=len(value), max=longest)
        if code.isdigit() and code not in first_row:
            first_row[code] = number
        if row_errors:
            errors.extend(row_errors)
            continue
        good[code] = {"name": name, "office_type": office_type, "region_code": region,
                      "province": province, "city": city, "holder_name": holder,
                      "holder_phone": phone}
    return good, errors


@dataclass(frozen=True, slots=True)
class HolderChange:
    """An office whose licence holder the file changes (another number, or another name)."""

    office_id: int
    code: str
    name: str
    old_phone: str
    new_phone: str


@dataclass(frozen=True, slots=True)
class OfficePlan:
    """What writing validated offices would change: rows to insert, rows to update (with their
    ids), how many are the same already, and the offices whose holder changes."""

    inserts: list[dict[str, object]]
    updates: list[dict[str, object]]
    unchanged: int
    holder_changes: list[HolderChange] = field(default_factory=list)


async def plan_offices(session: AsyncSession, good: dict[str, dict[str, object]]
                       ) -> OfficePlan:
    existing = {row.code: row for row in (await session.execute(
        select(Office.id, Office.code, *(getattr(Office, f) for f in _FIELDS)))).all()}
    inserts, updates, unchanged, holders = [], [], 0, []
    for code, values in good.items():
        old = existing.get(code)
        if old is None:
            inserts.append({"code": code, **values})
        elif any(getattr(old, f) != values[f] for f in _FIELDS):
            updates.append({"id": old.id, **values})
            if old.holder_phone != values["holder_phone"] or \
                    match_key(old.holder_name) != match_key(str(values["holder_name"])):
                holders.append(HolderChange(old.id, code, str(values["name"]),
                                            old.holder_phone, str(values["holder_phone"])))
        else:
            unchanged += 1
    return OfficePlan(inserts, updates, unchanged, holders)


async def write_offices(session: AsyncSession, plan: OfficePlan) -> None:
    """The plan's inserts and updates, a few bulk statements; the caller commits."""
    for chunk in _chunks(plan.inserts, 2000):
        await session.execute(insert(Office), chunk)
    for chunk in _chunks(plan.updates, 2000):
        await session.execute(update(Office), chunk)


def _chunks(items: list[dict[str, object]], size: int) -> Iterable[list[dict[str, object]]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
