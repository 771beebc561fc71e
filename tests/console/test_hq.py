"""Headquarters' console pages over HTTP: periods (create, the overlap refusal naming both
windows, bad input refused with nothing changed, cancel needs a reason, extend tells the owners),
the rubric page and upload, results (preview, publish once: two HQ members at once on SQLite and
PostgreSQL get one publication, one audit row and the race message), the corrections from an
office's page, the exports page; CSRF, and 404 with no link for anyone else."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import func, select

from services.staff import add_staff
from storage.models import AuditLog, ExternalScore, Office, Outbox, Period
from tests.console.conftest import Served, browser_client, signed_in
from tests.review.conftest import (
    ASSOCIATION_FARS,
    HQ,
    REVIEWER_4,
    SARI,
    file_declaration,
    link_owner,
    make_staff,
)

SECOND_HQ = ("bale", 7201)
PAGES = ("/hq/periods", "/hq/periods/1404-H1", "/hq/periods/1404-H1/rubric", "/hq/results",
         "/hq/results/1404-H1/publish", f"/hq/results/1404-H1/office/{SARI}", "/exports",
         "/exports/offices.csv?period=1404-H1", "/exports/ranks.png?period=1404-H1")


async def post(client: aiohttp.ClientSession, url: str, form: dict[str, Any]
               ) -> tuple[int, str]:
    async with client.post(url, data=form, allow_redirects=False) as response:
        return response.status, await response.text()


async def get(client: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with client.get(url) as response:
        return response.status, await response.text()


async def count(served: Served, model: Any, *where: Any) -> int:
    async with served.world.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where))
                   or 0)


async def test_periods_create_overlap_bad_input_cancel_extend(served: Served) -> None:
    await make_staff(served.world, HQ, "hq")
    await link_owner(served.world, SARI, "bale", 5001)
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(HQ))
        status, page = await get(client, served.base + "/hq/periods")
        assert status == 200 and 'id="nav-periods"' in page and "1404-H1" in page
        assert "مهلت دفاتر باز است" in page

        # Without the CSRF token: refused, nothing created.
        status, _ = await post(client, served.base + "/hq/periods",
                               {"code": "1405-H1", "opens": "1405/01/15",
                                "closes": "1405/02/15"})
        assert status == 403
        # Overlapping the open period: both windows named, in Persian digits.
        status, page = await post(client, served.base + "/hq/periods", {
            "csrf": csrf, "code": "1404-X", "opens": "۱۴۰۴/۰۸/۰۱", "closes": "1404/08/20"})
        assert status == 409
        refusal = re.search(r'id="hq-error">([^<]+)<', page.replace("\u2068", "").replace(
            "\u2069", ""))
        assert refusal is not None, page
        assert "۱۴۰۴/۰۸/۰۱ – ۱۴۰۴/۰۸/۲۰" in refusal.group(1)
        assert "«۱۴۰۴-H۱» (۱۴۰۴/۰۷/۳۰ – ۱۴۰۴/۰۸/۱۳)" in refusal.group(1)
        assert "هم‌پوشانی" in refusal.group(1)
        assert 'value="1404-X"' in page  # the form as typed
        # A date that is not one: a Persian message, nothing created.
        status, page = await post(client, served.base + "/hq/periods", {
            "csrf": csrf, "code": "1405-H1", "opens": "1405/13/40", "closes": "1405/02/15"})
        assert status == 400 and "تاریخ شمسی درستی نیست" in page
        assert await count(served, Period) == 1

        status, _ = await post(client, served.base + "/hq/periods", {
            "csrf": csrf, "code": "1405-H1", "opens": "1405/01/15", "closes": "1405/02/15"})
        assert status == 303
        status, page = await get(client, served.base + "/hq/periods/1405-H1")
        assert status == 200 and "۱۴۰۵/۰۱/۱۵" in page and 'id="cancel-period"' in page

        # Edit before opening, then cancel: the reason is required.
        status, _ = await post(client, served.base + "/hq/periods/1405-H1/edit", {
            "csrf": csrf, "closes": "1405/02/20", "reason": "تعطیلات"})
        assert status == 303
        # As the form sends it (every date shown): the regions' window follows the owners'.
        status, _ = await post(client, served.base + "/hq/periods/1405-H1/edit", {
            "csrf": csrf, "opens": "1405/01/20", "closes": "1405/02/20",
            "review_opens": "1405/01/15", "review_closes": "1405/02/20", "liaison": ""})
        assert status == 303
        status, page = await get(client, served.base + "/hq/periods/1405-H1")
        assert page.count("۱۴۰۵/۰۱/۲۰ – ۱۴۰۵/۰۲/۲۰") == 2, page
        status, page = await post(client, served.base + "/hq/periods/1405-H1/cancel",
                                  {"csrf": csrf, "reason": "  "})
        assert status == 400 and "دلیل این کار را بنویسید" in page
        assert await count(served, Period) == 2
        status, _ = await post(client, served.base + "/hq/periods/1405-H1/cancel",
                               {"csrf": csrf, "reason": "تکراری"})
        assert status == 303 and await count(served, Period) == 1

        # The open period: no edit, an extension that tells the owners who have not submitted.
        status, page = await post(client, served.base + "/hq/periods/1404-H1/edit", {
            "csrf": csrf, "closes": "1404/09/01"})
        assert status == 409 and "آغاز شده است" in page
        before = await count(served, Outbox)
        status, _ = await post(client, served.base + "/hq/periods/1404-H1/extend",
                               {"csrf": csrf, "closes": "1404/08/25"})
        assert status == 303
        assert await count(served, Outbox) == before + 1
        for action in ("period.edit", "period.cancel", "period.extend"):
            expected = 2 if action == "period.edit" else 1
            assert await count(served, AuditLog, AuditLog.action == action) == expected, action
        assert await count(served, AuditLog, AuditLog.action == "period.create") == 2


async def test_rubric_page_and_upload(served: Served, tmp_path: Any) -> None:
    await make_staff(served.world, HQ, "hq")
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(HQ))
        status, page = await get(client, served.base + "/hq/periods/1404-H1/rubric")
        assert status == 200 and "مساحت" in page and "حداکثر امتیاز" in page
        assert "آستانهٔ رتبه‌ها" in page and "عکس" in page
        form = aiohttp.FormData()
        form.add_field("csrf", csrf)
        for name, value in (("code", "1405-H1"), ("opens", "1405/01/15"),
                            ("closes", "1405/02/15")):
            form.add_field(name, value)
        form.add_field("rubric", b'code = "bad"\ntitle_fa = "x"\n', filename="bad.toml",
                       content_type="text/plain")
        status, page = await post(client, served.base + "/hq/periods", form)  # type: ignore[arg-type]
        assert status == 400 and "پروندهٔ جدول امتیاز پذیرفته نشد" in page
        assert "title_en" in page
        assert await count(served, Period) == 1
        from scoring.rubric.loader import sample_rubric_text

        good = sample_rubric_text().replace('code = "sample"', 'code = "uploaded"', 1)
        form = aiohttp.FormData()
        for name, value in (("csrf", csrf), ("code", "1405-H1"), ("opens", "1405/01/15"),
                            ("closes", "1405/02/15")):
            form.add_field(name, value)
        form.add_field("rubric", good.encode(), filename="r.toml", content_type="text/plain")
        status, _ = await post(client, served.base + "/hq/periods", form)  # type: ignore[arg-type]
        assert status == 303
        status, page = await get(client, served.base + "/hq/periods/1405-H1/rubric")
        assert status == 200 and "uploaded" in page


async def test_others_get_404_and_no_links(served: Served) -> None:
    await make_staff(served.world, ASSOCIATION_FARS, "association", province="فارس")
    for who in (REVIEWER_4, ASSOCIATION_FARS):
        async with browser_client() as client:
            csrf = await signed_in(client, await served.link(who))
            status, page = await get(client, served.base + "/")
            assert "nav-periods" not in page and "nav-results" not in page
            assert "nav-exports" not in page
            for path in PAGES:
                status, _ = await get(client, served.base + path)
                assert status == 404, (who, path)
            status, _ = await post(client, served.base + "/hq/periods", {
                "csrf": csrf, "code": "1405-H1", "opens": "1405/01/15", "closes": "1405/02/15"})
            assert status == 404
            for path in ("/hq/results/1404-H1/publish", "/hq/results/1404-H1/rank",
                         "/hq/periods/1404-H1/edit", "/hq/periods/1404-H1/cancel",
                         "/hq/periods/1404-H1/extend",
                         f"/hq/results/1404-H1/office/{SARI}/reopen",
                         f"/hq/results/1404-H1/office/{SARI}/undo-association",
                         f"/hq/results/1404-H1/office/{SARI}/withdraw-negative"):
                status, _ = await post(client, served.base + path,
                                       {"csrf": csrf, "reason": "x", "closes": "1404/09/01"})
                assert status == 404, (who, path)
    assert await count(served, Period) == 1


async def test_preview_publish_once_at_once_and_correct(served_db: Served) -> None:
    world = served_db.world
    await make_staff(world, HQ, "hq", name="ستاد یک")
    await add_staff(world.uow(), platform=SECOND_HQ[0], user_id=SECOND_HQ[1], role="hq",
                    name="ستاد دو")
    await link_owner(world, SARI, "bale", 5001)
    await file_declaration(world, SARI, status="confirmed")
    async with world.session() as session:
        sari = await session.scalar(select(Office.id).where(Office.code == SARI))
        session.add(ExternalScore(office_id=sari, period_id=world.period.id,  # type: ignore[union-attr]
                                  association=12))
        await session.commit()
    async with browser_client() as one:
        csrf_one = await signed_in(one, await served_db.link(HQ))
        base = served_db.base + "/hq/results/1404-H1"
        status, page = await get(one, served_db.base + "/hq/results")
        assert status == 200 and "هنوز رتبه‌بندی نشده است" in page
        assert 'id="publish-refusal"' in page and 'id="publish-open"' not in page
        status, _ = await post(one, base + "/publish", {"csrf": csrf_one})
        assert status == 409  # too early: the review window is open
        assert await count(served_db, AuditLog, AuditLog.action == "results.publish") == 0

        status, _ = await post(one, base + "/rank", {})
        assert status == 403  # no CSRF token
        status, _ = await post(one, base + "/rank", {"csrf": csrf_one})
        assert status == 303
        status, page = await get(one, served_db.base + "/hq/results?period=1404-H1")
        assert 'id="ranks-region"' in page and f"/office/{SARI}" in page

    world.clock.advance(timedelta(days=30))  # both windows closed (sessions end after 12 h)
    async with browser_client() as one, browser_client() as two:
        csrf_one = await signed_in(one, await served_db.link(HQ))
        csrf_two = await signed_in(two, await served_db.link(SECOND_HQ))
        status, page = await get(one, base + "/publish")
        assert status == 200 and 'id="publish-yes"' in page
        results = await asyncio.gather(post(one, base + "/publish", {"csrf": csrf_one}),
                                       post(two, base + "/publish", {"csrf": csrf_two}))
        assert sorted(status for status, _ in results) == [303, 409], results
        loser = next(text for status, text in results if status == 409)
        assert re.search(r"نتایج این دوره را ستاد (یک|دو) .*اعلام کرده است", loser), loser
        assert await count(served_db, AuditLog, AuditLog.action == "results.publish") == 1
        # A second click later: the same race message.
        status, page = await post(one, base + "/publish", {"csrf": csrf_one})
        assert status == 409 and "اعلام کرده است" in page

        # Corrections from the office's page, each with a reason.
        status, page = await get(one, f"{base}/office/{SARI}")
        assert status == 200 and 'id="undo-association"' in page
        status, page = await post(one, f"{base}/office/{SARI}/undo-association",
                                  {"csrf": csrf_one, "reason": ""})
        assert status == 400 and "دلیل این کار را بنویسید" in page
        status, _ = await post(one, f"{base}/office/{SARI}/undo-association",
                               {"csrf": csrf_one, "reason": "نامهٔ انجمن"})
        assert status == 303
        status, page = await post(one, f"{base}/office/{SARI}/undo-association",
                                  {"csrf": csrf_one, "reason": "دوباره"})
        assert status == 409 and "امتیاز انجمنی ثبت نشده است" in page
        assert await count(served_db, AuditLog,
                           AuditLog.action.like("results.correct%")) >= 1


async def test_exports_page_lists_every_file(served: Served) -> None:
    await make_staff(served.world, HQ, "hq")
    async with browser_client() as client:
        await signed_in(client, await served.link(HQ))
        status, page = await get(client, served.base + "/exports")
        assert status == 200
        hrefs = re.findall(r'href="(/console/[^"]+)" download', page)
        assert len(hrefs) == 7, hrefs
        for href in hrefs:
            async with client.get("http://" + served.base.split("/")[2] + href.replace(
                    "&amp;", "&")) as response:
                assert response.status == 200, href
                body = await response.read()
                assert body, href
        status, text = await get(client, served.base + "/exports/offices.csv?period=1404-H1")
        assert text.lstrip("\ufeff").startswith("کد دفتر")


async def test_reopen_and_withdraw_a_negative_from_the_office_page(served: Served) -> None:
    from storage.models import Declaration, NegativePoint

    world = served.world
    await make_staff(world, HQ, "hq")
    await link_owner(world, SARI, "bale", 5001)
    filed = await file_declaration(world, SARI, status="confirmed")
    async with world.session() as session:
        sari = await session.scalar(select(Office.id).where(Office.code == SARI))
        negative = NegativePoint(period_id=world.period.id, office_id=sari,  # type: ignore[union-attr]
                                 item_key="overcharging", decided_on="1404/08/01",
                                 reference="۱۲۳")
        session.add(negative)
        await session.commit()
        negative_id = negative.id
    base = f"{served.base}/hq/results/1404-H1/office/{SARI}"
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(HQ))
        status, page = await get(client, base)
        assert status == 200 and 'id="reopen"' in page
        assert "دریافت وجوه مازاد بر هزینهٔ خدمات" in page  # the rubric's title
        status, _ = await post(client, base + "/reopen", {"csrf": csrf, "reason": "اشتباه"})
        assert status == 303
        async with world.session() as session:
            assert await session.scalar(select(Declaration.status).where(
                Declaration.id == filed.declaration_id)) == "submitted"
        status, page = await post(client, base + "/reopen", {"csrf": csrf, "reason": "دوباره"})
        assert status == 409 and "بازگشایی کرده است" in page  # who reopened it, and when
        status, page = await post(client, base + "/withdraw-negative",
                                  {"csrf": csrf, "negative": str(negative_id), "reason": ""})
        assert status == 400 and await count(served, NegativePoint) == 1
        status, _ = await post(client, base + "/withdraw-negative",
                               {"csrf": csrf, "negative": str(negative_id),
                                "reason": "رأی لغو شد"})
        assert status == 303 and await count(served, NegativePoint) == 0
        assert await count(served, AuditLog, AuditLog.reason == "رأی لغو شد") == 1


async def test_survey_posters_for_a_region_or_an_office(tmp_path: Any) -> None:
    from pypdf import PdfReader

    from tests.console.conftest import console_world

    async with console_world(tmp_path, usernames={"bale": "pishkhan_bot",
                                                  "telegram": "PishkhanBot"}) as served:
        await make_staff(served.world, HQ, "hq")
        async with browser_client() as client:
            await signed_in(client, await served.link(HQ))
            status, page = await get(client, served.base + "/exports")
            assert status == 200 and 'action="/console/exports/posters.pdf"' in page
            async with client.get(served.base + "/exports/posters.pdf?office=" + SARI) as response:
                assert response.status == 200
                assert response.headers["Content-Type"] == "application/pdf"
                one = PdfReader(io.BytesIO(await response.read()))
            assert len(one.pages) == 1
            async with client.get(served.base + "/exports/posters.pdf?region=۴") as response:
                assert response.status == 200
                region = PdfReader(io.BytesIO(await response.read()))
            async with served.world.session() as session:
                offices = await session.scalar(select(func.count()).select_from(Office).where(
                    Office.region_code == 4))
            assert len(region.pages) == offices
            status, page = await get(
                client, served.base + f"/exports/posters.pdf?region=4&office={SARI}")
            assert status == 400 and "نه هر دو" in page
            status, page = await get(client, served.base + "/exports/posters.pdf?office=99999999")
            assert status == 404
        async with browser_client() as client:  # a reviewer: not theirs
            await signed_in(client, await served.link(REVIEWER_4))
            status, _ = await get(client, served.base + "/exports/posters.pdf?region=4")
            assert status == 404


async def test_posters_need_the_bots_usernames(served: Served) -> None:
    await make_staff(served.world, HQ, "hq")
    async with browser_client() as client:
        await signed_in(client, await served.link(HQ))
        status, page = await get(client, served.base + "/exports")
        assert status == 200 and "PISHKHAN_BALE_USERNAME" in page and "posters.pdf" not in page
        status, page = await get(client, served.base + "/exports/posters.pdf?region=4")
        assert status == 400 and "PISHKHAN_BALE_USERNAME" in page
