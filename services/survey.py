"""The citizens' satisfaction survey: a citizen's steps from an office's poster, and the
owner's summary of their office's ratings.

A citizen: `begin` (the poster's link), `keep_phone` (their own number, once), `choose_service`,
`rate` (the faces: the rating is saved here), then the optional `set_fee` and `comment`, and
`finish`. Only a number the citizen proved to be their own (their contact card, its user id
theirs: kept on the account) makes a rating that counts; one from a card that does not say whose
it is is stored as unverified and left out of the score. Refusals carry the catalog key that
says why (`survey-closed`, `survey-own-office`, `survey-staff`, `survey-busy`,
`survey-too-many`); a button that is not (or no longer) the presser's is `survey-stale`. A
double tap on the faces leaves one rating.

The region's review of bursts and the command line's work: `services.survey_admin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from scoring.text import PhoneError, normalize_phone
from services.errors import Forbidden, Invalid, NotFound
from services.send_hours import by_day
from services.uow import UnitOfWork
from storage import linking
from storage import survey as sv
from storage import survey_scores as scores
from storage.accounts import Actor
from storage.declarations import period_rubric
from storage.records import PeriodRecord
from storage.survey import (
    STARS,
    RatingOutcome,
    RatingRecord,
    Service,
    SurveyOffice,
    SurveyRules,
    deep_link,
    rules_from_settings,
    token_from_payload,
)

# What the presentation needs besides the use cases: the faces, reading a poster's link and
# writing one, the rules from the settings.
__all__ = ["STARS", "Chosen", "KeptPhone", "Opened", "OwnerSurvey", "RatingOutcome", "Service",
           "SurveyOffice", "begin", "choose_service", "comment", "deep_link", "finish",
           "keep_phone", "owner_summary", "poster", "rate", "rules_from_settings", "set_fee",
           "token_from_payload"]


@dataclass(frozen=True, slots=True)
class Opened:
    """The office a poster's link names, and what the citizen is asked next: their number
    (`needs_phone`), else the service (`services`), told of their earlier rating if any."""

    office: SurveyOffice
    period: PeriodRecord
    needs_phone: bool
    previous: RatingRecord | None
    services: tuple[Service, ...]


@dataclass(frozen=True, slots=True)
class KeptPhone:
    phone: str
    proven: bool  # the contact card was the sender's own: kept on the account


@dataclass(frozen=True, slots=True)
class Chosen:
    office: SurveyOffice
    service: Service


@dataclass(frozen=True, slots=True)
class OwnerSurvey:
    """An owner's office with its survey link, and the period's counts (never who rated)."""

    office: SurveyOffice
    period: PeriodRecord | None
    summary: scores.SurveySummary | None
    points: Decimal | None  # the satisfaction line's points
    max_points: Decimal | None


async def begin(uow: UnitOfWork, actor: Actor, token: str | None, phone: str | None,
                now: datetime) -> Opened:
    """Open the survey of the office whose link this is. `phone`: the citizen's number if
    known (the account's, or this survey's unproven card). Refusals: `survey-bad-link`,
    `survey-closed`, `survey-own-office`, `survey-staff`."""
    async with uow:
        office = await sv.office_for_token(uow.session, token) if token else None
        if office is None:
            raise NotFound("survey-bad-link")
        period = await sv.survey_period(uow.session, now)
        if period is None:
            raise Invalid("survey-closed")
        await _check_may_rate(uow, actor, office, phone)
        if phone is None:
            return Opened(office, period, True, None, ())
        previous = await sv.previous_rating(uow.session, period.id, office.id, phone,
                                            verified=_verified(actor, phone),
                                            account_id=actor.account_id)
        return Opened(office, period, False, previous, tuple(await sv.services(uow.session)))


def _verified(actor: Actor, phone: str) -> bool:
    """The number is the citizen's own: the account's, which only a card proven to be the
    sender's sets. Any other (this survey's unproven card) makes an unverified rating."""
    return actor.phone is not None and actor.phone == phone


async def _check_may_rate(uow: UnitOfWork, actor: Actor, office: SurveyOffice,
                          phone: str | None) -> None:
    why = await sv.refusal(uow.session, office, office_ids=actor.office_ids,
                           is_staff=actor.is_staff, phone=phone)
    if why is not None:
        raise Forbidden(why)


async def keep_phone(uow: UnitOfWork, actor: Actor, *, contact_user_id: int | None,
                     phone_number: str) -> KeptPhone:
    """The citizen's number from a contact card. Refused (`survey-not-own-contact`) when the
    card is someone else's; `survey-bad-number` when it is no Iranian mobile number. A card
    that says whose it is (the sender's) is kept on the account, so it is asked only once; one
    that does not (Bale may leave the id out) serves this survey only."""
    if contact_user_id is not None and contact_user_id != actor.user_id:
        raise Invalid("survey-not-own-contact")
    try:
        phone = normalize_phone(phone_number)
    except PhoneError as error:
        raise Invalid("survey-bad-number") from error
    if contact_user_id is None:
        return KeptPhone(phone, proven=False)
    async with uow:
        await linking.set_phone(uow.session, actor.account_id, phone)
        await uow.commit()
    return KeptPhone(phone, proven=True)


async def choose_service(uow: UnitOfWork, token: str, service_key: str) -> Chosen:
    """The office of a service button, and the service (`survey-stale` for a button of a
    revoked link or a service no longer offered)."""
    async with uow:
        office = await sv.office_for_token(uow.session, token)
        service = next((s for s in await sv.services(uow.session) if s.key == service_key),
                       None)
    if office is None or service is None:
        raise NotFound("survey-stale")
    return Chosen(office, service)


async def rate(uow: UnitOfWork, actor: Actor, *, token: str, service_key: str, stars: int,
               phone: str | None, platform: str, now: datetime,
               rules: SurveyRules = SurveyRules()) -> RatingOutcome:
    """Save the citizen's rating (a later one from the same number replaces it; a burst holds it
    for the region). Refusals: `survey-stale` (a forged or old button), `survey-closed`,
    `survey-ask-contact` (the number is no longer known: ask for it again), `survey-own-office`,
    `survey-staff`, `survey-busy`, `survey-too-many`."""
    if stars not in sv.STARS:
        raise NotFound("survey-stale")
    async with uow:
        office = await sv.office_for_token(uow.session, token)
        if office is None:
            raise NotFound("survey-stale")
        period = await sv.survey_period(uow.session, now)
        if period is None:
            raise Invalid("survey-closed")
        if phone is None:
            raise Invalid("survey-ask-contact")
        await _check_may_rate(uow, actor, office, phone)
        if service_key not in {s.key for s in await sv.services(uow.session)}:
            raise NotFound("survey-stale")
        try:
            outcome = await sv.rate(uow.session, office=office, period=period,
                                    account_id=actor.account_id, platform=platform,
                                    phone=phone, service=service_key, stars=stars, now=now,
                                    rules=rules, verified=_verified(actor, phone),
                                    not_before=by_day(now))
        except sv.SurveyRefusal as refusal:
            raise Forbidden(refusal.key, **refusal.args_) from refusal
        await uow.commit()
    return outcome


async def set_fee(uow: UnitOfWork, actor: Actor, rating_id: int, asked: bool | None) -> None:
    """Was a fee beyond the tariff asked (None: rather not say). `survey-stale` unless the
    rating is the presser's own."""
    async with uow:
        if not await sv.set_fee(uow.session, rating_id, actor.account_id, asked):
            raise NotFound("survey-stale")
        await uow.commit()


