"""The citizens' satisfaction survey in the bot.

A citizen scans an office's poster and lands on `/start s_<token>`: the office's name and city,
their own number once (a contact card), «which service», a rating with faces, an optional «was a
fee beyond the tariff asked», an optional comment, thanks. Five taps, six the first time.

The rating is written as soon as the faces are tapped, so leaving after that loses nothing; the
optional steps update it. Callback data carries the office's link token (unguessable, so a forged
button cannot reach an office its poster was not scanned for) or a rating id that must belong to
the presser's account. The contact and comment steps are FSM states: losing them (a restart)
only means the citizen scans again.

The owner's `/survey` (or the menu's «sv:o» button) shows the period's counts, mean and score and
the poster; a reviewer's `/survey` lists the region's held bursts to count or set aside.
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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import format_jalali_date, period_title
from scoring.text import PhoneError, normalize_phone
from services.clock import Clock
from storage import linking
from storage import survey as sv
from storage import survey_scores as scores
from storage.accounts import Actor
from storage.admin import AdminError
from storage.declarations import period_rubric
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import contact_keyboard

log = logging.getLogger(__name__)
router = Router(name=__name__)
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


# --- the citizen -----------------------------------------------------------------------------

@router.message(SURVEY_START)
async def open_survey(message: Message, command: CommandObject, session: AsyncSession,
                      actor: Actor, t: Translator, clock: Clock, state: FSMContext) -> None:
    token = sv.token_from_payload(command.args)
    office = await sv.office_for_token(session, token) if token else None
    if office is None:
        await message.answer(t("survey-bad-link"))
        return
    await state.set_state(None)
    await _begin(message, office, session, actor, t, clock, state)


async def _begin(message: Message, office: sv.SurveyOffice, session: AsyncSession,
                 actor: Actor, t: Translator, clock: Clock, state: FSMContext, *,
                 intro: bool = True) -> None:
    period = await sv.survey_period(session, clock.now())
    if period is None:
        await message.answer(t("survey-closed"))
        return
    phone = await _phone(actor, state)
    why = await sv.refusal(session, office, office_ids=actor.office_ids,
                           is_staff=actor.is_staff, phone=phone)
    if why is not None:
        await message.answer(t(why))
        return
    lines = [t("survey-intro", name=office.name, city=office.city)] if intro else []
    if phone is None:
        await state.set_state(SurveyStep.contact)
        await state.update_data(survey_token=office.token)
        lines.append(t("survey-ask-contact"))
        await message.answer("\n\n".join(lines), reply_markup=contact_keyboard(t))
        return
    previous = await sv.previous_rating(session, period.id, office.id, phone)
    if previous is not None:
        lines.append(t("survey-previous", stars=Markup(t(f"survey-stars-{previous.stars}"))))
    lines.append(t("survey-ask-service"))
    await message.answer("\n\n".join(lines),
                         reply_markup=await _services_keyboard(session, office.token, t))


async def _services_keyboard(session: AsyncSession, token: str, t: Translator
                             ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for service in await sv.services(session):
        kb.button(text=service.title(t.lang), callback_data=f"sv:s:{token}:{service.key}")
    kb.adjust(2)
    return kb.as_markup()


@router.message(StateFilter(SurveyStep.contact), F.contact)
async def take_contact(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       clock: Clock, state: FSMContext) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    if contact.user_id is not None and contact.user_id != message.from_user.id:
        await message.answer(t("survey-not-own-contact"), reply_markup=contact_keyboard(t))
        return
    try:
        phone = normalize_phone(contact.phone_number)
    except PhoneError:
        await state.clear()
        await message.answer(t("survey-bad-number"), reply_markup=ReplyKeyboardRemove())
        return
    if contact.user_id is not None:  # proven: kept, so the citizen never sends it again
        await linking.set_phone(session, actor.account_id, phone)
        await session.commit()
        actor = _with_phone(actor, phone)
    else:  # a platform that does not say whose card it is: good for this survey only
        await state.update_data(survey_phone=phone)
    token = (await state.get_data()).get("survey_token")
    await state.set_state(None)
    await message.answer(t("survey-number-saved"), reply_markup=ReplyKeyboardRemove())
    office = await sv.office_for_token(session, token) if token else None
    if office is None:
        await message.answer(t("survey-stale"))
        return
    await _begin(message, office, session, actor, t, clock, state, intro=False)


def _with_phone(actor: Actor, phone: str) -> Actor:
    return replace(actor, phone=phone)


@router.message(StateFilter(SurveyStep.contact))
async def reject_not_contact(message: Message, t: Translator) -> None:
    await message.answer(t("survey-contact-again"), reply_markup=contact_keyboard(t))


async def _office_from(callback: CallbackQuery, session: AsyncSession, t: Translator,
                       token: str) -> sv.SurveyOffice | None:
    office = await sv.office_for_token(session, token)
    if office is None:
        await callback.answer(t("survey-stale"), show_alert=True)
    return office


@router.callback_query(F.data.startswith("sv:s:"))
async def pick_service(callback: CallbackQuery, session: AsyncSession, t: Translator) -> None:
    parts = (callback.data or "").split(":")
    if len(parts) != 4:
        await callback.answer(t("survey-stale"), show_alert=True)
        return
    office = await _office_from(callback, session, t, parts[2])
    if office is None:
        return
    service = next((s for s in await sv.services(session) if s.key == parts[3]), None)
    if service is None:
        await callback.answer(t("survey-stale"), show_alert=True)
        return
    await callback.answer()
    kb = InlineKeyboardBuilder()
    for stars in reversed(sv.STARS):  # best first, one a row: the same in both directions
        kb.button(text=t(f"survey-stars-{stars}"),
                  callback_data=f"sv:r:{office.token}:{service.key}:{stars}")
    kb.adjust(1)
    await _back(callback).answer(t("survey-ask-stars", service=service.title(t.lang)),
                                 reply_markup=kb.as_markup())


@router.callback_query(F.data.startswith("sv:r:"))
async def take_stars(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                     t: Translator, clock: Clock, state: FSMContext, platform: str,
                     settings: Any = None) -> None:
    parts = (callback.data or "").split(":")
    if len(parts) != 5 or parts[4] not in {str(s) for s in sv.STARS}:
        await callback.answer(t("survey-stale"), show_alert=True)
        return
    office = await _office_from(callback, session, t, parts[2])
    if office is None:
        return
    message = _back(callback)
    now = clock.now()
    period = await sv.survey_period(session, now)
    phone = await _phone(actor, state)
    if period is None or phone is None:
        await callback.answer()
        if period is None:
            await message.answer(t("survey-closed"))
        else:  # the FSM forgot an unproven number: start over from the poster's link
            await _begin(message, office, session, actor, t, clock, state)
        return
    why = await sv.refusal(session, office, office_ids=actor.office_ids,
                           is_staff=actor.is_staff, phone=phone)
    if why is not None:
        await callback.answer()
        await message.answer(t(why))
        return
    if parts[3] not in {s.key for s in await sv.services(session)}:
        await callback.answer(t("survey-stale"), show_alert=True)
        return
    for attempt in (1, 2):
        try:
            outcome = await sv.rate(session, office=office, period=period,
                                    account_id=actor.account_id, platform=platform,
                                    phone=phone, service=parts[3], stars=int(parts[4]),
                                    now=now, rules=sv.rules_from_settings(settings))
            await session.commit()
            break
        except sv.SurveyRefusal as refusal:
            await session.rollback()
            await callback.answer()
            await message.answer(t(refusal.key, **refusal.args_))
            return
        except IntegrityError:
            # A double tap: the other tap inserted this number's rating a moment ago. Once more
            # replaces it, as a later rating does.
            await session.rollback()
            if attempt == 2:
                raise
    if outcome.new_flag:
        log.info("survey burst at office %s: flag %s", office.code, outcome.flag_id)
    await callback.answer()
    rating_id = outcome.rating.id
    kb = InlineKeyboardBuilder()
    kb.button(text=t("survey-button-yes"), callback_data=f"sv:f:{rating_id}:y")
    kb.button(text=t("survey-button-no"), callback_data=f"sv:f:{rating_id}:n")
    kb.button(text=t("survey-button-skip"), callback_data=f"sv:f:{rating_id}:x")
    kb.adjust(2, 1)
    stars = Markup(t(f"survey-stars-{outcome.rating.stars}"))
    await message.answer(f"{t('survey-rated', stars=stars)}\n\n{t('survey-ask-fee')}",
                         reply_markup=kb.as_markup())


@router.callback_query(F.data.startswith("sv:f:"))
async def take_fee(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                   t: Translator, clock: Clock, state: FSMContext) -> None:
    parts = (callback.data or "").split(":")
    answer = parts[3] if len(parts) == 4 else ""
    if not parts[2].isdigit() or answer not in ("y", "n", "x") or not await sv.set_fee(
            session, int(parts[2]), actor.account_id, {"y": True, "n": False}.get(answer)):
        await callback.answer(t("survey-stale"), show_alert=True)
        return
    await session.commit()
    await callback.answer()
    await state.set_state(SurveyStep.comment)
    await state.update_data(survey_rating=int(parts[2]),
                            survey_until=(clock.now() + COMMENT_WINDOW).timestamp())
    kb = InlineKeyboardBuilder()
    kb.button(text=t("survey-button-finish"), callback_data=f"sv:c:{parts[2]}")
    lines = [t("survey-fee-noted")] if answer == "y" else []
    lines.append(t("survey-ask-comment"))
    await _back(callback).answer("\n\n".join(lines), reply_markup=kb.as_markup())


@router.callback_query(F.data.startswith("sv:c:"))
async def finish(callback: CallbackQuery, session: AsyncSession, actor: Actor, t: Translator,
                 state: FSMContext) -> None:
    raw = (callback.data or "").split(":")[-1]
    if not raw.isdigit() or await sv.own_rating(session, int(raw), actor.account_id) is None:
        await callback.answer(t("survey-stale"), show_alert=True)
        return
    await state.set_state(None)
    await callback.answer()
    await _back(callback).answer(t("survey-thanks"))


@router.message(StateFilter(SurveyStep.comment), F.text, ~F.text.startswith("/"))
async def take_comment(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       clock: Clock, state: FSMContext) -> None:
    data = await state.get_data()
    rating_id = data.get("survey_rating")
    await state.set_state(None)
    if clock.now().timestamp() > data.get("survey_until", 0):
        # Long after the question: the text is meant for something else (an owner's wizard).
        raise SkipHandler
    if not isinstance(rating_id, int) or not await sv.set_comment(
            session, rating_id, actor.account_id, message.text or ""):
        await message.answer(t("survey-stale"))
        return
    await session.commit()
    await message.answer(t("survey-thanks"))


# --- the owner -------------------------------------------------------------------------------

def _is_owner(_event: object, actor: Actor) -> bool:
    return bool(actor.office_ids)


@router.message(Command("survey"), _is_owner)
async def owner_command(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                        clock: Clock, settings: Any = None, app: Any = None) -> None:
    await _owner_summary(message, session, actor, t, clock, settings, app)


@router.callback_query(F.data == "sv:o")
async def owner_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                       t: Translator, clock: Clock, settings: Any = None,
                       app: Any = None) -> None:
    await callback.answer()
    await _owner_summary(_back(callback), session, actor, t, clock, settings, app)


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


async def _owner_summary(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                         clock: Clock, settings: Any, app: Any) -> None:
    office_id = actor.office_id
    if office_id is None:
        await message.answer(t("pick-office-first" if actor.office_ids else "not-linked"))
        return
    links = await sv.office_links(session, office_id=office_id)
    await session.commit()
    office = links[0]
    lines = [t("survey-owner-title", name=office.name)]
    period = await sv.survey_period(session, clock.now())
    if period is None:
        lines.append(t("survey-owner-no-period"))
    else:
        rubric = period_rubric(period)
        summary = await scores.office_summary(session, period.id, office.id, rubric,
                                              sv.rules_from_settings(settings))
        spec = rubric.external.satisfaction
        line = scores.satisfaction_line(rubric, summary)
        lines.append(t("survey-owner-period", period=period_title(period.code, t.lang)))
        if summary.respondents >= summary.shown_from:
            lines.append(t("survey-owner-counted", count=summary.respondents,
                           mean=summary.mean))
            s = summary.stars
            lines.append(t("survey-owner-stars", s1=s[0], s2=s[1], s3=s[2], s4=s[3], s5=s[4]))
        elif summary.respondents:
            lines.append(t("survey-owner-counted-few", count=summary.respondents,
                           min=summary.shown_from))
        elif not summary.held:
            lines.append(t("survey-owner-none"))
        if summary.held:
            lines.append(t("survey-owner-held", count=summary.held))
        if summary.enough:
            lines.append(t("survey-owner-points", points=line.points, max=spec.points))
        else:
            lines.append(t("survey-owner-below", min=summary.min_respondents,
                           points=line.points, max=spec.points))
    lines.append(t("survey-owner-poster-hint"))
    kb = InlineKeyboardBuilder()
    for platform, name in (await usernames(settings, app)).items():
        kb.button(text=t(f"survey-button-link-{platform}"),
                  url=sv.deep_link(platform, name, office.token))
    kb.button(text=t("survey-button-poster"), callback_data="sv:p")
    kb.adjust(1)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


@router.callback_query(F.data == "sv:p")
async def send_poster(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                      t: Translator, settings: Any = None, app: Any = None) -> None:
    from documents.posters import poster_pdf

    office_id = actor.office_id
    if office_id is None:
        await callback.answer(t("pick-office-first"), show_alert=True)
        return
    await callback.answer()
    links = await sv.office_links(session, office_id=office_id)
    await session.commit()
    office = links[0]
    # A second of matplotlib: off the event loop (the figure is built without pyplot).
    data = await asyncio.to_thread(poster_pdf, [office], await usernames(settings, app), t.lang)
    await _back(callback).answer_document(
        BufferedInputFile(data, f"survey-{office.code}.pdf"),
        caption=t("survey-poster-caption", name=office.name))


# --- the region ------------------------------------------------------------------------------

def _reviewer_regions(actor: Actor) -> set[int] | None:
    """The regions whose bursts this account reviews; None for HQ (all)."""
    return None if actor.has_role("hq") else actor.regions("reviewer")


def _is_reviewer(_event: object, actor: Actor) -> bool:
    return actor.has_role("reviewer") or actor.has_role("hq")


@router.message(Command("survey"), _is_reviewer)
async def list_flags(message: Message, session: AsyncSession, actor: Actor,
                     t: Translator) -> None:
    open_flags = await scores.flags(session, regions=_reviewer_regions(actor))
    if not open_flags:
        await message.answer(t("survey-flags-none"))
        return
    await message.answer(t("survey-flags-title", count=len(open_flags)))
    for flag in open_flags[:10]:
        separator = "، " if t.lang == "fa" else ", "
        reasons = Markup(separator.join(t(f"survey-reason-{r}") for r in flag.reason.split(",")))
        kb = InlineKeyboardBuilder()
        kb.button(text=t("survey-button-clear"), callback_data=f"sv:k:{flag.id}")
        kb.button(text=t("survey-button-reject"), callback_data=f"sv:x:{flag.id}")
        kb.adjust(2)
        await message.answer(t("survey-flag-line", name=flag.office_name, code=flag.office_code,
                               count=flag.ratings, reason=reasons,
                               date=format_jalali_date(flag.first_at, t.lang)),
                             reply_markup=kb.as_markup())


@router.callback_query(F.data.regexp(r"^sv:[kx]:\d+$"), _is_reviewer)
async def decide(callback: CallbackQuery, session: AsyncSession, actor: Actor, t: Translator,
                 clock: Clock) -> None:
    _, action, raw = (callback.data or "").split(":")
    decision = "clear" if action == "k" else "reject"
    try:
        flag = await scores.decide_flag(session, int(raw), decision, now=clock.now(),
                                        actor=f"{actor.platform}:{actor.user_id}",
                                        account_id=actor.account_id,
                                        regions=_reviewer_regions(actor))
    except AdminError:
        await session.rollback()
        await callback.answer(t("survey-flag-decided"), show_alert=True)
        return
    await callback.answer()
    key = "survey-flag-cleared" if decision == "clear" else "survey-flag-rejected"
    await _back(callback).answer(t(key, name=flag.office_name, count=flag.ratings))
