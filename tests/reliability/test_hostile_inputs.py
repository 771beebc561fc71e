"""A corpus of hostile input: each case gets a clear Persian message, nothing crashes, nothing
that was saved changes, and nothing of another office is revealed.

The cases are sent one after another to an owner who stands on the first question (office area),
with one file already stored; the other office's name and code must never appear in a reply.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from demo.local import World
from storage.models import Answer, Evidence, Office
from tests.e2e.conftest import make_jpeg, make_pdf

OWNER = "+989382413657"        # office 16598444, region 4
OTHER = "+989171230001"        # office 71100001, region 7: must never leak
OTHER_SIGNS = ("71100001", "۷۱۱۰۰۰۰۱", "شیراز ۰۰۰۱")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str           # text | file | callback | sticker | voice | location | contact | command
    payload: Any
    expect: str         # a piece of the Persian message the owner must get


def _bomb_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + chunk(b"IEND", b""))


NUMBERS = [
    ("huge", "9" * 40, "رقم"), ("negative", "-85", "منفی"), ("nan", "NaN", "عدد"),
    ("inf", "inf", "عدد"), ("minus inf", "-Infinity", "عدد"), ("exponent", "1e309", "عدد"),
    ("bad grouping", "1,23", "جداکننده"), ("double comma", "12,,000", "جداکننده"),
    ("grouping in persian", "۸٬۵", "جداکننده"), ("too small", "0", "بین"),
    ("too large", "2001", "بین"), ("fraction", "85.5", "صحیح"),
    ("only marks", "\u200f\u200e\u200b", "پاسخی نرسید"), ("rlo number", "\u202e۹۹۹۹", "بین"),
    ("zero-width word", "هشتاد\u200cوپنج", "عدد"), ("emoji", "🏢🏢🏢", "عدد"),
    ("html", "<b>85</b>", "عدد"), ("markdown", "*85*", "عدد"),
    ("link", "[85](http://evil.example)", "عدد"), ("sql", "85; DROP TABLE offices", "عدد"),
    ("very long", "۸" * 5000, "رقم"), ("spaces", "      ", "پاسخی نرسید"),
    ("unit words", "٨٥ متر مربع", "عدد"), ("two numbers", "85 90", "عدد"),
    ("hex", "0x55", "عدد"), ("plus plus", "++85", "عدد"),
]


def corpus(period_id: int, other_office_id: int, other_file_id: int) -> list[Case]:
    pdf = make_pdf()
    cases = [Case(name, "text", text, expect) for name, text, expect in NUMBERS]
    cases += [
        Case("sticker", "sticker", None, "برچسب"),
        Case("voice", "voice", None, "صدا"),
        Case("location", "location", None, "مکان"),
        Case("photo instead of a number", "photo", make_jpeg(), "فایلی لازم نیست"),
        Case("someone else's contact", "contact", OTHER, "متعلق به حساب شما نیست"),
        Case("forged office", "callback", f"of:{other_office_id}", "متصل نیست"),
        Case("forged evidence removal", "callback", f"w:{period_id}:er:{other_file_id}",
             "معتبر نیست"),
        Case("another period", "callback", f"w:{period_id + 7}:a:location_urban:main_street",
             "معتبر نیست"),
        Case("unknown option", "callback", f"w:{period_id}:a:location_urban:palace", "گزینه"),
        Case("removed item", "callback", f"w:{period_id}:e:gone_item", "دیگر در فهرست"),
        Case("garbage callback", "callback", "\u202e<script>", "معتبر نیست"),
        Case("staff button", "callback", "rv:o:1", "معتبر نیست"),
        Case("ticket of another office", "callback", "tk:o:view:1:", "دفتر شما نیست"),
        Case("staff command /review", "command", "/review", "تعریف نشده"),
        Case("staff command /publish", "command", "/publish", "تعریف نشده"),
        Case("staff command /inbox", "command", "/inbox", "تعریف نشده"),
    ]
    # Files come last: the owner is then on the evidence step of the area question.
    files = [
        ("exe named pdf", b"MZ\x90\x00" + b"\x00" * 200, "x.pdf", "فقط عکس"),
        ("truncated pdf", pdf[: len(pdf) // 2], "cut.pdf", "خراب"),
        ("broken png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "x.png", "خراب"),
        ("decompression bomb", _bomb_png(), "bomb.png", "ابعاد"),
        ("oversized", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n", "big.pdf",
         "مگابایت"),
        ("empty pdf", b"", "empty.pdf", "خراب"),
        ("html as pdf", b"<html><body>hi</body></html>", "page.pdf", "فقط عکس"),
    ]
    cases += [Case(name, "file", (data, filename), expect)
              for name, data, filename, expect in files]
    return cases


async def _state(world: World) -> tuple[list[tuple[int, str, Any]], list[str]]:
    async with world.session() as session:
        answers = sorted((d, k, json.loads(v)) for d, k, v in (await session.execute(
            select(Answer.declaration_id, Answer.item_key, Answer.value_json))).all())
        files = sorted((await session.scalars(select(Evidence.sha256).where(
            Evidence.removed_at.is_(None)))).all())
    return answers, files


async def _send(user, case: Case) -> None:
    if case.kind == "text":
        await user.send_text(case.payload)
    elif case.kind == "command":
        await user.send_text(case.payload)
    elif case.kind == "sticker":
        await user.send_sticker()
    elif case.kind == "voice":
        await user.send_voice()
    elif case.kind == "location":
        await user.send_location()
    elif case.kind == "photo":
        await user.send_photo(case.payload)
    elif case.kind == "contact":
        await user.share_contact(case.payload, own=False, user_id=99999)
    elif case.kind == "callback":
        await user.press_callback(case.payload)
    elif case.kind == "file":
        data, filename = case.payload
        await user.send_document(data, filename)


async def _all_replies(user) -> list[str]:
    """The bot's first reply, and any that follow it closely (a refusal, then the question)."""
    texts = [(await user.wait_message(timeout=20)).get("text") or ""]
    while True:
        try:
            texts.append((await user.wait_message(timeout=0.5)).get("text") or "")
        except TimeoutError:
            return texts


