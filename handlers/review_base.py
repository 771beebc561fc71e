"""What the reviewer's modules share: the handler list, the role filter, the typing steps, and
the context of one button press or typed step.

`handlers.review` and `handlers.review_inputs` both declare their handlers on `router` (a
`Handlers` list, in order); `handlers.review.setup()` registers them on a new aiogram
`Router`. Buttons are the typed factories of `texts.review_callbacks`, registered with
`button(factory, *actions)`; a refusal (`services.errors.ServiceError`) is said as an alert
(or, once the button was answered, in the chat).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramBadRequest
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject

from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.evidence import EvidenceStore
from texts.i18n import Translator
from texts.review_text import explain

log = logging.getLogger(__name__)

class HasRole(Filter):
    """The actor (loaded from the database for this very update) holds one of the roles."""

    def __init__(self, *roles: str) -> None:
        self.roles = roles

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and any(actor.has_role(role) for role in self.roles)

class Handlers:
    """Handlers declared with decorators at import, in order, and registered on a new router by
    `register_on` (aiogram attaches a router to one parent, and each dispatcher needs its own).

        @router.message(Command("review"))      # as with an aiogram Router
        async def open_queue(message: Message, **data: Any) -> None: ...
    """

    def __init__(self) -> None:
        self.entries: list[tuple[str, Callable[..., Any], tuple[Any, ...]]] = []

    def message(self, *filters: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._add("message", filters)

    def callback_query(self, *filters: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self._add("callback_query", filters)

    def _add(self, observer: str, filters: tuple[Any, ...]
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def add(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.entries.append((observer, fn, filters))
            return fn

        return add

    def register_on(self, target: Router) -> Router:
        for observer, fn, filters in self.entries:
            getattr(target, observer).register(fn, *filters)
        return target

router = Handlers()

def new_router() -> Router:
    """The reviewer's router: every handler declared on `router`, for reviewers only."""
    target = Router(name="handlers.review")
    target.message.filter(HasRole("reviewer"))
    target.callback_query.filter(HasRole("reviewer"))
    return router.register_on(target)

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

@dataclass
class Ctx:
    """One button press or typed step: what every action needs."""

    message: Message
    uow: UnitOfWork
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
        return cls(message, data["uow"], data["actor"], data["t"], data["clock"].now(),
                   data["state"], data["platform"], data["evidence_store"], callback)

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        if self.callback is not None and not self.answered:
            self.answered = True
            await self.callback.answer(text, show_alert=alert)

    async def edit_markup(self, markup: InlineKeyboardMarkup) -> None:
        """Redraw the pressed message's buttons. The action is done (its service committed)
        whatever the platform says to the edit, so a refused edit must neither fail the update
        (the inbox would try the action again) nor leave the tap unanswered: the buttons come in
        a new message under the message's first line instead."""
        try:
            await self.message.edit_reply_markup(reply_markup=markup)
        except (TelegramAPIError, ClientDecodeError) as exc:
            if isinstance(exc, TelegramBadRequest) and "not modified" in exc.message.lower():
                return
            log.info("edit refused (%s); the buttons come in a new message", exc)
            first = (self.message.text or self.message.caption or "").split("\n", 1)[0]
            await self.message.answer(first or "⬆️", reply_markup=markup)

Action = Callable[[Ctx, Any], Awaitable[None]]

def button(factory: type[CallbackData], *actions: str) -> Callable[[Action], Action]:
    """Register `fn(c, callback_data)` for the buttons of `factory` with one of `actions`."""

    def register(fn: Action) -> Action:
        async def on_press(callback: CallbackQuery, callback_data: CallbackData, t: Translator,
                           **data: Any) -> None:
            await press(callback, callback_data, t, data, fn)

        on_press.__name__ = on_press.__qualname__ = fn.__name__.lstrip("_")
        router.callback_query(factory.filter(F.action.in_(set(actions))))(on_press)
        return fn

    return register

async def press(callback: CallbackQuery, callback_data: CallbackData, t: Translator,
                data: dict[str, Any], fn: Action) -> None:
    if not isinstance(callback.message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    c = Ctx.of(callback.message, {**data, "t": t}, callback)
    try:
        await fn(c, callback_data)
    except ServiceError as error:
        text = explain(t, error)
        if c.answered:
            await callback.message.answer(text)
        else:
            await c.answer(text, alert=True)
        return
    await c.answer()

# A refusal that ends a typed step: the step cannot go on.
ENDS_STEP = frozenset({"rv-not-yours", "rv-own-office", "rv-stale", "rv-not-reviewable",
                       "rv-already-confirmed", "rv-already-returned", "rv-published",
                       "rv-window-closed", "rv-window-not-yet", "rv-not-submitted"})

async def typed(c: Ctx, work: Callable[[], Awaitable[None]]) -> None:
    """Run a typed step; a refusal is said in the chat (and ends the step if it must)."""
    try:
        await work()
    except ServiceError as error:
        await c.message.answer(explain(c.t, error))
        if error.code in ENDS_STEP:
            await c.state.clear()
