"""The period report: the four tables of `scoring.stats` as XLSX or CSV, and a chart of ranks.

- `write_xlsx`: one sheet per table, headers from `locales/<lang>/report.ftl`, right-to-left
  sheets in Persian, counts and percentages as numbers (not text) so that they can be summed;
- `write_csv`: one UTF-8 file per table (with a byte-order mark, so that Excel reads Persian);
- `write_rank_chart`: a PNG bar chart of ranks 1/2/3 per region, drawn with the bundled Vazirmatn
  font (SIL Open Font License, `documents/fonts/OFL.txt`), regions running from right to left as a
  Persian reader expects. matplotlib before 3.11 does not shape Arabic script, so there Persian
  labels are reshaped (arabic_reshaper) and reordered (python-bidi); 3.11 shapes text itself with
  libraqm, and reshaping again would reverse it (see `shape`).

A text cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) is written as
text: in XLSX a string cell with the quote prefix, in CSV after a leading `'` (OWASP's CSV
injection advice). A name comes from the registry's files, which are strangers' text.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from scoring.stats import (
    TOTAL_KEY,
    ParticipationRow,
    ParticipationTable,
    PeriodStats,
    RankRow,
    RankTable,
)
from scoring.text import to_persian_digits
from texts.i18n import Translator

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "Vazirmatn-Regular.ttf"
RANK_COLOURS = ("#1a9850", "#fdae61", "#d73027")  # rank 1 green, 2 amber, 3 red
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """A text a spreadsheet would run (or start to) rather than show."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def shown(name: str, lang: str) -> str:
    """A name as a Persian report shows it: the registry writes numbers in names with ASCII
    digits («ساری 8444»), a Persian page reads them in Persian digits; stored names are not
    changed, and codes (what a reader types or looks up) keep their digits."""
    return to_persian_digits(name) if lang == "fa" else name


def csv_cell(value: object) -> str:
    """A cell as CSV text; one that starts like a formula gets a leading `'`."""
    return "'" + value if looks_like_formula(value) else str(value)  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# Tables as rows


def table_rows(table: ParticipationTable | RankTable, lang: str = "fa",
               ) -> tuple[list[str], list[list[Any]]]:
    """A table's header and rows (the total row last), in the report's language."""
    t = Translator(lang)
    first = t("report-col-office-type" if table.by == "type" else "report-col-region")
    if isinstance(table, ParticipationTable):
        header = [first, t("report-col-registered"), t("report-col-declared"),
                  t("report-col-percent")]
        rows = [_participation_row(row, t, lang) for row in (*table.rows, table.total)]
        return header, rows
    ranks = range(1, table.ranks + 1)
    header = [first, *(t("report-col-rank", rank=r) for r in ranks), t("report-col-ranked"),
              *(t("report-col-rank-percent", rank=r) for r in ranks)]
    return header, [_rank_row(row, t, lang) for row in (*table.rows, table.total)]


def _label(row: ParticipationRow | RankRow, t: Translator, lang: str) -> str:
    return t("report-total") if row.key == TOTAL_KEY else shown(row.name(lang), lang)


def _participation_row(row: ParticipationRow, t: Translator, lang: str) -> list[Any]:
    return [_label(row, t, lang), row.registered, row.declared, row.percent]


def _rank_row(row: RankRow, t: Translator, lang: str) -> list[Any]:
    return [_label(row, t, lang), *row.counts, row.ranked, *row.percents]


