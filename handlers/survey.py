"""The citizens' satisfaction survey in the bot.

A citizen scans an office's poster and lands on `/start s_<token>`: the office's name and city,
their own number once (a contact card), «which service», a rating with faces, an optional «was a
fee beyond the tariff asked», an optional comment, thanks. Five taps, six the first time.

The rating is written as soon as the faces are tapped, so leaving after that loses nothing; the
optional steps update it. Buttons carry the office's link token (unguessable, so a forged button
cannot reach an office its poster was not scanned for) or a rating id that must belong to the
presser's account. The contact and comment steps are FSM states: losing them (a restart) only
means the citizen scans again.

The owner's `/survey` (or the menu's «sv:o» button) shows the period's counts, mean and score and
the poster; a reviewer's `/survey` lists the region's held bursts to count or set aside.
Each step calls one use case of `services.survey` / `services.survey_admin`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)

from handlers.filters import TYPED, when
from handlers.survey_buttons import FeeCb, FinishCb, FlagCb, OwnerCb, ServiceCb, StarsCb
from services import survey, survey_admin
from services.clock import Clock
from services.errors import ServiceError
from services.survey import STARS, Service, deep_link, rules_from_settings, token_from_payload
from services.uow import UnitOfWork
from storage.accounts import Actor
from texts import survey as texts
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import contact_keyboard

log = logging.getLogger(__name__)
SURVEY_START = CommandStart(deep_link=True, magic=F.args.regexp(r"^s_"))
COMMENT_WINDOW = timedelta(minutes=15)


class SurveyStep(StatesGroup):
    contact = State()
    comment = State()


def _back(callback: CallbackQuery) -> Message:
    assert isinstance(callback.message, Message)
    return callback.message


async def _phone(actor: Actor, state: FSMContext) -> str | None:
    """The citizen's number: the account's (proven once), or this survey's unproven card."""
    if actor.phone:
        return actor.phone
    return (await state.get_data()).get("survey_phone")


