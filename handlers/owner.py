"""What every owner-facing handler needs: which office, which period, which rubric, the draft.

Nothing here trusts the update beyond the sender's identity: the office is always one linked to the
actor's account, the period is always the one open now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import days_left, format_jalali_date, period_title
from scoring.rubric import Indicator, Rubric
from scoring.status import DeclarationStatus
from storage import declarations as decl
from storage.accounts import Actor
from storage.admin import current_period
from storage.db import STABLE_MEMO
from storage.records import OfficeRecord, PeriodRecord
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import menu_keyboard

S = DeclarationStatus
# The last instant of a window is one microsecond before it closes; its date is the last day.
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class OwnerContext:
    office: OfficeRecord
    period: PeriodRecord | None
    rubric: Rubric | None
    declaration_id: int | None

    @property
    def items(self) -> list[Indicator]:
        assert self.rubric is not None
        return list(self.rubric.applicable(self.office.office_type))


def actor_label(actor: Actor) -> str:
    return f"{actor.platform}:{actor.user_id}"


async def resolve(session: AsyncSession, actor: Actor, now: datetime, *, create: bool = False
                  ) -> OwnerContext | None:
    """The owner's office and current period; None when the account acts for no single office.
    Read once per update: a handler and the helpers it calls ask for it several times."""
    office_id = actor.office_id
    if office_id is None:
        return None
    memo = session.info.setdefault(STABLE_MEMO, {})
    key = ("context", office_id, now)
    known = memo.get(key)
    if known is not None and (known.declaration_id is not None or not create):
        return known
    memo[key] = context = await _resolve(session, actor, office_id, now, create)
    return context


async def _resolve(session: AsyncSession, actor: Actor, office_id: int, now: datetime,
                   create: bool) -> OwnerContext | None:
    office = await decl.get_office(session, office_id)
    if office is None:
        return None
    period = await current_period(session, now)
    if period is None:
        return OwnerContext(office, None, None, None)
    rubric = decl.period_rubric(period)
    declaration_id = await decl.find(session, office.id, period.id)
    if declaration_id is None and create and period.is_open(now):
        declaration_id, _ = await decl.open_draft(session, office.id, period, actor_label(actor))
    return OwnerContext(office, period, rubric, declaration_id)


def edit_refusal(period: PeriodRecord, view: decl.DeclarationView | None, now: datetime
                 ) -> tuple[str, dict[str, object]] | None:
    """Why the owner may not change the declaration now (a catalog key and its args), or None."""
    if view is not None and view.status in (S.CONFIRMED, S.PUBLISHED):
        return "declaration-locked", {}
    if period.is_open(now):
        return None
    if view is not None and view.status == S.RETURNED and view.grace_until and \
            now < view.grace_until:
        return None
    if now < period.opens_at:
        return "declaration-not-open-yet", {"date": format_jalali_date(period.opens_at)}
    return "declaration-closed", {"date": format_jalali_date(period.closes_at - _TICK)}


async def send_menu(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                    now: datetime) -> None:
    """The main menu: period, deadline in Jalali with days left, status and what is missing."""
    context = await resolve(session, actor, now)
    if context is None:
        await message.answer(t("menu-no-office"))
        return
    lines = [t("menu-office", name=context.office.name, code=context.office.code)]
    submitted = False
    if context.period is None or context.rubric is None:
        lines.append(t("menu-no-period"))
    else:
        period = context.period
        closes = format_jalali_date(period.closes_at - _TICK, t.lang)
        left = days_left(now, period.closes_at)
        if left < 0:
            lines.append(t("menu-period-closed", period=period_title(period.code, t.lang),
                           date=closes))
        else:
            lines.append(t("menu-period", period=period_title(period.code, t.lang), date=closes,
                           days=left))
        if context.declaration_id is None:
            lines.append(t("menu-status-none"))
        else:
            view = await decl.load(session, context.declaration_id, context.rubric)
            submitted = view.status != S.DRAFT
            lines.append(t("menu-status", status=t(f"status-{view.status}")))
            missing = decl.missing(context.rubric, context.office.office_type, view)
            if missing and view.status in (S.DRAFT, S.RETURNED):
                names = "، " if t.lang == "fa" else ", "
                lines.append(t("menu-missing", count=len(missing), items=names.join(
                    m.title_fa if t.lang == "fa" else m.title_en for m in missing)))
    await message.answer("\n".join(lines), reply_markup=menu_keyboard(
        t, has_period=context.period is not None and context.period.is_open(now),
        several_offices=len(actor.office_ids) > 1, submitted=submitted))


def menu_button(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-menu"), callback_data="menu:main")
    return kb.as_markup()

