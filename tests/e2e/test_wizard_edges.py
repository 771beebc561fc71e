"""The wizard under stress: a restart mid-way, the other platform, bad input of every kind,
forged buttons. Each bad input gets its message and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from demo.local import World, local_world
from scoring.rubric import load_sample_rubric
from scoring.text import to_persian_digits
from storage.models import Answer, Declaration, Evidence, Office
from tests.e2e.conftest import FIXED_NOW, make_jpeg, make_pdf

OWNER = "+989382413657"        # office 16598444
OTHER_OWNER = "+989171230001"  # office 71100001, another region


async def link_and_open(world: World, platform: str, user_id: int, phone: str = OWNER):
    user = world.user(platform, user_id, "مالک", phone=phone)
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("پرسش ۱ از")
    return user


async def answers(world: World) -> dict[str, object]:
    async with world.session() as session:
        rows = (await session.execute(select(Answer.item_key, Answer.value_json))).all()
    return {key: json.loads(value) for key, value in rows}


async def test_restart_mid_wizard_resumes_and_other_platform_continues(tmp_path: Path) -> None:
    jpeg = make_jpeg()
    async with local_world(tmp_path, now=FIXED_NOW) as world:
        user = await link_and_open(world, "bale", 501)
        await user.send_text("120")
        await user.wait_text("سند مالکیت")
        await user.send_photo(jpeg)
        await user.wait_text("فایل دریافت شد")
    # A new process: new sandbox, same database. Nothing typed or sent may be lost.
    async with local_world(tmp_path, now=FIXED_NOW, period_days=None) as world:
        user = world.user("bale", 501, "مالک", phone=OWNER)
        await user.send_command("/start")
        menu = await user.wait_text("مهلت خوداظهاری")
        assert "پیش‌نویس" in menu["text"]
        await user.press("✍️ ادامهٔ خوداظهاری")
        resumed = await user.wait_text("سند مالکیت")
        assert "تاکنون ۱ فایل" in resumed["text"]  # the same step, the photo still there
        assert await answers(world) == {"area": 120}
        # The same owner on Telegram continues the same declaration from the same step.
        other = world.user("telegram", 777, "مالک", phone=OWNER)
        await other.share_contact()
        await other.wait_text("مهلت خوداظهاری")
        await other.press("✍️ ادامهٔ خوداظهاری")
        assert "تاکنون ۱ فایل" in (await other.wait_text("سند مالکیت"))["text"]
        await other.press("✅ تمام")
        await other.wait_text("کارکنان دفتر")
        async with world.session() as session:
            assert await session.scalar(select(func.count()).select_from(Declaration)) == 1
            assert await session.scalar(select(func.count()).select_from(Evidence)) == 1


AREA_MIN = to_persian_digits(int(load_sample_rubric().indicator("area").min or 0))
BAD_NUMBERS = [
    ("دوازده", "عدد"), ("-5", "منفی"), ("NaN", "عدد"), ("inf", "عدد"), ("1e9", "عدد"),
    ("۱٬۲۳", "جداکننده"), ("3", AREA_MIN), ("99999999999999999999", "رقم"), ("12.5", "صحیح"),
    ("\u200f\u200f", "پاسخی نرسید"), ("۸۵ متر و نیم", "عدد"),
]


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_bad_answers_get_a_message_and_change_nothing(world: World, platform: str) -> None:
    user = await link_and_open(world, platform, 502)
    for text, expected in BAD_NUMBERS:
        await user.send_text(text)
        refusal, again = await user.wait_messages(2)
        assert expected in refusal["text"], (text, refusal["text"])
        assert "مساحت مفید دفتر" in again["text"]  # the same question again
    await user.send_sticker()
    assert "برچسب" in (await user.wait_message())["text"]
    await user.wait_text("مساحت مفید دفتر")
    await user.send_voice()
    assert "صدا" in (await user.wait_message())["text"]
    await user.wait_text("مساحت مفید دفتر")
    await user.send_photo(make_jpeg())
    assert "فایلی لازم نیست" in (await user.wait_message())["text"]
    await user.wait_text("مساحت مفید دفتر")
    assert await answers(world) == {}
    async with world.session() as session:
        assert await session.scalar(select(func.count()).select_from(Evidence)) == 0
    await user.send_text("۸۵٫۰")  # Persian decimal separator, a whole number after all
    assert "ذخیره شد" in (await user.wait_message())["text"]
    assert await answers(world) == {"area": 85}


async def test_hostile_files_are_refused_and_nothing_is_stored(world: World) -> None:
    user = await link_and_open(world, "telegram", 503)
    await user.send_text("85")
    await user.wait_text("سند مالکیت")
    pdf = make_pdf()
    cases = [
        (b"MZ\x90\x00 not a pdf at all", "report.pdf", "فقط عکس"),
        (pdf[: len(pdf) // 2], "truncated.pdf", "خراب"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "خراب"),
        (_bomb_png(), "bomb.png", "ابعاد"),
        (b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n", "huge.pdf", "مگابایت"),
    ]
    for data, name, expected in cases:
        await user.send_document(data, name)
        assert expected in (await user.wait_message(timeout=15))["text"], name
    async with world.session() as session:
        assert await session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert not any((world.settings.evidence_dir).rglob("*"))


def _bomb_png() -> bytes:
    """A valid PNG header claiming 100,000 × 100,000 pixels, in a few hundred bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


async def test_forged_buttons_are_refused_and_change_nothing(world: World) -> None:
    owner = await link_and_open(world, "bale", 504)
    await owner.send_text("85")
    await owner.wait_text("سند مالکیت")
    other = await link_and_open(world, "telegram", 505, OTHER_OWNER)
    await other.send_text("40")
    await other.wait_text("سند مالکیت")
    await other.send_photo(make_jpeg())
    await other.wait_text("فایل دریافت شد")
    period_id = world.period.id if world.period else 0
    async with world.session() as session:
        other_office = await session.scalar(select(Office.id).where(Office.code == "71100001"))
        other_file = await session.scalar(select(Evidence.id))
    before = await answers(world)
    forged = [
        (f"of:{other_office}", "متصل نیست"),                      # act for another office
        (f"w:{period_id}:er:{other_file}", "معتبر نیست"),          # delete its evidence
        (f"w:{period_id + 1}:a:location_urban:main_street", "معتبر نیست"),  # another period
        (f"w:{period_id}:a:location_urban:palace", "گزینه"),       # an option that is not there
        (f"w:{period_id}:e:no_such_item", "دیگر در فهرست"),        # a removed item
        ("rv:open:1", "معتبر نیست"),                               # a staff button, by an owner
        ("x" * 64, "معتبر نیست"),
    ]
    for data, expected in forged:
        await owner.press_callback(data)
        answer = await owner.wait_callback_answer()
        shown = answer.get("text") or ""
        if expected not in shown:  # some refusals come as a message after the alert
            shown += (await owner.wait_message())["text"]
        assert expected in shown, (data, shown)
    assert await answers(world) == before
    async with world.session() as session:
        assert (await session.get(Evidence, other_file)).removed_at is None