async def _stale(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer(t("survey-stale"), show_alert=True)


# --- the citizen -----------------------------------------------------------------------------

async def open_survey(message: Message, command: CommandObject, uow: UnitOfWork,
                      actor: Actor, t: Translator, clock: Clock, state: FSMContext) -> None:
    token = token_from_payload(command.args)
    await _begin(message, token, uow, actor, t, clock, state, leave_step=True)


async def _begin(message: Message, token: str | None, uow: UnitOfWork, actor: Actor,
                 t: Translator, clock: Clock, state: FSMContext, *, intro: bool = True,
                 missing: str = "survey-bad-link", leave_step: bool = False) -> None:
    """The survey of the office a link names. `leave_step`: a good link ends whatever step
    the person was in (a bad one leaves it)."""
    try:
        opened = await survey.begin(uow, actor, token, await _phone(actor, state), clock.now())
    except ServiceError as error:
        if error.code == "survey-bad-link":
            await message.answer(t(missing))
            return
        if leave_step:
            await state.set_state(None)
        await message.answer(t(error.code))
        return
    if leave_step:
        await state.set_state(None)
    office = opened.office
    lines = [t("survey-intro", name=office.name, city=office.city)] if intro else []
    if opened.needs_phone:
        await state.set_state(SurveyStep.contact)
        await state.update_data(survey_token=office.token)
        lines.append(t("survey-ask-contact"))
        await message.answer("\n\n".join(lines), reply_markup=contact_keyboard(t))
        return
    if opened.previous is not None:
        stars = Markup(t(f"survey-stars-{opened.previous.stars}"))
        lines.append(t("survey-previous", stars=stars))
    lines.append(t("survey-ask-service"))
    await message.answer("\n\n".join(lines),
                         reply_markup=_services_keyboard(opened.services, office.token, t))


def _services_keyboard(services: tuple[Service, ...], token: str, t: Translator
                       ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for service in services:
        kb.button(text=service.title(t.lang),
                  callback_data=ServiceCb(token=token, service=service.key))
    kb.adjust(2)
    return kb.as_markup()


async def take_contact(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                       clock: Clock, state: FSMContext) -> None:
    contact = message.contact
    assert contact is not None
    try:
        kept = await survey.keep_phone(uow, actor, contact_user_id=contact.user_id,
                                       phone_number=contact.phone_number)
    except ServiceError as error:
        if error.code == "survey-not-own-contact":
            await message.answer(t(error.code), reply_markup=contact_keyboard(t))
            return
        await state.clear()
        await message.answer(t(error.code), reply_markup=ReplyKeyboardRemove())
        return
    if kept.proven:  # kept on the account: the citizen never sends it again
        actor = replace(actor, phone=kept.phone)
    else:  # a platform that does not say whose card it is: good for this survey only
        await state.update_data(survey_phone=kept.phone)
    token = (await state.get_data()).get("survey_token")
    await state.set_state(None)
    # A card whose owner the platform did not name: the rating will be kept as unverified.
    saved = "survey-number-saved" if kept.proven else "survey-number-unverified"
    await message.answer(t(saved), reply_markup=ReplyKeyboardRemove())
    await _begin(message, token, uow, actor, t, clock, state, intro=False,
                 missing="survey-stale")


async def reject_not_contact(message: Message, t: Translator) -> None:
    await message.answer(t("survey-contact-again"), reply_markup=contact_keyboard(t))


async def pick_service(callback: CallbackQuery, callback_data: ServiceCb, uow: UnitOfWork,
                       t: Translator) -> None:
    try:
        chosen = await survey.choose_service(uow, callback_data.token, callback_data.service)
    except ServiceError:
        await _stale(callback, t)
        return
    await callback.answer()
    kb = InlineKeyboardBuilder()
    for stars in reversed(STARS):  # best first, one a row: the same in both directions
        kb.button(text=t(f"survey-stars-{stars}"),
                  callback_data=StarsCb(token=chosen.office.token, service=chosen.service.key,
                                        stars=stars))
    kb.adjust(1)
    await _back(callback).answer(t("survey-ask-stars", service=chosen.service.title(t.lang)),
                                 reply_markup=kb.as_markup())


async def take_stars(callback: CallbackQuery, callback_data: StarsCb, uow: UnitOfWork,
                     actor: Actor, t: Translator, clock: Clock, state: FSMContext,
                     platform: str, settings: Any = None) -> None:
    message = _back(callback)
    try:
        outcome = await survey.rate(
            uow, actor, token=callback_data.token, service_key=callback_data.service,
            stars=callback_data.stars, phone=await _phone(actor, state), platform=platform,
            now=clock.now(), rules=rules_from_settings(settings))
    except ServiceError as error:
        if error.code == "survey-stale":
            await _stale(callback, t)
            return
        await callback.answer()
        if error.code == "survey-ask-contact":  # the FSM forgot an unproven number: start over
            await _begin(message, callback_data.token, uow, actor, t, clock, state)
        else:
            await message.answer(t(error.code, **error.params))
        return
    if outcome.new_flag:
        log.info("survey burst at office %s: flag %s", outcome.rating.office_id,
                 outcome.flag_id)
    await callback.answer()
    rating_id = outcome.rating.id
    kb = InlineKeyboardBuilder()
    for answer, label in (("y", "survey-button-yes"), ("n", "survey-button-no"),
                          ("x", "survey-button-skip")):
        kb.button(text=t(label), callback_data=FeeCb(rating=rating_id, answer=answer))
    kb.adjust(2, 1)
    stars = Markup(t(f"survey-stars-{outcome.rating.stars}"))
    lines = [t("survey-rated", stars=stars), t("survey-ask-fee")]
    if outcome.rating.status == "unverified":  # told, not counted: the number is not proven
        lines.insert(1, t("survey-rated-unverified"))
    await message.answer("\n\n".join(lines), reply_markup=kb.as_markup())


async def take_fee(callback: CallbackQuery, callback_data: FeeCb, uow: UnitOfWork,
                   actor: Actor, t: Translator, clock: Clock, state: FSMContext) -> None:
    asked = {"y": True, "n": False}.get(callback_data.answer)
    try:
        await survey.set_fee(uow, actor, callback_data.rating, asked)
    except ServiceError:
        await _stale(callback, t)
        return
    await callback.answer()
    await state.set_state(SurveyStep.comment)
    await state.update_data(survey_rating=callback_data.rating,
                            survey_until=(clock.now() + COMMENT_WINDOW).timestamp())
    kb = InlineKeyboardBuilder()
    kb.button(text=t("survey-button-finish"),
              callback_data=FinishCb(rating=callback_data.rating))
    lines = [t("survey-fee-noted")] if asked else []
    lines.append(t("survey-ask-comment"))
    await _back(callback).answer("\n\n".join(lines), reply_markup=kb.as_markup())


async def finish(callback: CallbackQuery, callback_data: FinishCb, uow: UnitOfWork,
                 actor: Actor, t: Translator, state: FSMContext) -> None:
    try:
        await survey.finish(uow, actor, callback_data.rating)
    except ServiceError:
        await _stale(callback, t)
        return
    await state.set_state(None)
    await callback.answer()
    await _back(callback).answer(t("survey-thanks"))


async def take_comment(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                       clock: Clock, state: FSMContext) -> None:
    data = await state.get_data()
    rating_id = data.get("survey_rating")
    await state.set_state(None)
    if clock.now().timestamp() > data.get("survey_until", 0):
        # Long after the question: the text is meant for something else (an owner's wizard).
        raise SkipHandler
    if not isinstance(rating_id, int):
        await message.answer(t("survey-stale"))
        return
    try:
        await survey.comment(uow, actor, rating_id, message.text or "")
    except ServiceError:
        await message.answer(t("survey-stale"))
        return
    await message.answer(t("survey-thanks"))


# --- the owner -------------------------------------------------------------------------------

async def _is_owner(_event: object, actor: Actor) -> bool:
    return bool(actor.office_ids)


async def owner_command(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                        clock: Clock, settings: Any = None, app: Any = None) -> None:
    await _owner_summary(message, uow, actor, t, clock, settings, app)


async def owner_button(callback: CallbackQuery, uow: UnitOfWork, actor: Actor,
                       t: Translator, clock: Clock, settings: Any = None,
                       app: Any = None) -> None:
    await callback.answer()
    await _owner_summary(_back(callback), uow, actor, t, clock, settings, app)


async def usernames(settings: Any, app: Any) -> dict[str, str]:
    """Each platform's bot username: from settings, else asked of the running bot."""
    found: dict[str, str] = {}
    for platform in ("bale", "telegram"):
        name = getattr(settings, f"{platform}_username", None)
        if not name and app is not None:
            bot = next((b for b in getattr(app, "bots", []) if b.platform == platform), None)
            if bot is not None:
                try:
                    name = (await bot.me()).username
                except Exception:  # the platform is down: show the other link
                    log.warning("getMe failed on %s", platform, exc_info=True)
        if name:
            found[platform] = name.lstrip("@")
    return found


async def _owner_summary(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                         clock: Clock, settings: Any, app: Any) -> None:
    try:
        result = await survey.owner_summary(uow, actor, clock.now(),
                                            rules_from_settings(settings))
    except ServiceError as error:
        await message.answer(t(error.code))
        return
    kb = InlineKeyboardBuilder()
    for platform, name in (await usernames(settings, app)).items():
        kb.button(text=t(f"survey-button-link-{platform}"),
                  url=deep_link(platform, name, result.office.token))
    kb.button(text=t("survey-button-poster"), callback_data=OwnerCb(step="p"))
    kb.adjust(1)
    await message.answer(texts.owner_summary(t, result), reply_markup=kb.as_markup())


async def send_poster(callback: CallbackQuery, uow: UnitOfWork, actor: Actor,
                      t: Translator, settings: Any = None, app: Any = None) -> None:
    from documents.posters import poster_pdf

    try:
        office = await survey.poster(uow, actor)
    except ServiceError:
        await callback.answer(t("pick-office-first"), show_alert=True)
        return
    await callback.answer()
    # A second of matplotlib: off the event loop (the figure is built without pyplot).
    data = await asyncio.to_thread(poster_pdf, [office], await usernames(settings, app), t.lang)
    await _back(callback).answer_document(
        BufferedInputFile(data, f"survey-{office.code}.pdf"),
        caption=t("survey-poster-caption", name=office.name))


# --- the region ------------------------------------------------------------------------------

async def _is_reviewer(_event: object, actor: Actor) -> bool:
    return actor.has_role("reviewer") or actor.has_role("hq")


async def list_flags(message: Message, uow: UnitOfWork, actor: Actor, t: Translator) -> None:
    open_flags = await survey_admin.flags(uow, actor)
    if not open_flags:
        await message.answer(t("survey-flags-none"))
        return
    await message.answer(t("survey-flags-title", count=len(open_flags)))
    for flag in open_flags[:10]:
        kb = InlineKeyboardBuilder()
        kb.button(text=t("survey-button-clear"), callback_data=FlagCb(step="k", flag=flag.id))
        kb.button(text=t("survey-button-reject"), callback_data=FlagCb(step="x", flag=flag.id))
        kb.adjust(2)
        await message.answer(texts.flag_line(t, flag), reply_markup=kb.as_markup())


async def decide(callback: CallbackQuery, callback_data: FlagCb, uow: UnitOfWork,
                 actor: Actor, t: Translator, clock: Clock) -> None:
    decision = "clear" if callback_data.step == "k" else "reject"
    try:
        flag = await survey_admin.decide(uow, actor, callback_data.flag, decision, clock.now())
    except ServiceError:  # decided already (by a colleague, or a double tap), not theirs
        await callback.answer(t("survey-flag-decided"), show_alert=True)
        return
    await callback.answer()
    key = "survey-flag-cleared" if decision == "clear" else "survey-flag-rejected"
    await _back(callback).answer(t(key, name=flag.office_name, count=flag.ratings))


async def stale_survey_button(callback: CallbackQuery, t: Translator) -> None:
    """A survey button none of the above could read (forged, or from a future version)."""
    await _stale(callback, t)


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.register(open_survey, SURVEY_START)
    router.message.register(take_contact, StateFilter(SurveyStep.contact), when(F.contact))
    router.message.register(reject_not_contact, StateFilter(SurveyStep.contact))
    router.callback_query.register(pick_service, ServiceCb.filter())
    router.callback_query.register(take_stars, StarsCb.filter())
    router.callback_query.register(take_fee, FeeCb.filter())
    router.callback_query.register(finish, FinishCb.filter())
    router.message.register(take_comment, StateFilter(SurveyStep.comment), TYPED)
    router.message.register(owner_command, Command("survey"), _is_owner)
    router.callback_query.register(owner_button, OwnerCb.filter(F.step == "o"))
    router.callback_query.register(send_poster, OwnerCb.filter(F.step == "p"))
    router.message.register(list_flags, Command("survey"), _is_reviewer)
    router.callback_query.register(decide, FlagCb.filter())
    router.callback_query.register(stale_survey_button, when(F.data.startswith("sv:")))
    return router
