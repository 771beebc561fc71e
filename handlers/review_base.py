"""What the reviewer's modules share: the router (prefix `rv:`), the role filter, the typing
steps, and the context of one button press or typed step.

`handlers.review` and `handlers.review_inputs` both register on `router`; `handlers/__init__.py`
includes it as `review.router`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.review_views import explain
from storage import review
from storage.accounts import Actor
from storage.evidence import EvidenceStore
from storage.records import PeriodRecord
from storage.review import ReviewError, ReviewTarget, Who
from texts.i18n import Translator


class HasRole(Filter):
    """The actor (loaded from the database for this very update) holds one of the roles."""

    def __init__(self, *roles: str) -> None:
        self.roles = roles

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and any(actor.has_role(role) for role in self.roles)


router = Router(name="handlers.review")
router.message.filter(HasRole("reviewer"))
router.callback_query.filter(HasRole("reviewer"))

# Typed text for a step: a command is never taken as an answer.
TYPED = F.text & ~F.text.startswith("/")


class Step(StatesGroup):
    value = State()
    reason = State()
    comment = State()
    reject_reason = State()
    neg_office = State()
    neg_date = State()
    neg_reference = State()
    neg_note = State()
    disc_fix = State()
    disc_answer = State()


def who(actor: Actor) -> Who:
    return Who(f"{actor.platform}:{actor.user_id}", actor.account_id)


def arg(args: list[str], index: int) -> int:
    """A numeric callback argument; anything else is a stale (or forged) button."""
    if index >= len(args) or not args[index].isdigit():
        raise ReviewError("rv-stale")
    return int(args[index])


@dataclass
class Ctx:
    """One button press or typed step: what every action needs."""

    message: Message
    session: AsyncSession
    actor: Actor
    t: Translator
    now: datetime
    state: FSMContext
    platform: str
    store: EvidenceStore
    callback: CallbackQuery | None = None
    answered: bool = False

    @classmethod
    def of(cls, message: Message, data: dict[str, Any],
           callback: CallbackQuery | None = None) -> Ctx:
        return cls(message, data["session"], data["actor"], data["t"], data["clock"].now(),
                   data["state"], data["platform"], data["evidence_store"], callback)

    @property
    def regions(self) -> set[int]:
        return self.actor.regions("reviewer")

    @property
    def who(self) -> Who:
        return who(self.actor)

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        if self.callback is not None and not self.answered:
            self.answered = True
            await self.callback.answer(text, show_alert=alert)

    async def target(self, declaration_id: int) -> ReviewTarget:
        return await review.open_declaration(self.session, declaration_id, self.regions)

    async def period(self) -> PeriodRecord:
        period = await review.review_period(self.session, self.now)
        if period is None:
            raise ReviewError("rv-no-period")
        return period


Action = Callable[[Ctx, list[str]], Awaitable[None]]
ACTIONS: dict[str, Action] = {}


def action(name: str) -> Callable[[Action], Action]:
    """Register the handler of `rv:<name>:…`."""
    def register(fn: Action) -> Action:
        ACTIONS[name] = fn
        return fn

    return register


# A refusal that ends a typed step: the step cannot go on.
ENDS_STEP = frozenset({"rv-not-yours", "rv-stale", "rv-not-reviewable", "rv-published",
                       "rv-window-closed", "rv-window-not-yet", "rv-not-submitted"})


async def typed(c: Ctx, work: Callable[[], Awaitable[None]]) -> None:
    """Run a typed step; a refusal is said in the chat (and ends the step if it must)."""
    try:
        await work()
    except ReviewError as error:
        await c.session.rollback()
        await c.message.answer(explain(c.t, error))
        if error.key in ENDS_STEP:
            await c.state.clear()
