"""/start, linking an account to its office, the main menu, help, language and office switch."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from handlers.owner import actor_label, send_menu
from scoring.text import PhoneError, normalize_phone
from storage import linking
from storage.accounts import Actor, load_actor
from storage.admin import list_experts
from storage.models import Account, Office
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import contact_keyboard

router = Router(name=__name__)


async def _reload(session: AsyncSession, actor: Actor) -> Actor:
    return await load_actor(session, actor.platform, actor.user_id)


async def _experts_text(session: AsyncSession, t: Translator) -> str:
    experts = await list_experts(session)
    return "\n".join(t("link-expert-line", name=e.name, phone=e.phone) for e in experts)


@router.message(CommandStart())
async def start(message: Message, command: CommandObject, session: AsyncSession, actor: Actor,
                t: Translator, clock: Clock) -> None:
    if command.args:
        await _redeem(message, command.args, session, actor, t, clock)
        return
    if actor.office_ids:
        await send_menu(message, session, actor, t, clock.now())
        return
    if actor.is_staff:
        lines = [t("start-staff", name=actor.first_name)]
        for role in ("reviewer", "association", "hq"):
            if actor.has_role(role):
                lines.append(t(f"start-staff-{role}"))
        if actor.is_answerer:
            lines.append(t("start-staff-answerer"))
        await message.answer("\n".join(lines))
        return
    await message.answer(t("start-welcome"))
    await message.answer(t("link-ask-contact"), reply_markup=contact_keyboard(t))


async def _redeem(message: Message, code: str, session: AsyncSession, actor: Actor,
                  t: Translator, clock: Clock) -> None:
    result = await linking.redeem_code(session, actor.account_id, code, clock.now(),
                                       actor_label(actor))
    if isinstance(result, str):
        await message.answer(t(f"link-{result}"))
        return
    await message.answer(t("link-done", name=result.name, code=result.code),
                         reply_markup=ReplyKeyboardRemove())
    await send_menu(message, session, await _reload(session, actor), t, clock.now())


@router.message(F.contact)
async def take_contact(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       clock: Clock) -> None:
    contact = message.contact
    assert contact is not None and message.from_user is not None
    if contact.user_id is None or contact.user_id != message.from_user.id:
        # Someone else's card, or a platform that does not say whose it is: not proof.
        await message.answer(t("link-not-own-contact"), reply_markup=ReplyKeyboardRemove())
        return
    try:
        phone = normalize_phone(contact.phone_number)
    except PhoneError:
        await message.answer(t("link-bad-number"), reply_markup=ReplyKeyboardRemove())
        return
    offices = await linking.offices_for_phone(session, phone)
    await linking.set_phone(session, actor.account_id, phone)
    if not offices:
        await session.commit()
        await message.answer(t("link-no-match", experts=await _experts_text(session, t)),
                             reply_markup=ReplyKeyboardRemove())
        return
    await linking.link(session, actor.account_id, [o.id for o in offices], "contact",
                       actor_label(actor))
    await session.commit()
    if len(offices) == 1:
        await message.answer(t("link-done", name=offices[0].name, code=offices[0].code),
                             reply_markup=ReplyKeyboardRemove())
        await send_menu(message, session, await _reload(session, actor), t, clock.now())
        return
    await message.answer(t("link-done-several", count=len(offices)),
                         reply_markup=ReplyKeyboardRemove())
    await _ask_office(message, offices, t)


async def _ask_office(message: Message, offices: list[Office], t: Translator) -> None:
    kb = InlineKeyboardBuilder()
    for office in offices:
        kb.button(text=f"{office.name} ({office.code})", callback_data=f"of:{office.id}")
    kb.adjust(1)
    await message.answer(t("link-pick-office"), reply_markup=kb.as_markup())


@router.callback_query(F.data.startswith("of:"))
async def pick_office(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                      t: Translator, clock: Clock) -> None:
    raw = (callback.data or "").split(":", 1)[1]
    office_id = int(raw) if raw.isdigit() else -1
    if not await linking.choose_office(session, actor.account_id, office_id):
        await callback.answer(t("not-your-office"), show_alert=True)
        return
    await session.commit()
    await callback.answer()
    office = await session.get(Office, office_id)
    assert office is not None and isinstance(callback.message, Message)
    await callback.message.answer(t("link-chosen", name=office.name, code=office.code))
    await send_menu(callback.message, session, await _reload(session, actor), t, clock.now())


@router.callback_query(F.data == "menu:offices")
async def switch_office(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                        t: Translator) -> None:
    await callback.answer()
    offices = [await session.get(Office, i) for i in actor.office_ids]
    assert isinstance(callback.message, Message)
    await _ask_office(callback.message, [o for o in offices if o is not None], t)


@router.callback_query(F.data == "menu:main")
async def menu(callback: CallbackQuery, session: AsyncSession, actor: Actor, t: Translator,
               clock: Clock) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    await send_menu(callback.message, session, actor, t, clock.now())


@router.callback_query(F.data == "menu:help")
async def show_help(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("help-text"))


@router.callback_query(F.data == "menu:lang")
async def ask_language(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text="فارسی", callback_data="lang:fa")
    kb.button(text="English", callback_data="lang:en")
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("language-ask"), reply_markup=kb.as_markup())


@router.callback_query(F.data.in_({"lang:fa", "lang:en"}))
async def set_language(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                       platform: str, clock: Clock) -> None:
    lang = (callback.data or "lang:fa").split(":")[1]
    await session.execute(update(Account).where(Account.id == actor.account_id)
                          .values(locale=lang))
    await session.commit()
    await callback.answer()
    t = Translator(lang, platform)
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("language-set"))
    await send_menu(callback.message, session, await _reload(session, actor), t, clock.now())


def unlinked(_event: object, actor: Actor) -> bool:
    return not actor.office_ids and not actor.is_staff


@router.message(F.text.regexp(r"^\s*[A-Za-z0-9]{8}\s*$"), unlinked)
async def maybe_code(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     clock: Clock) -> None:
    """An unlinked owner may type the code instead of using the link."""
    await _redeem(message, message.text or "", session, actor, t, clock)
