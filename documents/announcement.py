"""The announcement's split of ranks by source (declared / carried forward / minimum without
data) as rows, XLSX sheets and a stacked-bar chart; and the per-office results as rows.

The rows are what the command line and the web console write (`documents.tables`); numbers stay
numbers. The chart uses the bundled Vazirmatn font, Persian labels shaped as in
`documents.reports`, Persian digits and regions from right to left in Persian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from documents.reports import FONT_PATH, label_axes, save_figure, shape, shown
from scoring.rubric import OFFICE_TYPE_TITLES
from scoring.sources import SOURCES, SourceRow, SourceTable
from scoring.stats import TOTAL_KEY
from scoring.text import to_persian_digits
from texts.i18n import Translator

SOURCE_COLOURS = ("#1a9850", "#4575b4", "#bdbdbd")  # declared, carried forward, minimum


def source_rows(table: SourceTable, lang: str = "fa") -> tuple[list[str], list[list[Any]]]:
    """Header and rows (total last): group, registered, ranked, then for each source its count
    and the count of each rank."""
    t = Translator(lang)
    header = [t("report-col-office-type" if table.by == "type" else "report-col-region"),
              t("report-col-registered"), t("report-col-ranked")]
    for source in SOURCES:
        name = t(f"stats-source-{source}")
        header.append(name)
        header += [t("stats-source-rank", source=name, rank=r + 1)
                   for r in range(table.rank_count)]

    def row(r: SourceRow) -> list[Any]:
        label = t("report-total") if r.key == TOTAL_KEY else shown(r.name(lang), lang)
        cells: list[Any] = [label, r.registered, r.ranked]
        for s in range(len(SOURCES)):
            cells.append(r.counts[s])
            cells += list(r.ranks[s])
        return cells

    return header, [row(r) for r in (*table.rows, table.total)]


def _type_name(office_type: str, lang: str) -> str:
    fa, en = OFFICE_TYPE_TITLES.get(office_type, (office_type, office_type))
    return fa if lang == "fa" else en


def office_rows(results: Any, lang: str = "fa") -> tuple[list[str], list[list[Any]]]:
    """`services.statistics.OfficeResults` as the export's header and rows."""
    t = Translator(lang)
    header = [t("stats-col-code"), t("stats-col-name"), t("report-col-region"),
              t("report-col-office-type"), t("stats-col-source")]
    header += [c.title_fa if lang == "fa" else c.title_en for c in results.columns]
    header += [t("stats-col-negatives"), t("stats-col-association"),
               t("stats-col-satisfaction"), t("stats-col-total"), t("stats-col-rank")]
    rows = []
    for line in results.lines:
        rows.append([line.code, shown(line.name, lang),
                     shown(line.region_fa, lang) if lang == "fa" else line.region_en,
                     _type_name(line.office_type, lang), t(f"stats-source-{line.source}"),
                     *(line.indicators.get(c.key) for c in results.columns),
                     line.negatives, line.association, line.satisfaction, line.total,
                     line.rank])
    return header, rows


def write_source_chart(table: SourceTable, path: str | Path, lang: str = "fa",
                       title: str = "") -> Path:
    """Stacked bars per group: offices ranked on declarations, carried forward, minimum."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    t = Translator(lang)
    persian = lang == "fa"

    def text(value: str) -> str:
        return shape(value) if persian else value

    def number(value: float) -> str:
        shown = f"{int(value):,}"
        return to_persian_digits(shown.replace(",", "٬")) if persian else shown

    font = font_manager.FontProperties(fname=str(FONT_PATH), size=11)
    title_font = font_manager.FontProperties(fname=str(FONT_PATH), size=14)
    rows = table.rows
    figure, axes = plt.subplots(figsize=(max(8.0, 1.1 * len(rows) + 2), 5.5), dpi=150)
    try:
        bottoms = [0] * len(rows)
        for s, source in enumerate(SOURCES):
            heights = [row.counts[s] for row in rows]
            axes.bar(range(len(rows)), heights, 0.7, bottom=bottoms, color=SOURCE_COLOURS[s],
                     label=text(t(f"stats-source-{source}")))
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        for i, height in enumerate(bottoms):
            axes.annotate(number(height), (i, height), xytext=(0, 2), ha="center",
                          textcoords="offset points", va="bottom", fontproperties=font)
        label_axes(axes, t, [shown(row.name(lang), lang) for row in rows], font, number)
        heading = t("stats-chart-title") + (f" — {title}" if title else "")
        axes.set_title(text(heading), fontproperties=title_font, pad=12)
        # Under the axes, so that it never covers a bar's count.
        handles, labels = axes.get_legend_handles_labels()
        if persian:  # read from the right: declared first
            handles, labels = handles[::-1], labels[::-1]
        axes.legend(handles, labels, prop=font, loc="upper center", bbox_to_anchor=(0.5, -0.1),
                    ncol=3, frameon=False, markerfirst=not persian)
        return save_figure(figure, axes, path)
    finally:
        plt.close(figure)


def add_source_sheets(path: str | Path, sources: Any, lang: str = "fa") -> Path:
    """Append the two source sheets (by type, by region) to the report's workbook."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    t = Translator(lang)
    path = Path(path)
    workbook = load_workbook(path)
    for key, table in (("by-type", sources.by_type), ("by-region", sources.by_region)):
        sheet = workbook.create_sheet(t(f"stats-sheet-sources-{key}")[:31])
        sheet.sheet_view.rightToLeft = lang == "fa"
        header, rows = source_rows(table, lang)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for cell in (*sheet[1], *sheet[sheet.max_row]):
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
    workbook.save(path)
    return path
