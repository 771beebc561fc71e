"""Staff roles, the expert directory, frequent questions, holidays and periods, through their use
cases: who may, each refusal, and the same change asked twice (at once on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services import periods, registry, staff
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.uow import UnitOfWork
from storage.models import AuditLog, Expert, Faq, Holiday, Period, StaffRole
from tests.admin.conftest import DATA, count, person, twice

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)


async def _regions(uow: UnitOfWork) -> None:
    await registry.import_regions(uow, DATA / "demo_regions.csv")


async def test_only_headquarters_and_the_command_line_manage_staff(sessionmaker: Any,
                                                                   uow: UnitOfWork) -> None:
    await _regions(uow)
    reviewer = await person(sessionmaker, 11)
    with pytest.raises(Forbidden) as refused:
        await staff.add_staff(uow, platform="bale", user_id=5, role="hq", actor=reviewer)
    assert refused.value.code == "admin-hq-only"
    for call in (staff.list_staff(uow, actor=reviewer), staff.remove_staff(uow, 1, reviewer),
                 staff.add_holiday(uow, date(2025, 10, 11), actor=reviewer),
                 staff.import_faq(uow, DATA / "none.csv", reviewer)):
        with pytest.raises(Forbidden):
            await call
    hq = await person(sessionmaker, 12, hq=True)
    added = await staff.add_staff(uow, platform="bale", user_id=5, role="reviewer", region=4,
                                  actor=hq)
    assert (added.role, added.region_code, added.platform_user_id) == ("reviewer", 4, 5)
    async with sessionmaker() as session:
        row = await session.scalar(select(AuditLog).where(AuditLog.entity_id == str(added.id),
                                                          AuditLog.action == "staff.add"))
    assert row is not None and row.actor == "telegram:12" and row.actor_account_id == hq.account_id


@pytest.mark.parametrize(("args", "code"), [
    ({"role": "boss"}, "admin-unknown-role"),
    ({"role": "reviewer"}, "admin-needs-region"),
    ({"role": "liaison", "region": 99}, "admin-unknown-region"),
    ({"role": "association"}, "admin-needs-province"),
    ({"role": "association", "province": "آتلانتیس"}, "admin-unknown-province"),
    ({"role": "hq", "platform": "whatsapp"}, "admin-unknown-platform"),
])
async def test_each_refusal_of_a_role(sessionmaker: Any, uow: UnitOfWork, args: dict[str, Any],
                                      code: str) -> None:
    await _regions(uow)
    with pytest.raises(Invalid) as refused:
        await staff.add_staff(uow, **{"platform": "bale", "user_id": 1, **args})
    assert refused.value.code == code
    assert await count(sessionmaker, StaffRole) == 0


async def test_a_province_is_matched_however_it_is_spelled(sessionmaker: Any,
                                                          uow: UnitOfWork) -> None:
    await _regions(uow)
    added = await staff.add_staff(uow, platform="bale", user_id=1, role="association",
                                  province="آذربايجان غربي\u200f")  # Arabic ي, a mark
    assert added.province == "آذربایجان غربی"


async def test_a_role_added_twice_is_one_role(sessionmaker: Any, uow: UnitOfWork) -> None:
    await _regions(uow)
    await person(sessionmaker, 42)  # an account already: nothing else makes the two wait
    outcomes = await twice(sessionmaker, lambda: staff.add_staff(
        UnitOfWork(sessionmaker), platform="telegram", user_id=42, role="reviewer", region=7))
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == 1 and refused[0].code == "admin-staff-exists"
    assert refused[0].params["user"] == "42"
    assert await count(sessionmaker, StaffRole) == 1
    assert await count(sessionmaker, AuditLog, AuditLog.action == "staff.add") == 1


async def test_a_role_removed_twice_is_removed_once(sessionmaker: Any,
                                                   uow: UnitOfWork) -> None:
    await _regions(uow)
    role = await staff.add_staff(uow, platform="telegram", user_id=42, role="hq")
    outcomes = await twice(sessionmaker,
                           lambda: staff.remove_staff(UnitOfWork(sessionmaker), role.id))
    refused = [o for o in outcomes if isinstance(o, NotFound)]
    assert len(refused) == 1 and refused[0].code == "admin-no-staff"
    assert await count(sessionmaker, StaffRole) == 0
    assert await count(sessionmaker, AuditLog, AuditLog.action == "staff.remove") == 1


async def test_a_holiday_added_twice_is_one_day_and_one_change(sessionmaker: Any,
                                                              uow: UnitOfWork) -> None:
    day = date(2025, 10, 11)
    outcomes = await twice(sessionmaker,
                           lambda: staff.add_holiday(UnitOfWork(sessionmaker), day, "تعطیل"))
    assert sorted(o.changed for o in outcomes) == [False, True]
    assert await count(sessionmaker, Holiday) == 1
    assert await count(sessionmaker, AuditLog, AuditLog.action == "holiday.add") == 1
    renamed = await staff.add_holiday(uow, day, "تعطیل رسمی")
    assert renamed.changed and await staff.list_holidays(uow) == [(day, "تعطیل رسمی")]
    outcomes = await twice(sessionmaker,
                           lambda: staff.remove_holiday(UnitOfWork(sessionmaker), day))
    refused = [o for o in outcomes if isinstance(o, NotFound)]
    assert len(refused) == 1 and refused[0].code == "admin-no-holiday"
    assert await count(sessionmaker, AuditLog, AuditLog.action == "holiday.remove") == 1


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_directory_and_the_questions_are_replaced_whole(
        sessionmaker: Any, uow: UnitOfWork, tmp_path: Path) -> None:
    experts = _csv(tmp_path, "experts.csv", "name,phone,category,topic_fa,topic_en,hours\n"
                   "خانم احمدی,021-1,scoring,امتیاز,Scoring,8-14\n"
                   "آقای کریمی,021-2,technical,فنی,Technical,8-14\n")
    outcomes = await twice(sessionmaker,
                           lambda: staff.import_experts(UnitOfWork(sessionmaker), experts))
    assert outcomes == [2, 2]
    assert [e.name for e in await staff.list_experts(uow)] == ["خانم احمدی", "آقای کریمی"]
    faq = _csv(tmp_path, "faq.csv", "category,question_fa,answer_fa,question_en,answer_en\n"
               "evidence,اجاره‌نامه کافی است؟,بله.,,\n")
    assert await twice(sessionmaker,
                       lambda: staff.import_faq(UnitOfWork(sessionmaker), faq)) == [1, 1]
    assert [f.question_fa for f in await staff.list_faqs(uow)] == ["اجاره‌نامه کافی است؟"]

    for text, code in (("name,phone\n", "admin-file-empty"),
                       ("name,phone,category\nعلی,,scoring\n", "admin-row-required"),
                       ("name,phone,category\nعلی,1,weather\n", "admin-row-category")):
        with pytest.raises(Invalid) as refused:
            await staff.import_experts(uow, _csv(tmp_path, "bad.csv", text))
        assert refused.value.code == code
    with pytest.raises(Invalid) as refused:
        await staff.import_faq(uow, _csv(tmp_path, "long.csv", "category,question_fa,answer_fa\n"
                                         f"scoring,چرا؟,{'ا' * 3501}\n"))
    assert refused.value.code == "admin-row-too-long" and refused.value.params["row"] == 2
    with pytest.raises(Invalid) as refused:
        await staff.import_faq(uow, tmp_path / "missing.csv")
    assert refused.value.code == "admin-file-unreadable"
    assert await count(sessionmaker, Expert) == 2 and await count(sessionmaker, Faq) == 1


async def test_a_period_opened_twice_is_one_period(sessionmaker: Any,
                                                  uow: UnitOfWork) -> None:
    def open_period(**changes: Any) -> Any:
        window = {"code": "1404-H1", "opens_at": NOW, "closes_at": NOW + timedelta(days=30),
                  "review_opens_at": NOW, "review_closes_at": NOW + timedelta(days=40),
                  "rubric_code": "sample", "rubric_text": "# sample", **changes}
        return periods.create_period(UnitOfWork(sessionmaker), **window)

    outcomes = await twice(sessionmaker, open_period)
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(refused) == 1 and refused[0].code == "admin-period-exists"
    assert await count(sessionmaker, Period) == 1
    assert await count(sessionmaker, AuditLog, AuditLog.action == "period.create") == 1
    for changes, code in (({"review_closes_at": NOW - timedelta(days=1)},
                           "admin-review-closes-first"),
                          ({"review_opens_at": NOW - timedelta(days=1)},
                           "admin-review-before-owners")):
        with pytest.raises(Invalid) as bad:
            await open_period(code="1404-H2", **changes)
        assert bad.value.code == code
    assert [p.code for p in await periods.list_periods(uow)] == ["1404-H1"]
