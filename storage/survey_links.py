"""The survey's links: each office's random token in its deep link `/start s_<token>`.

A token is 14 characters (about 70 bits): nothing in a link says which office it is, and a token
can be rotated when a poster is abused. The same token serves Bale and Telegram. Repository
functions; they never commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.text import to_ascii_digits
from storage.exclusive import serialize
from storage.models import Office
from storage.models_survey import SurveyLink

PAYLOAD_PREFIX = "s_"
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/1, o/0: a link may be read aloud
TOKEN_LENGTH = 14
TOKEN_MAX = 24  # what a link may carry (the column's width); new tokens are TOKEN_LENGTH
_TOKEN = re.compile(r"^[a-z0-9]{6,24}$")


@dataclass(frozen=True, slots=True)
class SurveyOffice:
    id: int
    code: str
    name: str
    city: str
    region_code: int
    holder_phone: str
    token: str


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def payload(token: str) -> str:
    return PAYLOAD_PREFIX + token


def token_from_payload(args: str | None) -> str | None:
    """`s_<token>` → the token; None for anything that is not one."""
    text = (args or "").strip()
    if not text.startswith(PAYLOAD_PREFIX):
        return None
    token = text[len(PAYLOAD_PREFIX):].lower()
    return token if _TOKEN.match(token) else None


def deep_link(platform: str, username: str, token: str) -> str:
    """The link a poster's QR code holds: Telegram's t.me or Bale's ble.ir."""
    host = "ble.ir" if platform == "bale" else "t.me"
    return f"https://{host}/{username.lstrip('@')}?start={payload(token)}"


def _survey_office(office: Office, token: str) -> SurveyOffice:
    return SurveyOffice(office.id, office.code, office.name, office.city, office.region_code,
                        office.holder_phone, token)


async def _active_tokens(session: AsyncSession, office_ids: list[int]) -> dict[int, str]:
    tokens: dict[int, str] = {}
    for start in range(0, len(office_ids), 500):
        chunk = office_ids[start:start + 500]
        tokens.update((await session.execute(
            select(SurveyLink.office_id, SurveyLink.token).where(
                SurveyLink.office_id.in_(chunk), SurveyLink.revoked_at.is_(None))
            .order_by(SurveyLink.id))).all())
    return tokens


async def ensure_links(session: AsyncSession, office_ids: list[int]) -> dict[int, str]:
    """The active token of each office, created where missing (flushes; the caller commits).
    Creating waits for any other transaction creating or rotating links, and looks again, so
    an owner's double tap on their first poster gives the office one token, not two."""
    tokens = await _active_tokens(session, office_ids)
    missing = [office_id for office_id in office_ids if office_id not in tokens]
    if missing:
        await serialize(session, "survey-links")
        tokens.update(await _active_tokens(session, missing))
        for office_id in missing:
            if office_id not in tokens:
                tokens[office_id] = new_token()
                session.add(SurveyLink(office_id=office_id, token=tokens[office_id]))
        await session.flush()
    return tokens


async def find_office(session: AsyncSession, code: str) -> SurveyOffice | None:
    """The office with this code (any digits) and its token, created if missing."""
    office = await session.scalar(select(Office).where(
        Office.code == to_ascii_digits(code).strip()))
    if office is None:
        return None
    tokens = await ensure_links(session, [office.id])
    return _survey_office(office, tokens[office.id])


async def rotate_token(session: AsyncSession, office_id: int, now: datetime) -> str:
    """Revoke the office's token (its posters stop working) and issue a new one."""
    await serialize(session, "survey-links")
    await session.execute(update(SurveyLink).where(
        SurveyLink.office_id == office_id, SurveyLink.revoked_at.is_(None))
        .values(revoked_at=now))
    token = new_token()
    session.add(SurveyLink(office_id=office_id, token=token))
    await session.flush()
    return token


async def office_for_token(session: AsyncSession, token: str) -> SurveyOffice | None:
    row = (await session.execute(
        select(Office, SurveyLink.token).join(SurveyLink, SurveyLink.office_id == Office.id)
        .where(SurveyLink.token == token, SurveyLink.revoked_at.is_(None)))).first()
    return _survey_office(row[0], row[1]) if row else None


async def office_links(session: AsyncSession, *, region: int | None = None,
                       office_code: str | None = None,
                       office_id: int | None = None) -> list[SurveyOffice]:
    """Offices (all, one region's, or one by code or id) with their tokens, by code; creates
    missing tokens (the caller commits)."""
    query = select(Office).order_by(Office.region_code, Office.code)
    if office_code is not None:
        query = query.where(Office.code == to_ascii_digits(office_code).strip())
    if office_id is not None:
        query = query.where(Office.id == office_id)
    if region is not None:
        query = query.where(Office.region_code == region)
    offices = list((await session.scalars(query)).all())
    tokens = await ensure_links(session, [o.id for o in offices])
    return [_survey_office(o, tokens[o.id]) for o in offices]
