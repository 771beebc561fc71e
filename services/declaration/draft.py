"""The owner's draft as every declaration use case sees it, and the gate in front of it.

`Draft` is what a use case returns: the office, the period and its rubric, the declaration as
it is after the change (answers, evidence, where the owner is) and the answers of the last
confirmed declaration (what «no change» copies). The presentation side renders it; it holds no
session and loads nothing lazily.

Nothing in a button is trusted: the office is the actor's own, the period must be the one open
now, and a closed, locked or foreign declaration is refused (`NotEditable`) before anything
changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from scoring.answers import has_substance, to_json
from scoring.rubric import Indicator, Rubric
from scoring.status import DeclarationStatus
from services.errors import Forbidden, NotFound
from services.position import Position, stored
from services.uow import UnitOfWork
from storage import declarations as decl
from storage.accounts import Actor
from storage.admin import current_period
from storage.records import OfficeRecord, PeriodRecord

S = DeclarationStatus
# The last instant of a window is one microsecond before it closes; its date is the last day.
TICK = timedelta(microseconds=1)


class NotEditable(Forbidden):
    """The owner may not act on the declaration now (not linked, no office chosen, no period,
    a stale button, a locked or closed declaration); `code` says which, `params` its facts
    (`date`: the instant to show as a Jalali date)."""


@dataclass(frozen=True, slots=True)
class Draft:
    office: OfficeRecord
    period: PeriodRecord
    rubric: Rubric
    view: decl.DeclarationView
    previous: dict[str, Any]  # the last confirmed declaration's answers, as stored ({}: none)
    editable: bool = True  # the owner may change it now (else: only a discrepancy report)

    @property
    def edit_deadline(self) -> datetime:
        """The last instant to submit again after an edit (its date is the last day)."""
        grace = self.view.grace_until
        return (grace if self.view.status == S.RETURNED and grace else self.period.closes_at) \
            - TICK

    def changed_since_last(self, key: str) -> bool:
        """The answer differs from the last confirmed declaration's (both must exist)."""
        return key in self.previous and key in self.view.raw and \
            self.previous[key] != self.view.raw[key]

    @property
    def items(self) -> list[Indicator]:
        return list(self.rubric.applicable(self.office.office_type))

    @property
    def position(self) -> Position | None:
        return Position.parse(self.view.current_item)

    def item(self, key: str) -> Indicator:
        """The applicable indicator of this key; `NotFound("item-gone")` when there is none
        (a button from before the rubric changed)."""
        for item in self.items:
            if item.key == key:
                return item
        raise NotFound("item-gone")

    def staff_item(self) -> Indicator:
        for item in self.items:
            if item.kind == "staff_list":
                return item
        raise NotFound("item-gone")

    def next_item(self) -> Indicator | None:
        """The first question not yet answered or skipped, in asking order."""
        return next((i for i in self.items if i.key not in self.view.raw), None)

    def previous_item(self, key: str) -> Indicator | None:
        keys = [i.key for i in self.items]
        index = keys.index(key) if key in keys else 0
        return self.items[index - 1] if index > 0 else None

    def missing(self) -> list[Any]:
        return decl.missing(self.rubric, self.office.office_type, self.view)

    def after(self, item: Indicator) -> Position | None:
        """Where an answer to `item` leads: its files when it needs some, else the next
        question, else the review (None)."""
        if item.needs_evidence and has_substance(self.view.answers.get(item.key)):
            return Position.evidence(item.key)
        return self.following()

    def following(self) -> Position | None:
        item = self.next_item()
        return None if item is None else Position.question(item.key)


def label(actor: Actor) -> str:
    return f"{actor.platform}:{actor.user_id}"


