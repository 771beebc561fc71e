"""The declaration wizard's buttons and typed answers.

Wizard buttons carry `w:<period>:<action>:<args>`. Nothing in them is trusted: the office is the
actor's own, the period must be the one open now (else the button is stale), and every value is
validated again by the rubric.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import evidence, staff_list, status, wizard
from handlers.owner import OwnerContext, actor_label, menu_button
from handlers.wizard import Refused, editable_context, save, wizard_context
from scoring.answers import AnswerError, parse_answer, parse_staff_name, validate_value
from scoring.rubric import Indicator
from services.clock import Clock
from storage import declarations as decl
from storage import linking
from storage.accounts import Actor, load_actor
from texts.i18n import Translator
from texts.views import title

router = Router(name=__name__)


def parse_callback(data: str) -> tuple[int, str, list[str]] | None:
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != "w" or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2], parts[3:]


def item_by_key(context: OwnerContext, key: str) -> Indicator:
    for item in context.items:
        if item.key == key:
            return item
    raise Refused("item-gone")


@router.callback_query(F.data.in_({"w:resume", "menu:continue", "menu:review"})
                       | F.data.regexp(r"^w:(resume|review):\d+$"))
async def resume(callback: CallbackQuery, session: AsyncSession, actor: Actor, t: Translator,
                 clock: Clock) -> None:
    """Continue where the owner left off (the menu's button and every reminder's button; a
    reminder's names its office, which must be one of the account's own)."""
    message = callback.message
    assert isinstance(message, Message)
    data = callback.data or ""
    if data.startswith(("w:resume:", "w:review:")):
        office_id = int(data.rsplit(":", 1)[1])
        if not await linking.choose_office(session, actor.account_id, office_id):
            await callback.answer(t("not-your-office"), show_alert=True)
            return
        await session.commit()
        actor = await load_actor(session, actor.platform, actor.user_id)
    try:
        context = await wizard_context(session, actor, clock.now())
    except Refused as refused:
        await callback.answer(t(refused.key, **refused.args_), show_alert=True)
        return
    await callback.answer()
    if data == "menu:review" or data.startswith("w:review:"):
        await wizard.show_review(message, session, t, context)
    else:
        await wizard.resume(message, session, t, context)


@router.callback_query(F.data.startswith("w:"))
async def on_wizard_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                           t: Translator, clock: Clock) -> None:
    message = callback.message
    parsed = parse_callback(callback.data or "")
    if parsed is None or not isinstance(message, Message):
        await callback.answer(t("stale-button"), show_alert=True)
        return
    period_id, action, args = parsed
    now = clock.now()
    answered = False
    try:
        context = await wizard_context(session, actor, now)
        if context.period is None or context.period.id != period_id:
            raise Refused("stale-button")
        if action in ("rv", "go"):
            await callback.answer()
            answered = True
            if action == "rv":
                await wizard.show_review(message, session, t, context)
            else:
                await wizard.go_on(message, session, t, context)
            return
        context, view = await editable_context(session, actor, now)
        await callback.answer()
        answered = True
        await _act(message, session, actor, t, now, context, view, action, args)
    except Refused as refused:
        text = t(refused.key, **refused.args_)
        if not answered:
            await callback.answer(text, show_alert=True)
        if refused.key == "stale-button" or answered:
            await message.answer(text, reply_markup=menu_button(t))
    except AnswerError as error:
        if not answered:
            await callback.answer()
        await message.answer(t(error.key, **error.args))


async def _act(message: Message, session: AsyncSession, actor: Actor, t: Translator,
               now: datetime, context: OwnerContext, view: decl.DeclarationView, action: str,
               args: list[str]) -> None:
    label = actor_label(actor)
    if action in ("a", "y", "t", "td", "k", "s", "b", "e"):
        if not args:
            raise Refused("stale-button")
        item = item_by_key(context, args[0])
    if action == "a":  # a choice
        value = validate_value(item, args[1] if len(args) > 1 else "")
        await save(session, actor, now, view, item.key, value, None, rubric=context.rubric)
        await wizard.after_answer(message, session, t, context, item)
    elif action == "y":  # yes / no
        await save(session, actor, now, view, item.key, args[1:2] == ["1"], None,
                   rubric=context.rubric)
        await wizard.after_answer(message, session, t, context, item)
    elif action == "t":  # toggle one option of a multi-choice, saved at once
        chosen = list(view.answers.get(item.key) or [])
        option = args[1] if len(args) > 1 else ""
        validate_value(item, [option])  # an option this item really has
        chosen = [k for k in chosen if k != option] if option in chosen else [*chosen, option]
        await save(session, actor, now, view, item.key, validate_value(item, chosen), item.key,
                   rubric=context.rubric)
        await wizard.refresh_keyboard(message, session, t, context, item)
    elif action == "td":  # multi-choice done
        value = validate_value(item, list(view.answers.get(item.key) or []))
        await save(session, actor, now, view, item.key, value, None, rubric=context.rubric)
        await wizard.after_answer(message, session, t, context, item)
    elif action == "k":  # no change: last period's answer
        await _keep(message, session, actor, t, now, context, view, [item.key])
    elif action == "ks":  # no change for a whole section
        keys = [i.key for i in context.items if i.section == (args[0] if args else "")]
        await _keep(message, session, actor, t, now, context, view, keys)
    elif action == "ka":  # no change for everything
        await _keep(message, session, actor, t, now, context, view,
                    [i.key for i in context.items])
    elif action == "s":  # skip an optional question
        if item.required:
            raise Refused("cannot-skip")
        await save(session, actor, now, view, item.key, None, None, rubric=context.rubric)
        await wizard.go_on(message, session, t, context)
    elif action == "b":  # back
        previous = wizard.previous_item(context, item.key)
        await wizard.ask(message, session, t, context, previous or item)
    elif action == "e":  # edit an item from the review
        await wizard.ask(message, session, t, context, item)
    elif action in ("ed", "el", "er", "eb"):
        await evidence.evidence_action(message, session, actor, t, now, context, view, action,
                                       args)
    elif action in ("sub", "subok"):
        await status.submit_action(message, session, actor, t, now, context, view, action)
    else:
        await staff_list.staff_action(message, session, actor, t, now, context, view, action,
                                      args, label)


async def _keep(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                now: datetime, context: OwnerContext, view: decl.DeclarationView,
                keys: list[str]) -> None:
    previous = await wizard.previous_answers(session, context)
    if previous is None:
        raise Refused("nothing-to-keep")
    await wizard.reopen_if_submitted(session, view, actor, now)
    copied = await decl.copy_answers(session, view.id, previous[0], keys, previous[1],
                                     actor_label(actor))
    await session.commit()
    await message.answer(t("prefill-kept", count=copied))
    await wizard.go_on(message, session, t, context)


@router.message(F.text)
async def take_text(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                    clock: Clock) -> None:
    """A typed answer to the current question, or a nudge back to the menu."""
    now = clock.now()
    text = message.text or ""
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    try:
        context, view = await editable_context(session, actor, now)
    except Refused as refused:
        await message.answer(t(refused.key, **refused.args_), reply_markup=menu_button(t))
        return
    current = view.current_item or ""
    if current.startswith("ev:"):
        await message.answer(t("evidence-expects-file"))
        return
    if current.startswith("sr:"):
        await staff_list.rename_member(message, session, actor, t, now, context, view, current,
                                       text)
        return
    item = next((i for i in context.items if i.key == current), None)
    if item is None:
        await message.answer(t("no-question-now"), reply_markup=menu_button(t))
        return
    try:
        if item.kind == "staff_list":
            await staff_list.add_member(message, session, actor, t, now, context, view, item,
                             parse_staff_name(text))
            return
        value = parse_answer(item, text)
    except AnswerError as error:
        await message.answer(t(error.key, **error.args))
        await wizard.ask(message, session, t, context, item)
        return
    await save(session, actor, now, view, item.key, value, None, rubric=context.rubric)
    await wizard.after_answer(message, session, t, context, item,
                              note=t("answer-saved", title=title(item, t.lang)))


@router.message(~F.text & ~F.photo & ~F.document & ~F.contact)
async def take_other(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     clock: Clock) -> None:
    """A sticker, a voice note, a location…: say what is expected and ask again."""
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    try:
        context, view = await editable_context(session, actor, clock.now())
    except Refused as refused:
        await message.answer(t(refused.key, **refused.args_), reply_markup=menu_button(t))
        return
    await message.answer(t("answer-use-text"))
    await wizard.resume(message, session, t, context)
