"""One plain table (a header and rows) as an XLSX sheet or a CSV file: the audit log's export
and the per-office results. Text that starts like a formula stays text (`documents.reports`)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from documents.reports import csv_cell, looks_like_formula


def write_table_csv(header: Sequence[str], rows: Sequence[Sequence[Any]], path: str | Path
                    ) -> Path:
    """UTF-8 with a byte-order mark, so that Excel reads Persian."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_cell(v) for v in header])
        writer.writerows([["" if v is None else csv_cell(v) for v in row] for row in rows])
    return path


def write_table_xlsx(header: Sequence[str], rows: Sequence[Sequence[Any]], path: str | Path, *,
                     sheet: str, rtl: bool, title: str = "") -> Path:
    """One sheet, bold header, numbers as numbers, right to left for Persian."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet[:31]
    ws.sheet_view.rightToLeft = rtl
    ws.append(list(header))
    for row in rows:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if looks_like_formula(cell.value):  # openpyxl made it a formula: text again
                cell.data_type = "s"
                cell.quotePrefix = True
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[i - 1])) for r in rows[:500]])
        ws.column_dimensions[get_column_letter(i)].width = min(50, max(8, longest + 2))
    ws.freeze_panes = "A2"
    if title:
        workbook.properties.title = title
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_table(header: Sequence[str], rows: Sequence[Sequence[Any]], path: str | Path, *,
                sheet: str, rtl: bool, title: str = "") -> Path:
    """XLSX or CSV by the file's extension."""
    if Path(path).suffix.lower() == ".csv":
        return write_table_csv(header, rows, path)
    return write_table_xlsx(header, rows, path, sheet=sheet, rtl=rtl, title=title)