def refusal(period: PeriodRecord, view: decl.DeclarationView | None, now: datetime
            ) -> NotEditable | None:
    """Why the owner may not change the declaration now, or None."""
    if view is not None and view.status in (S.CONFIRMED, S.PUBLISHED):
        return NotEditable("declaration-locked")
    if view is not None and view.under_review:
        return NotEditable("declaration-under-review")
    if period.is_open(now):
        return None
    if view is not None and view.status == S.RETURNED and view.grace_until and \
            now < view.grace_until:
        return None
    if now < period.opens_at:
        return NotEditable("declaration-not-open-yet", date=period.opens_at)
    return NotEditable("declaration-closed", date=period.closes_at - TICK)


async def load(uow: UnitOfWork, actor: Actor, now: datetime, *, period_id: int | None = None,
               edit: bool = False, office_id: int | None = None) -> Draft:
    """The actor's draft for the period open now, created when there is none and the window
    is open (with its audit row). Inside the caller's unit of work.

    `period_id`: the period a button names; another one is a stale button. `edit`: refuse a
    declaration the owner may not change now."""
    session = uow.session
    if not actor.office_ids:
        raise NotEditable("not-linked")
    office_id = office_id if office_id is not None else actor.office_id
    if office_id is None:
        raise NotEditable("pick-office-first")
    office = await decl.get_office(session, office_id)
    if office is None:
        raise NotEditable("pick-office-first")
    period = await current_period(session, now)
    if period is None:
        raise NotEditable("menu-no-period")
    rubric = decl.period_rubric(period)
    view = await decl.load_of(session, office.id, period.id, rubric)
    if view is None:
        if not period.is_open(now):
            raise refusal(period, None, now) or NotEditable("menu-no-period")
        declaration_id = await decl.open_draft(session, office.id, period, label(actor))
        view = await decl.load(session, declaration_id, rubric)
    if period_id is not None and period_id != period.id:
        raise NotEditable("stale-button")
    if edit:
        refused = refusal(period, view, now)
        if refused is not None:
            raise refused
    previous = await decl.previous_confirmed(session, office.id, period)
    return Draft(office, period, rubric, view, previous[1] if previous else {},
                 editable=refusal(period, view, now) is None)


async def reopen_if_submitted(uow: UnitOfWork, draft: Draft, actor: Actor, now: datetime
                              ) -> Draft:
    """Editing a submitted declaration takes it back to draft until the owner submits again;
    refused once a reviewer has opened it (read under the row's lock: the draft was read
    before)."""
    if draft.view.status != S.SUBMITTED:
        return draft
    if await decl.review_started(uow.session, draft.view.id) is not None:
        raise NotEditable("declaration-under-review")
    await decl.move(uow.session, draft.view.id, S.DRAFT, actor=label(actor), by="owner",
                    now=now, reason="edited by the owner")
    return replace(draft, view=replace(draft.view, status=S.DRAFT))


async def save(uow: UnitOfWork, draft: Draft, actor: Actor, now: datetime, key: str,
               value: Any) -> Draft:
    """One answer stored (reopening a submitted declaration); the draft as a reload reads it.
    The same value as stored changes nothing: a submitted declaration stays submitted."""
    if key in draft.view.raw and draft.view.raw[key] == to_json(value):
        return draft
    draft = await reopen_if_submitted(uow, draft, actor, now)
    await decl.save_answer(uow.session, draft.view.id, key, value, label(actor),
                           old=draft.view.raw.get(key, decl.NO_ANSWER))
    view = draft.view.answered(draft.rubric, key, value, status=draft.view.status)
    return replace(draft, view=view)


async def place(uow: UnitOfWork, draft: Draft, position: Position | None) -> Draft:
    """Record where the owner is now (a question, its files, a staff member, the review)."""
    current = stored(position)
    if draft.view.current_item != current:
        await decl.set_current(uow.session, draft.view.id, current)
    return replace(draft, view=replace(draft.view, current_item=current))


async def reload(uow: UnitOfWork, draft: Draft) -> Draft:
    """The draft read again (after rows were added that the view does not know about)."""
    view = await decl.load(uow.session, draft.view.id, draft.rubric)
    return replace(draft, view=view)
