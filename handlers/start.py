"""/start, linking an account to its office, the main menu, help, language and office switch."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from handlers.filters import when
from handlers.owner import greet, send_menu, staff_tasks
from services import accounts, linking
from services.clock import Clock
from services.errors import ServiceError
from services.linking import Linked, NoMatch
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.records import ExpertRecord, OfficeRecord
from texts.callbacks import LangCb, MenuCb, OfficeCb
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import contact_keyboard


def _experts_text(experts: tuple[ExpertRecord, ...], t: Translator) -> str:
    return "\n".join(t("link-expert-line", name=e.name, phone=e.phone) for e in experts)


async def start(message: Message, command: CommandObject, actor: Actor,
                t: Translator, clock: Clock, uow: UnitOfWork) -> None:
    if command.args:
        await _redeem(message, command.args, actor, t, clock, uow)
        return
    if actor.is_staff:  # an owner who also holds a staff role sees both: tasks, then the menu
        await message.answer(staff_tasks(actor, t))
    if actor.office_ids:
        await send_menu(message, uow, actor, t, clock.now())
        return
    if actor.is_staff:
        return
    await message.answer(t("start-welcome"))
    await message.answer(t("link-ask-contact"), reply_markup=contact_keyboard(t))


async def _redeem(message: Message, code: str, actor: Actor,
                  t: Translator, clock: Clock, uow: UnitOfWork) -> None:
    try:
        linked = await linking.redeem_code(uow, actor, code, clock.now())
    except ServiceError as error:
        await message.answer(t(error.code, **error.params))
        return
    if linked.joined is not None:  # a staff invite: the role is theirs from now on
        await message.answer(greet(t, "staff-joined", linked.actor),
                             reply_markup=ReplyKeyboardRemove())
        return
    office = linked.offices[0]
    await message.answer(t("link-done", name=office.name, code=office.code),
                         reply_markup=ReplyKeyboardRemove())
    await send_menu(message, uow, linked.actor, t, clock.now())


async def take_contact(message: Message, actor: Actor, t: Translator,
                       clock: Clock, uow: UnitOfWork) -> None:
    contact = message.contact
    assert contact is not None
    try:
        outcome = await linking.link_by_contact(uow, actor, contact_user_id=contact.user_id,
                                                phone=contact.phone_number)
    except ServiceError as error:
        # Someone else's card: the text asks for their own, so the button that sends it stays.
        keyboard = contact_keyboard(t) if error.code == "link-not-own-contact" \
            else ReplyKeyboardRemove()
        await message.answer(t(error.code, **error.params), reply_markup=keyboard)
        return
    if isinstance(outcome, NoMatch):
        await message.answer(t("link-no-match", experts=_experts_text(outcome.experts, t)),
                             reply_markup=ReplyKeyboardRemove())
        return
    await _linked(message, uow, outcome, t, clock)


async def _linked(message: Message, uow: UnitOfWork, linked: Linked, t: Translator,
                  clock: Clock) -> None:
    offices = linked.offices
    if len(offices) == 1:
        await message.answer(t("link-done", name=offices[0].name, code=offices[0].code),
                             reply_markup=ReplyKeyboardRemove())
        await send_menu(message, uow, linked.actor, t, clock.now())
        return
    await message.answer(t("link-done-several", count=len(offices)),
                         reply_markup=ReplyKeyboardRemove())
    await _ask_office(message, offices, t)


async def _ask_office(message: Message, offices: tuple[OfficeRecord, ...] | list[OfficeRecord],
                      t: Translator) -> None:
    # The names (which all begin «دفتر پیشخوان خدمات دولت») go in the message; a button carries
    # what tells the offices apart, short enough for a phone's width.
    kb = InlineKeyboardBuilder()
    lines = [t("link-pick-office")]
    for office in offices:
        lines.append(t("link-office-line", name=office.name, code=office.code))
        kb.button(text=t("link-office-button", city=office.city, code=office.code),
                  callback_data=OfficeCb(office=office.id))
    kb.adjust(1)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def pick_office(callback: CallbackQuery, callback_data: OfficeCb, actor: Actor,
                      t: Translator, clock: Clock, uow: UnitOfWork) -> None:
    try:
        chosen = await linking.choose_office(uow, actor, callback_data.office)
    except ServiceError as error:
        await callback.answer(t(error.code, **error.params), show_alert=True)
        return
    await callback.answer()
    office = chosen.offices[0]
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("link-chosen", name=office.name, code=office.code))
    await send_menu(callback.message, uow, chosen.actor, t, clock.now())


async def switch_office(callback: CallbackQuery, actor: Actor, t: Translator,
                        uow: UnitOfWork) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    await _ask_office(callback.message, await linking.own_offices(uow, actor), t)


async def menu(callback: CallbackQuery, actor: Actor, t: Translator, clock: Clock,
               uow: UnitOfWork) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    await send_menu(callback.message, uow, actor, t, clock.now())


async def show_help(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("help-text"))


async def ask_language(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text="فارسی", callback_data=LangCb(lang="fa"))
    kb.button(text="English", callback_data=LangCb(lang="en"))
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("language-ask"), reply_markup=kb.as_markup())


async def set_language(callback: CallbackQuery, callback_data: LangCb, actor: Actor,
                       platform: str, clock: Clock, uow: UnitOfWork) -> None:
    actor = await accounts.set_language(uow, actor, callback_data.lang)
    await callback.answer()
    t = Translator(actor.locale, platform)
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("language-set"))
    await send_menu(callback.message, uow, actor, t, clock.now())


async def unlinked(_event: object, actor: Actor) -> bool:
    return not actor.office_ids and not actor.is_staff


async def maybe_code(message: Message, actor: Actor, t: Translator,
                     clock: Clock, uow: UnitOfWork) -> None:
    """An unlinked owner may type the code instead of using the link; a linked one who sends
    the code it redeemed (`code_again`) is told again which office it is linked to."""
    await _redeem(message, message.text or "", actor, t, clock, uow)


async def code_again(message: Message, actor: Actor, uow: UnitOfWork) -> bool:
    """A linked account sending the code it redeemed: the update re-run after a kill between
    the link's commit and its reply, or the code typed twice. Any other text (an eight-digit
    answer to a question) goes on to the wizard."""
    return bool(actor.office_ids) and await linking.redeemed_by_me(uow, actor,
                                                                   message.text or "")


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(take_contact, when(F.contact))
    router.callback_query.register(pick_office, OfficeCb.filter())
    router.callback_query.register(switch_office, MenuCb.filter(F.action == "offices"))
    router.callback_query.register(menu, MenuCb.filter(F.action == "main"))
    router.callback_query.register(show_help, MenuCb.filter(F.action == "help"))
    router.callback_query.register(ask_language, MenuCb.filter(F.action == "lang"))
    router.callback_query.register(set_language, LangCb.filter())
    code = when(F.text.regexp(r"^\s*[A-Za-z0-9]{8}\s*$"))
    router.message.register(maybe_code, code, unlinked)
    router.message.register(maybe_code, code, code_again)
    return router
