"""Two regions: a reviewer of one cannot list, open or act on the other's offices, by any button
it was shown or by callbacks it made up; associations and HQ likewise only do their own work."""

from __future__ import annotations

from sqlalchemy import func, select

from demo.local import World
from storage.models import (
    Answer,
    AuditLog,
    Declaration,
    Discrepancy,
    Evidence,
    ExternalScore,
    NegativePoint,
    Office,
    Outbox,
    Period,
)
from tests.review.conftest import (
    ASSOCIATION_FARS,
    REVIEWER_4,
    REVIEWER_7,
    SARI,
    SHIRAZ,
    file_declaration,
    link_owner,
    make_staff,
    office_id,
    status_of,
)

REFUSED = "به منطقهٔ شما تعلق ندارد"


async def _snapshot(world: World) -> tuple[int, ...]:
    async with world.session() as session:
        return tuple([
            *(await session.scalars(select(Declaration.status).order_by(Declaration.id))).all(),
            await session.scalar(select(func.count()).select_from(Evidence).where(
                Evidence.rejected_reason.is_not(None))),
            await session.scalar(select(func.count()).select_from(Answer).where(
                Answer.accepted_json.is_not(None) | Answer.review_comment.is_not(None))),
            await session.scalar(select(func.count()).select_from(NegativePoint)),
            await session.scalar(select(func.count()).select_from(Outbox)),
            await session.scalar(select(func.count()).select_from(ExternalScore)),
            *(await session.scalars(select(Discrepancy.status))).all(),
            *(await session.scalars(select(Office.name).order_by(Office.id))).all(),
            *(await session.scalars(select(Period.published_at))).all(),
        ])


async def test_a_reviewer_sees_and_touches_only_its_own_region(world: World) -> None:
    sari = await file_declaration(world, SARI)
    shiraz = await file_declaration(world, SHIRAZ, platform="telegram")
    shiraz_office = await office_id(world, SHIRAZ)
    owner_account = await link_owner(world, SHIRAZ, "telegram", 5002)
    async with world.session() as session:
        report = Discrepancy(office_id=shiraz_office, account_id=owner_account, field="name",
                             text="نام دفتر اشتباه است")
        session.add(report)
        await session.commit()
        report_id = report.id
    await make_staff(world, REVIEWER_4, "reviewer", region=4)
    await make_staff(world, REVIEWER_7, "reviewer", region=7)
    north = world.user(*REVIEWER_4, "بازبین شمال")
    south = world.user(*REVIEWER_7, "بازبین جنوب")

    # Each queue counts and lists only its own region.
    await north.send_command("/review")
    queue = await north.wait_text("در انتظار بررسی")
    assert "منطقهٔ شمال" in queue["text"] and "در انتظار بررسی: ۱؛" in queue["text"]
    assert "گزارش مغایرت باز: ۰" in queue["text"]
    await north.press("📥 در انتظار (۱)")
    listing = await north.wait_text("صفحهٔ ۱")
    assert "۱۶۵۹۸۴۴۴" in listing["text"] and "۷۱۱۰۰۰۰۱" not in listing["text"]
    await south.send_command("/review")
    queue = await south.wait_text("در انتظار بررسی")
    assert "گزارش مغایرت باز: ۱" in queue["text"]

    before = await _snapshot(world)
    async with world.session() as session:
        shiraz_file = await session.scalar(select(Evidence.id).where(
            Evidence.declaration_id == shiraz.declaration_id).limit(1))
    forged = [f"rv:o:{shiraz.declaration_id}", f"rv:f:{shiraz.declaration_id}",
              f"rv:c:{shiraz.declaration_id}", f"rv:cy:{shiraz.declaration_id}",
              f"rv:a:{shiraz.declaration_id}", f"rv:ai:{shiraz.declaration_id}:0",
              f"rv:r:{shiraz.declaration_id}", f"rv:ri:{shiraz.declaration_id}:0",
              f"rv:rs:{shiraz.declaration_id}", f"rv:rg:{shiraz.declaration_id}:3",
              f"rv:n:{shiraz.declaration_id}", f"rv:x:{shiraz_file}",
              f"rv:xr:{shiraz_file}:0", f"rv:xt:{shiraz_file}", f"rv:ux:{shiraz_file}",
              f"rv:ngo:{shiraz_office}", f"rv:ngi:{shiraz_office}:0",
              f"rv:do:{report_id}", f"rv:df:{report_id}", f"rv:da:{report_id}",
              f"rv:dt:{report_id}:r", f"rv:de:{report_id}"]
    for data in forged:
        await north.press_callback(data)
        answer = await north.wait_callback_answer()
        assert answer["show_alert"] and REFUSED in answer["text"], (data, answer)
    for data in ("rv:o:999999", "rv:zz:1", "rv:o:abc", "rv:xr:1:99", "rv:l:zz:0"):
        await north.press_callback(data)
        answer = await north.wait_callback_answer()
        assert answer["show_alert"] and "معتبر نیست" in answer["text"], (data, answer)
    await north.assert_no_messages(0.3)

    # Typing the other region's office code for a committee decision is refused too.
    await north.press_callback("rv:ng")
    await north.wait_text("کد دفتری")
    await north.send_text(SHIRAZ)
    assert REFUSED in (await north.wait_message())["text"]
    assert await _snapshot(world) == before

    # Its own region works with the very same buttons.
    await north.press_callback(f"rv:o:{sari.declaration_id}")
    assert "ساری" in (await north.wait_text("امتیاز موقت"))["text"]
    await south.press_callback(f"rv:o:{shiraz.declaration_id}")
    assert "شیراز" in (await south.wait_text("امتیاز موقت"))["text"]
    assert await status_of(world, shiraz.declaration_id) == "submitted"