async def test_forty_hostile_inputs(world: World) -> None:
    other = world.user("telegram", 8801, "دیگری", phone=OTHER)
    await other.share_contact()
    await other.wait_text("مهلت خوداظهاری")
    await other.press("✍️ ادامهٔ خوداظهاری")
    await other.wait_text("پرسش ۱")
    await other.send_text("40")
    await other.wait_text("حداکثر")
    await other.send_photo(make_jpeg(color="red"))
    await other.wait_text("فایل دریافت شد")

    owner = world.user("bale", 8802, "مالک", phone=OWNER)
    await owner.share_contact()
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("✍️ ادامهٔ خوداظهاری")
    await owner.wait_text("پرسش ۱")
    async with world.session() as session:
        other_office = await session.scalar(select(Office.id).where(Office.code == "71100001"))
        other_file = await session.scalar(select(Evidence.id))
    assert world.period is not None
    cases = corpus(world.period.id, other_office, other_file)
    assert len(cases) >= 40

    failures = []
    for case in cases:
        if case.kind == "file" and case is cases[-7]:  # reach the evidence step first
            await owner.send_text("85")
            await owner.wait_text("حداکثر")
        before = await _state(world)
        await _send(owner, case)
        replies = []
        try:
            if case.kind == "callback":
                answer = await owner.wait_callback_answer(timeout=10)
                replies.append(answer.get("text") or "")
            if case.kind != "callback" or case.expect not in replies[0]:
                replies += await _all_replies(owner)
        except TimeoutError as exc:
            failures.append(f"{case.name}: no reply ({exc})")
            continue
        shown = " ".join(replies)
        if case.expect not in shown:
            failures.append(f"{case.name}: expected {case.expect!r} in {shown!r}")
        if any(sign in shown for sign in OTHER_SIGNS):
            failures.append(f"{case.name}: another office revealed in {shown!r}")
        after = await _state(world)
        if after != before:
            failures.append(f"{case.name}: state changed {before} -> {after}")
    assert failures == [], "\n".join(failures)

    # The bot is alive and the owner's one answer and no file are all that is stored for them.
    await owner.send_command("/start")
    assert "مهلت خوداظهاری" in (await owner.wait_text("مهلت خوداظهاری"))["text"]
    answers, _ = await _state(world)
    assert sorted(value for _, _, value in answers) == [40, 85]
