"""A file's cells as a stranger wrote them: a row the CSV reader cannot read (a field over its
limit, a quote left open), a cell longer than `MAX_CELL` or one with a NUL byte is one bad row
(`row_problem`), and a value quoted in a reason is cut to a few dozen characters (`shown`), so
an import's report has one short line per bad row whatever the file holds. Used by the registry
and scores imports (`storage.registry.read_table`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

MAX_CELL = 1000  # no registry or scores cell is longer; the columns hold at most 200
_PROBLEM = "\x00problem"  # a key no header can be (headers never hold a NUL)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based, the header being row 1, as a spreadsheet shows it
    column: str
    reason: str  # in English, for the command line
    code: str = ""  # a catalog key saying the same in the reader's language, when there is one
    params: tuple[tuple[str, object], ...] = ()  # its variables



def shown(value: str, limit: int = 40, *, quote: bool = True) -> str:
    """A value for a reason: quoted, cut to `limit` characters, its length when longer."""
    text = repr(value[:limit]) if quote else value[:limit]
    return text if len(value) <= limit else f"{text}… ({len(value):,} characters)"


def row_problem(row: dict[str, str], number: int) -> RowError | None:
    """Why row `number` of `read_table` could not be read at all; None for a readable row."""
    problem = row.get(_PROBLEM)
    if problem is None:
        return None
    column, reason, *keyed = problem.split("\x00")
    if len(keyed) == 2:  # a catalog key and its variables
        return RowError(number, column, reason, keyed[0], tuple(json.loads(keyed[1]).items()))
    return RowError(number, column, reason)


def unreadable(header: list[str], column: str, reason: str, key: str = "",
               **params: object) -> dict[str, str]:
    """A bad row in its place: every column empty, and why (in English, and as a catalog key
    with its variables when given)."""
    problem = f"{column}\x00{reason}"
    if key:
        problem += f"\x00{key}\x00{json.dumps(params, ensure_ascii=False)}"
    return {**{name: "" for name in header if name}, _PROBLEM: problem}


def checked(header: list[str], values: list[str]) -> dict[str, str]:
    for i, value in enumerate(values):
        column = header[i] if i < len(header) and header[i] else f"#{i + 1}"
        if len(value) > MAX_CELL:
            return unreadable(header, column,
                              f"{len(value):,} characters (at most {MAX_CELL:,})",
                              "row-cell-too-long", length=len(value), max=MAX_CELL)
        if "\x00" in value:
            return unreadable(header, column, "contains a NUL character", "row-cell-nul")
    return {header[i]: (values[i].strip() if i < len(values) else "")
            for i in range(len(header)) if header[i]}


class Unreadable(list):  # type: ignore[type-arg]
    """A CSV row the reader refused: its reason stands in for its cells."""

    def __init__(self, reason: str) -> None:
        super().__init__([""])
        self.reason = reason
