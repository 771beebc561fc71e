"""The life of a declaration: draft → submitted → (returned → submitted)* → confirmed → published.

An owner who edits a submitted declaration before the window closes takes it back to draft until
they submit it again (a new version).

`TRANSITIONS` is the one table of legal moves; `storage` enforces it (and writes an audit row for
each move), the handlers ask `can_transition` before offering a button. `ACTORS` says whose action
each move is, for the audit text and for permission checks.
"""

from __future__ import annotations

from enum import StrEnum


class DeclarationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    PUBLISHED = "published"


S = DeclarationStatus

INITIAL = S.DRAFT

TRANSITIONS: dict[DeclarationStatus, frozenset[DeclarationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),  # the owner submits
    # the region returns it or confirms it; or the owner reopens it to edit before the close
    S.SUBMITTED: frozenset({S.RETURNED, S.CONFIRMED, S.DRAFT}),
    S.RETURNED: frozenset({S.SUBMITTED}),  # the owner corrects and submits again
    # headquarters publishes the period's results, or reopens it for the region (with a reason)
    S.CONFIRMED: frozenset({S.PUBLISHED, S.SUBMITTED}),
    S.PUBLISHED: frozenset(),
}

# Who makes each move: "owner", "reviewer" (the office's region) or "hq".
ACTORS: dict[tuple[DeclarationStatus, DeclarationStatus], str] = {
    (S.DRAFT, S.SUBMITTED): "owner",
    (S.SUBMITTED, S.RETURNED): "reviewer",
    (S.SUBMITTED, S.CONFIRMED): "reviewer",
    (S.SUBMITTED, S.DRAFT): "owner",
    (S.RETURNED, S.SUBMITTED): "owner",
    (S.CONFIRMED, S.PUBLISHED): "hq",
    (S.CONFIRMED, S.SUBMITTED): "hq",
}

class TransitionError(ValueError):
    def __init__(self, old: DeclarationStatus | str, new: DeclarationStatus | str,
                 actor: str | None = None) -> None:
        allowed = ", ".join(sorted(TRANSITIONS.get(_as_status(old), ()))) or "nothing"
        by = f" by {actor}" if actor else ""
        super().__init__(f"a declaration cannot go from {old} to {new}{by} "
                         f"(from {old}: {allowed})")
        self.old = old
        self.new = new
        self.actor = actor


def _as_status(value: DeclarationStatus | str) -> DeclarationStatus | None:
    try:
        return DeclarationStatus(value)
    except ValueError:
        return None


def can_transition(old: DeclarationStatus | str, new: DeclarationStatus | str,
                   actor: str | None = None) -> bool:
    """Whether `old → new` is a legal move (and, when `actor` is given, that actor's move)."""
    before, after = _as_status(old), _as_status(new)
    if before is None or after is None or after not in TRANSITIONS[before]:
        return False
    return actor is None or ACTORS[(before, after)] == actor


def assert_transition(old: DeclarationStatus | str, new: DeclarationStatus | str,
                      actor: str | None = None) -> DeclarationStatus:
    """The new status, or TransitionError if the move is not legal."""
    if not can_transition(old, new, actor):
        raise TransitionError(old, new, actor)
    return DeclarationStatus(new)


def next_statuses(old: DeclarationStatus | str) -> frozenset[DeclarationStatus]:
    status = _as_status(old)
    return TRANSITIONS[status] if status is not None else frozenset()