def _sheet_name(name: str, table_name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return (name.strip() or table_name)[:31]  # Excel's limit


# ---------------------------------------------------------------------------------------------
# XLSX and CSV


def write_xlsx(stats: PeriodStats, path: str | Path, lang: str = "fa") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    t = Translator(lang)
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, table in stats.tables():
        sheet = workbook.create_sheet(_sheet_name(t(f"report-sheet-{name.replace('_', '-')}"),
                                                  name))
        sheet.sheet_view.rightToLeft = lang == "fa"
        header, rows = table_rows(table, lang)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for line in sheet.iter_rows():
            for cell in line:
                if looks_like_formula(cell.value):  # openpyxl made it a formula: text again
                    cell.data_type = "s"
                    cell.quotePrefix = True
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for cell in sheet[sheet.max_row]:  # the total row
            cell.font = bold
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.0"
        for i, title in enumerate(header, start=1):
            longest = max(len(str(title)), *(len(str(r[i - 1])) for r in rows))
            sheet.column_dimensions[get_column_letter(i)].width = min(40, max(10, longest + 4))
        sheet.freeze_panes = "B2"
    title = stats.period_fa if lang == "fa" else stats.period_en
    if title:
        workbook.properties.title = title
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_csv(stats: PeriodStats, folder_or_path: str | Path, lang: str = "fa") -> list[Path]:
    """One CSV per table. Given a folder, writes `<table>.csv` into it; given `name.csv`, writes
    `name-<table>.csv` beside it. Returns the paths written."""
    target = Path(folder_or_path)
    if target.suffix.lower() == ".csv":
        folder, stem = target.parent, target.stem + "-"
    else:
        folder, stem = target, ""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in stats.tables():
        header, rows = table_rows(table, lang)
        path = folder / f"{stem}{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([csv_cell(v) for v in header])
            writer.writerows([[csv_cell(v) for v in row] for row in rows])
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# The chart


def matplotlib_shapes_text() -> bool:
    """Whether matplotlib lays out complex scripts itself: from 3.11 it shapes and orders text
    with libraqm (and has the `text.language` setting); before, it draws letters one by one."""
    import matplotlib

    return "text.language" in matplotlib.rcParams


def shape(text: str) -> str:
    """Persian text as this matplotlib must be given it. An older matplotlib needs the letters
    joined (arabic_reshaper) and put in visual order (python-bidi); one that shapes by itself
    needs the text as it is, or it would reverse it a second time."""
    if matplotlib_shapes_text():
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


def write_rank_chart(stats: PeriodStats, path: str | Path, lang: str = "fa") -> Path:
    """Bars of ranks 1, 2, 3 for each region, with the count over each bar."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    t = Translator(lang)
    persian = lang == "fa"

    def text(value: str) -> str:
        return shape(value) if persian else value

    def number(value: float | int) -> str:
        shown = f"{int(value):,}"
        return to_persian_digits(shown.replace(",", "٬")) if persian else shown

    font = font_manager.FontProperties(fname=str(FONT_PATH), size=11)
    small = font_manager.FontProperties(fname=str(FONT_PATH), size=8)
    title_font = font_manager.FontProperties(fname=str(FONT_PATH), size=14)
    table = stats.ranks_by_region
    rows: Sequence[RankRow] = table.rows
    ranks = table.ranks
    width = 0.8 / ranks
    figure, axes = plt.subplots(figsize=(max(8.0, 1.3 * len(rows) + 2), 5.5), dpi=150)
    try:
        for r in range(ranks):
            xs = [i + (r - (ranks - 1) / 2) * width for i in range(len(rows))]
            heights = [row.counts[r] for row in rows]
            bars = axes.bar(xs, heights, width * 0.95, color=RANK_COLOURS[r % 3],
                            label=text(t("report-chart-rank", rank=r + 1)))
            for bar, height in zip(bars, heights, strict=True):
                axes.annotate(number(height), (bar.get_x() + bar.get_width() / 2, height),
                              xytext=(0, 2), textcoords="offset points", ha="center",
                              va="bottom", fontproperties=small)
        label_axes(axes, t, [shown(row.name(lang), lang) for row in rows], font, number)
        period = stats.period_fa if persian else stats.period_en
        title = t("report-chart-title") + (f" — {period}" if period else "")
        axes.set_title(text(title), fontproperties=title_font, pad=12)
        axes.legend(prop=font, loc="upper left" if persian else "upper right", frameon=False,
                    markerfirst=not persian)
        axes.spines[["top", "left" if persian else "right"]].set_visible(False)
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
        return save_figure(figure, axes, path)
    finally:
        plt.close(figure)


def save_figure(figure: Any, axes: Any, path: str | Path) -> Path:
    """Room above the bars for their counts, laid out tight, written as PNG."""
    axes.margins(y=0.12)
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path


def label_axes(axes: Any, t: Translator, names: Sequence[str], font: Any,
               number: Any) -> None:
    """Group names under the bars (the first on the right in Persian, with the count axis on
    the right), whole counts in the reader's digits, the count axis named."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    persian = t.lang == "fa"
    text = shape if persian else str
    axes.set_xticks(range(len(names)))
    axes.set_xticklabels([text(name) for name in names], fontproperties=font)
    if persian:
        axes.invert_xaxis()  # the first region on the right
        axes.yaxis.tick_right()
        axes.yaxis.set_label_position("right")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    for label in axes.get_yticklabels():
        label.set_fontproperties(font)
    axes.set_ylabel(text(t("report-chart-y")), fontproperties=font)
