"""A file import's report for the command line in the operator's language: the counts, then
one line per rejected row (its column by the name the file's headers use in that language,
its reason from the catalog)."""

from __future__ import annotations

from storage.registry import OFFICE_COLUMNS, REGION_COLUMNS, ImportReport
from texts.association import COLUMNS, column_name, row_reason
from texts.i18n import Markup, Translator

__all__ = ["import_lines"]

_HEADERS = {**REGION_COLUMNS, **OFFICE_COLUMNS}


def _column(t: Translator, column: str) -> str:
    if column in COLUMNS:
        return column_name(t, column)
    names = _HEADERS.get(column)
    if names is None:
        return column
    return names[1] if t.lang == "fa" else names[0]


def import_lines(t: Translator, report: ImportReport, what: str, dry_run: bool,
                 limit: int = 200) -> list[str]:
    """`what`: regions, offices, association or satisfaction."""
    summary = t("import-summary", what=t(f"import-what-{what}"), inserted=report.inserted,
                updated=report.updated, unchanged=report.unchanged,
                rejected=report.rejected_rows)
    lines = [summary + (" " + t("import-dry-run") if dry_run else "")]
    lines += [t("import-row", row=e.row, column=_column(t, e.column),
                reason=Markup(row_reason(t, e))) for e in report.rejected[:limit]]
    if len(report.rejected) > limit:
        lines.append(t("import-more", count=len(report.rejected) - limit))
    return lines
