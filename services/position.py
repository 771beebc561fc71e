"""Where the owner is in the wizard, as a value: a question, the files of a question, or the
name of a staff member being changed.

The draft stores it as a short string in `Declaration.current_item` (no migration): a plain
indicator key for a question, `ev:<key>` while files are awaited, `sr:<index>` while a staff
member is being renamed. `Position.parse` reads it back, `str(position)` writes it; nothing
else splits those strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PositionKind = Literal["question", "evidence", "staff"]

_EVIDENCE, _STAFF = "ev:", "sr:"


@dataclass(frozen=True, slots=True)
class Position:
    kind: PositionKind
    key: str = ""  # the indicator's key (question, evidence)
    index: int = -1  # the staff member's place in the list (staff)

    @classmethod
    def question(cls, key: str) -> Position:
        return cls("question", key)

    @classmethod
    def evidence(cls, key: str) -> Position:
        return cls("evidence", key)

    @classmethod
    def staff(cls, index: int) -> Position:
        return cls("staff", index=index)

    @classmethod
    def parse(cls, stored: str | None) -> Position | None:
        """The stored string read back; None for none (the review, or not started). A staff
        position whose index is not a number is None too: nothing the owner can be on."""
        if not stored:
            return None
        if stored.startswith(_EVIDENCE):
            return cls.evidence(stored[len(_EVIDENCE):])
        if stored.startswith(_STAFF):
            index = stored[len(_STAFF):]
            return cls.staff(int(index)) if index.isdigit() else None
        return cls.question(stored)

    def __str__(self) -> str:
        if self.kind == "evidence":
            return f"{_EVIDENCE}{self.key}"
        if self.kind == "staff":
            return f"{_STAFF}{self.index}"
        return self.key

    @property
    def is_question(self) -> bool:
        return self.kind == "question"

    @property
    def is_evidence(self) -> bool:
        return self.kind == "evidence"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"


def stored(position: Position | None) -> str | None:
    """What `Declaration.current_item` holds for a position (None: the review)."""
    return None if position is None else str(position)
