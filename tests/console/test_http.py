"""The console over HTTP (no browser): login by link, the scope, CSRF, revocation."""

from __future__ import annotations

import re
from datetime import timedelta

from services.staff import list_staff, remove_staff
from tests.console.conftest import Served, browser_client, signed_in
from tests.review.conftest import (
    REVIEWER_4,
    REVIEWER_7,
    SARI,
    SHIRAZ,
    file_declaration,
    status_of,
)


async def test_login_queue_and_declaration(served: Served) -> None:
    filed = await file_declaration(served.world, SARI)
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        cookie = next(c for c in client.cookie_jar if c.key == "pishkhan_console")
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert cookie["path"] == "/console/"
        async with client.get(served.base + "/") as response:
            page = await response.text()
        assert 'dir="rtl"' in page
        assert "۱۶۵۹۸۴۴۴" in page  # the office code, in Persian digits
        assert "۱ پرونده در انتظار بررسی" in page
        async with client.get(f"{served.base}/d/{filed.declaration_id}") as response:
            assert response.status == 200
            page = await response.text()
        assert f"/f/{filed.evidence_ids[0]}" in page
        async with client.get(f"{served.base}/f/{filed.evidence_ids[0]}") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/jpeg"


async def test_another_regions_declaration_is_404(served: Served) -> None:
    shiraz = await file_declaration(served.world, SHIRAZ)
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        for path in (f"/d/{shiraz.declaration_id}", f"/f/{shiraz.evidence_ids[0]}",
                     "/d/999999"):
            async with client.get(served.base + path) as response:
                assert response.status == 404, path
                assert "دفتر پیشخوان" not in await response.text()
        async with client.get(served.base + "/?q=71100001&status=") as response:
            assert "۷۱۱۰۰۰۰۱" not in await response.text()


async def test_a_form_without_its_csrf_token_is_refused(served: Served) -> None:
    filed = await file_declaration(served.world, SARI)
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(REVIEWER_4))
        url = f"{served.base}/d/{filed.declaration_id}/confirm"
        for form in ({}, {"csrf": "forged"}):
            async with client.post(url, data=form, allow_redirects=False) as response:
                assert response.status == 403
        assert await status_of(served.world, filed.declaration_id) == "submitted"
        async with client.post(url, data={"csrf": csrf}, allow_redirects=False) as response:
            assert response.status == 303
        assert await status_of(served.world, filed.declaration_id) == "confirmed"


async def test_used_expired_and_unknown_links_are_refused(served: Served) -> None:
    link = await served.link(REVIEWER_4)
    async with browser_client() as client:
        await signed_in(client, link)
    async with browser_client() as client:
        async with client.get(link) as response:
            assert response.status == 410
            assert "پیش‌تر به کار رفته" in await response.text()
        late = await served.link(REVIEWER_4)
        served.world.clock.advance(timedelta(minutes=11))
        async with client.get(late) as response:
            assert response.status == 410
            assert "۱۰ دقیقه" in await response.text()
        async with client.get(served.base + "/login/nonsense") as response:
            assert response.status == 404
        async with client.get(served.base + "/") as response:
            assert response.status == 403  # no session


async def test_sessions_end_after_12_idle_hours_at_logout_and_on_removal(
        served: Served) -> None:
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        served.world.clock.advance(timedelta(hours=11))
        async with client.get(served.base + "/") as response:
            assert response.status == 200
        served.world.clock.advance(timedelta(hours=12, seconds=1))
        async with client.get(served.base + "/") as response:
            assert response.status == 403
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(REVIEWER_4))
        async with client.post(served.base + "/logout", data={"csrf": csrf}) as response:
            assert response.status == 200
        async with client.get(served.base + "/") as response:
            assert response.status == 403
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_7))
        staff = await list_staff(served.world.uow())
        mine = next(s for s in staff if s.platform_user_id == REVIEWER_7[1])
        await remove_staff(served.world.uow(), mine.id)
        async with client.get(served.base + "/") as response:
            assert response.status == 403
            assert "/console" in await response.text()


async def test_search_and_filters(served: Served) -> None:
    await file_declaration(served.world, SARI)
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        async with client.get(served.base + "/?q=ساری") as response:
            page = await response.text()
        assert "۱۶۵۹۸۴۴۴" in page
        async with client.get(served.base + "/?q=nothing-like-this") as response:
            assert "پرونده‌ای با این شرایط نیست" in await response.text()
        async with client.get(served.base + "/?disc=1") as response:
            assert "۱۶۵۹۸۴۴۴" not in await response.text()
        async with client.get(served.base + "/?status=zz") as response:
            assert response.status == 400
        page_rows = re.findall(r'href="/console/d/\d+"', page)
        assert len(page_rows) == 1


async def test_htmx_filtering_answers_the_rows_only(served: Served) -> None:
    await file_declaration(served.world, SARI)
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        async with client.get(served.base + "/?q=16598444", headers={
                "HX-Request": "true", "HX-Target": "results"}) as response:
            page = await response.text()
        assert "<html" not in page and "۱۶۵۹۸۴۴۴" in page
        async with client.get(served.base + "/static/htmx.min.js") as response:
            assert response.status == 200
        async with client.get(served.base + "/fonts/Vazirmatn-Regular.ttf") as response:
            assert response.status == 200


async def test_the_webhook_serves_the_console_when_configured(served: Served) -> None:
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from bot.webhook import build_webhook_app

    app = served.world.app
    for base, mounted in ((None, False), ("https://pishkhan.example.ir", True)):
        app.settings = served.world.settings.model_copy(update={"console_base_url": base})
        web_app = build_webhook_app(app, "a-long-enough-shared-secret", asyncio.Event())
        async with TestClient(TestServer(web_app)) as client:
            response = await client.get("/console/")
            assert response.status == (403 if mounted else 404)
            if mounted:
                link = await served.link(REVIEWER_4)
                response = await client.get("/console/login/" + link.rsplit("/", 1)[1],
                                            allow_redirects=False)
                assert "Secure" in response.headers["Set-Cookie"]


async def test_a_file_missing_from_the_store_gets_a_page_not_an_error(served: Served) -> None:
    """The row is there, the file is not (a store restored from an older backup): the reviewer
    is told so in Persian, and the rest of the declaration still opens."""
    from sqlalchemy import select

    from storage.models import Evidence

    filed = await file_declaration(served.world, SARI)
    async with served.world.session() as session:
        sha = await session.scalar(select(Evidence.sha256).where(
            Evidence.id == filed.evidence_ids[0]))
    for path in served.world.settings.evidence_dir.rglob(f"{sha}*"):
        path.unlink()
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        async with client.get(f"{served.base}/f/{filed.evidence_ids[0]}") as response:
            assert response.status == 404
            assert "پیدا نشد" in await response.text()
        async with client.get(f"{served.base}/d/{filed.declaration_id}") as response:
            assert response.status == 200