async def test_owners_associations_and_hq_only_do_their_own_work(world: World) -> None:
    sari = await file_declaration(world, SARI)
    await link_owner(world, SARI, "bale", 5001)
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    owner = world.user("bale", 5001, "زهرا")
    before = await _snapshot(world)

    # An owner (no staff role) pressing made-up staff buttons (on the menu's message) gets «no
    # longer valid».
    await owner.send_command("/start")
    await owner.wait_text("وضعیت خوداظهاری")
    for data in (f"rv:o:{sari.declaration_id}", f"rv:cy:{sari.declaration_id}",
                 f"hq:py:{world.period.id}", "as:e"):
        await owner.press_callback(data)
        answer = await owner.wait_callback_answer()
        assert "معتبر نیست" in answer["text"], (data, answer)
    await owner.send_command("/review")
    assert "بررسی خوداظهاری" not in (await owner.wait_message())["text"]
    await owner.send_command("/publish")
    assert "نتایج" not in (await owner.wait_message())["text"]

    # The Fars association may not score an office of Mazandaran, nor use the reviewers' or
    # HQ's buttons.
    association = world.user(*ASSOCIATION_FARS, "انجمن فارس")
    await association.send_text("سلام")  # anything outside a step opens the panel
    await association.wait_text("امتیاز انجمن صنفی استان فارس")
    await association.send_command("/scores")
    panel = await association.wait_text("امتیاز انجمن صنفی استان فارس")
    assert "۰ دفتر از ۲ دفتر" in panel["text"]
    await association.press("✍️ ثبت امتیاز دفتر")
    await association.wait_text("کد دفتر را بنویسید")
    await association.send_text(f"{SARI} 90")
    assert "در استان شما نیست" in (await association.wait_message())["text"]
    await association.press_callback(f"rv:cy:{sari.declaration_id}")
    assert "معتبر نیست" in (await association.wait_callback_answer())["text"]
    await association.press_callback(f"hq:py:{world.period.id}")
    assert "معتبر نیست" in (await association.wait_callback_answer())["text"]
    assert await _snapshot(world) == before

    # Its own province's office is scored, audited, shown in the panel.
    await association.send_text("71100001 ۸۷٫۵")
    assert "ثبت شد" in (await association.wait_message())["text"]
    await association.send_text("71100003")
    await association.wait_text("امتیاز انجمن برای")
    await association.send_text("۱۲۰")
    assert "امتیاز درستی نیست" in (await association.wait_message())["text"]
    await association.send_text("۶۰")
    await association.wait_text("ثبت شد")
    await association.send_text("71100001 90")
    assert "از ۸۷٫۵ به ۹۰ تغییر کرد" in (await association.wait_message())["text"]
    await association.send_sticker()
    assert "به‌صورت متن" in (await association.wait_message())["text"]
    await association.press("✅ پایان")
    assert "۲ دفتر از ۲ دفتر" in (await association.wait_text("امتیاز ثبت‌شده"))["text"]
    async with world.session() as session:
        scores = dict((await session.execute(select(Office.code, ExternalScore.association)
                                             .join(Office))).all())
        assert {k: float(v) for k, v in scores.items()} == {"71100001": 90.0,
                                                            "71100003": 60.0}
        audits = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "score.association"))
        assert audits == 3