async def comment(uow: UnitOfWork, actor: Actor, rating_id: int, text: str) -> None:
    """The citizen's comment on their rating (`survey-stale` unless it is theirs)."""
    async with uow:
        if not await sv.set_comment(uow.session, rating_id, actor.account_id, text):
            raise NotFound("survey-stale")
        await uow.commit()


async def finish(uow: UnitOfWork, actor: Actor, rating_id: int) -> None:
    """The citizen is done (`survey-stale` unless the rating is theirs)."""
    async with uow:
        if not await sv.owns_rating(uow.session, rating_id, actor.account_id):
            raise NotFound("survey-stale")


# --- the owner -------------------------------------------------------------------------------

def _own_office(actor: Actor) -> int:
    if actor.office_id is None:
        raise Forbidden("pick-office-first" if actor.office_ids else "not-linked")
    return actor.office_id


async def owner_summary(uow: UnitOfWork, actor: Actor, now: datetime,
                        rules: SurveyRules = SurveyRules()) -> OwnerSurvey:
    """The owner's office (its survey link made on first use) and the current period's counts,
    mean and satisfaction points. Refused (`pick-office-first`, `not-linked`) without one
    office to act for."""
    office_id = _own_office(actor)
    async with uow:
        [office] = await sv.office_links(uow.session, office_id=office_id)
        period = await sv.survey_period(uow.session, now)
        result = OwnerSurvey(office, period, None, None, None)
        if period is not None:
            rubric = period_rubric(period)
            summary = await scores.office_summary(uow.session, period.id, office.id, rubric,
                                                  rules)
            line = scores.satisfaction_line(rubric, summary)
            result = OwnerSurvey(office, period, summary, line.points,
                                 rubric.external.satisfaction.points)
        await uow.commit()
    return result


async def poster(uow: UnitOfWork, actor: Actor) -> SurveyOffice:
    """The owner's office with its survey link, for its poster (`pick-office-first`,
    `not-linked` without one office to act for)."""
    office_id = _own_office(actor)
    async with uow:
        [office] = await sv.office_links(uow.session, office_id=office_id)
        await uow.commit()
    return office
