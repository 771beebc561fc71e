"""The declaration wizard's buttons and typed answers.

Buttons are typed (`texts.wizard_callbacks`). Nothing in them is trusted: the services check
that the office is the actor's own, that the period is the one open now (else the button is
stale) and validate every value again by the rubric. Each handler calls one use case of
`services.declaration` and renders the draft it returns (`handlers.wizard`).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from handlers import evidence, staff_list, status, wizard
from handlers.filters import TEXT, when
from handlers.owner import menu_button, press, say
from handlers.wizard import screen
from scoring.status import DeclarationStatus as S
from services.clock import Clock
from services.declaration import NoQuestion, answers
from services.declaration import wizard as flow
from services.errors import ServiceError
from services.uow import UnitOfWork
from settings import Settings
from storage.accounts import Actor
from texts.callbacks import MenuCb, ResumeCb
from texts.i18n import Translator
from texts.views import title
from texts.wizard_callbacks import (
    EvidenceCb,
    ItemCb,
    OptionCb,
    SectionCb,
    StaffCb,
    StaffFieldCb,
    WizardCb,
    YesNoCb,
)


async def resume(callback: CallbackQuery, actor: Actor, t: Translator, clock: Clock,
                 uow: UnitOfWork, settings: Settings | None = None,
                 callback_data: ResumeCb | MenuCb | None = None) -> None:
    """Continue where the owner left off, or review (the menu's buttons, and every reminder's
    button: a reminder's names its office, which must be one of the account's own)."""
    message = callback.message
    assert isinstance(message, Message)
    office_id = callback_data.office if isinstance(callback_data, ResumeCb) else None
    review = callback_data is not None and callback_data.action == "review"
    try:
        if review:
            draft = await flow.overview(uow, actor, clock.now(), office_id=office_id)
        else:
            resumed = await flow.resume(uow, actor, clock.now(), office_id=office_id)
    except ServiceError as error:
        await callback.answer(say(t, error), show_alert=True)
        return
    await callback.answer()
    if review:
        await wizard.show_review(screen(message, t, settings), draft)
    else:
        await wizard.show_resumed(screen(message, t, settings), resumed)


async def on_wizard(callback: CallbackQuery, callback_data: WizardCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork,
                    settings: Settings | None = None) -> None:
    """The review, go on, and «no change» for everything."""
    assert isinstance(callback.message, Message)
    view, now, p = screen(callback.message, t, settings), clock.now(), callback_data.period
    if callback_data.action == "rv":
        draft = await press(callback, t, flow.overview(uow, actor, now, period_id=p))
        if draft is not None:
            await wizard.show_review(view, draft)
    elif callback_data.action == "go":
        draft = await press(callback, t, flow.go_on(uow, actor, now, p))
        if draft is not None:
            await wizard.show(view, draft)
    elif callback_data.action == "ka":
        kept = await press(callback, t, flow.keep(uow, actor, now, p))
        if kept is not None:
            await view.say(t("prefill-kept", count=kept.count))
            await wizard.show(view, kept.draft)


async def on_item(callback: CallbackQuery, callback_data: ItemCb, actor: Actor, t: Translator,
                  clock: Clock, uow: UnitOfWork, settings: Settings | None = None) -> None:
    """A button about one question: multi-choice done, «no change», skip, back, edit."""
    assert isinstance(callback.message, Message)
    view, now = screen(callback.message, t, settings), clock.now()
    p, key, action = callback_data.period, callback_data.key, callback_data.action
    if action == "td":
        answered = await press(callback, t, answers.toggle_done(uow, actor, now, p, key))
        if answered is not None:
            await wizard.show(view, answered.draft)
        return
    if action == "k":
        kept = await press(callback, t, flow.keep(uow, actor, now, p, key=key))
        if kept is not None:
            await view.say(t("prefill-kept", count=kept.count))
            await wizard.show(view, kept.draft)
        return
    if action == "s":
        use_case = flow.skip(uow, actor, now, p, key)
    elif action == "n":
        use_case = flow.next_from(uow, actor, now, p, key)
    else:  # "b" back, "e" edit from the review (or back from its files), "ee" edit confirmed
        use_case = flow.ask(uow, actor, now, p, key, back=action == "b")
    draft = await press(callback, t, use_case)
    if draft is None:
        return
    if action == "e" and draft.view.status == S.SUBMITTED:
        await wizard.ask_reopen(view, draft, key)  # asked first: an edit reopens it
        return
    await wizard.show(view, draft)


async def on_section(callback: CallbackQuery, callback_data: SectionCb, actor: Actor,
                     t: Translator, clock: Clock, uow: UnitOfWork,
                     settings: Settings | None = None) -> None:
    """«No change» for a whole section."""
    assert isinstance(callback.message, Message)
    kept = await press(callback, t, flow.keep(uow, actor, clock.now(), callback_data.period,
                                              section=callback_data.section))
    if kept is not None:
        view = screen(callback.message, t, settings)
        await view.say(t("prefill-kept", count=kept.count))
        await wizard.show(view, kept.draft)


async def on_option(callback: CallbackQuery, callback_data: OptionCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork,
                    settings: Settings | None = None) -> None:
    """A choice (`a`), or ticking one option of a multi-choice (`t`, redrawn in place)."""
    assert isinstance(callback.message, Message)
    view, now, data = screen(callback.message, t, settings), clock.now(), callback_data
    if data.action == "a":
        answered = await press(callback, t, answers.choose(uow, actor, now, data.period,
                                                           data.key, data.option))
        if answered is not None:
            await wizard.show(view, answered.draft)
        return
    answered = await press(callback, t, answers.toggle(uow, actor, now, data.period, data.key,
                                                       data.option))
    if answered is not None:
        await wizard.refresh_keyboard(view, answered.draft, answered.item)


async def on_yes_no(callback: CallbackQuery, callback_data: YesNoCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork,
                    settings: Settings | None = None) -> None:
    assert isinstance(callback.message, Message)
    answered = await press(callback, t, answers.yes_no(
        uow, actor, clock.now(), callback_data.period, callback_data.key, callback_data.yes))
    if answered is not None:
        await wizard.show(screen(callback.message, t, settings), answered.draft)


async def stale_button(callback: CallbackQuery, t: Translator) -> None:
    """A wizard button of no known form (hand-made, or from a much older version)."""
    await callback.answer(t("stale-button"), show_alert=True)


async def take_text(message: Message, actor: Actor, t: Translator, clock: Clock,
                    uow: UnitOfWork, settings: Settings | None = None) -> None:
    """A typed answer to the current question, a staff member's name, or a nudge back to the
    menu."""
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    view = screen(message, t, settings)
    try:
        answered = await answers.answer_text(uow, actor, clock.now(), message.text or "")
    except NoQuestion as error:
        markup = menu_button(t) if error.code == "no-question-now" else None
        await message.answer(say(t, error), reply_markup=markup)
        return
    except ServiceError as error:
        await message.answer(say(t, error), reply_markup=menu_button(t))
        return
    if answered.what == "refused":
        assert answered.error is not None
        await message.answer(say(t, answered.error))
        if answered.reask:
            await wizard.ask(view, answered.draft, answered.item)
    elif answered.what == "member":
        await wizard.show_staff_member(view, answered.draft, answered.index, answered.member)
    else:
        await wizard.show(view, answered.draft,
                          note=t("answer-saved", title=title(answered.item, t.lang)))


async def take_other(message: Message, actor: Actor, t: Translator, clock: Clock,
                     uow: UnitOfWork, settings: Settings | None = None) -> None:
    """A sticker, a voice note, a location…: say what is expected and ask again."""
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    try:
        resumed = await flow.resume(uow, actor, clock.now(), edit=True)
    except ServiceError as error:
        await message.answer(say(t, error), reply_markup=menu_button(t))
        return
    at = resumed.at
    await message.answer(t("evidence-not-this") if at is not None and at.is_evidence
                         else t("answer-use-text"))
    await wizard.show_resumed(screen(message, t, settings), resumed)


def setup() -> Router:
    """The wizard's router (each call builds a new one). The buttons of the staff list, the files
    and the submission, whose handlers live in their own modules, go on it too: the wizard's
    catch-all for unknown `w:` buttons comes last."""
    router = Router(name=__name__)
    router.callback_query.register(staff_list.on_staff_done, WizardCb.filter(F.action == "sd"))
    router.callback_query.register(staff_list.on_staff_list, WizardCb.filter(F.action == "sv"))
    router.callback_query.register(staff_list.on_member, StaffCb.filter())
    router.callback_query.register(staff_list.on_field, StaffFieldCb.filter())
    router.callback_query.register(
        status.on_submit, WizardCb.filter(F.action.in_({"sub", "subok"})))
    router.callback_query.register(
        evidence.on_files, ItemCb.filter(F.action.in_({"ed", "el", "eb"})))
    router.callback_query.register(evidence.on_remove, EvidenceCb.filter())
    router.callback_query.register(resume, ResumeCb.filter())
    router.callback_query.register(resume, MenuCb.filter(F.action.in_({"continue", "review"})))
    router.callback_query.register(resume, when(F.data == "w:resume"))
    router.callback_query.register(on_wizard, WizardCb.filter(F.action.in_({"rv", "go", "ka"})))
    router.callback_query.register(
        on_item, ItemCb.filter(F.action.in_({"td", "k", "s", "b", "e", "ee", "n"})))
    router.callback_query.register(on_section, SectionCb.filter())
    router.callback_query.register(on_option, OptionCb.filter())
    router.callback_query.register(on_yes_no, YesNoCb.filter())
    router.callback_query.register(stale_button, when(F.data.startswith("w:")))
    router.message.register(take_text, TEXT)
    router.message.register(take_other, when(~F.text & ~F.photo & ~F.document & ~F.contact))
    return router
