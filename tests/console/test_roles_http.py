"""The association's and the experts' pages over HTTP (no browser): CSRF, another province's
office and another expert's ticket 404, a bad score and a file's import report shown on the page
in Persian, an answer reaching the owner's outbox and the loser of a race told."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import aiohttp
from openpyxl import Workbook
from sqlalchemy import select

from storage.evidence import check
from storage.models import Period, TicketMessage
from tests.console.conftest import Served, browser_client, signed_in
from tests.console.roles import HQ_ONE, LIAISON_4, LIAISON_7, answerers, ask, count
from tests.review.conftest import (
    ASSOCIATION_FARS,
    DASHTAK,
    REVIEWER_4,
    SARI,
    SHIRAZ,
    make_jpeg,
    make_staff,
    office_id,
)


async def _post(client: aiohttp.ClientSession, url: str, form: dict[str, str] | aiohttp.FormData
                ) -> tuple[int, str]:
    async with client.post(url, data=form, allow_redirects=False) as response:
        return response.status, await response.text()


def _upload(csrf: str, name: str, data: bytes) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return form


async def test_the_association_edits_a_score_and_uploads_a_file(served: Served) -> None:
    world = served.world
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    shiraz, sari = await office_id(world, SHIRAZ), await office_id(world, SARI)
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(ASSOCIATION_FARS))
        async with client.get(served.base + "/") as response:
            assert 'id="nav-scores"' in await response.text()
            assert 'id="nav-tickets"' not in await response.text()
        async with client.get(served.base + "/scores") as response:
            page = await response.text()
        assert response.status == 200 and "۷۱۱۰۰۰۰۱" in page and "۱۶۵۹۸۴۴۴" not in page
        async with client.get(served.base + "/scores?q=" + DASHTAK) as response:
            page = await response.text()
        assert "۷۱۱۰۰۰۰۳" in page and "۷۱۱۰۰۰۰۱" not in page

        url = f"{served.base}/scores/{shiraz}"
        for form in ({"score": "80"}, {"score": "80", "csrf": "forged"}):
            assert (await _post(client, url, form))[0] == 403
        status, page = await _post(client, f"{served.base}/scores/{sari}",
                                   {"score": "80", "csrf": csrf})
        assert status == 404  # another province's office
        status, page = await _post(client, url, {"score": "صد و ده", "csrf": csrf})
        assert status == 400 and "«صد و ده» امتیاز درستی نیست" in page
        assert await count(world, "scores") == 0
        status, _ = await _post(client, url, {"score": "۸۵", "csrf": csrf})
        assert status == 303
        async with client.get(served.base + "/scores?done=" + SHIRAZ) as response:
            page = await response.text()
        assert "امتیاز دفتر ۷۱۱۰۰۰۰۱ ثبت شد" in page and "۸۵" in page
        assert await count(world, "score.association") == 1

        bad = f"office_code,score\n{SHIRAZ},90\n{SARI},70\n{DASHTAK},500\n".encode()
        assert (await _post(client, served.base + "/scores/upload",
                            _upload("forged", "s.csv", bad)))[0] == 403
        status, page = await _post(client, served.base + "/scores/upload",
                                   _upload(csrf, "s.csv", bad))
        assert status == 400 and 'id="import-report"' in page
        assert "هیچ امتیازی ثبت نشد" in page
        assert "دفتر 16598444 در استان مازندران است، نه در استان شما." in page.replace(
            "۱۶۵۹۸۴۴۴", "16598444")
        assert "خارج از بازه است" in page
        assert re.search(r"<td class=\"num\">۳</td>", page)  # the file's row 3 (its header: 1)
        assert await count(world, "score.association.import") == 0

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["کد دفتر", "امتیاز"])
        sheet.append([SHIRAZ, 90])
        sheet.append([DASHTAK, 75.5])
        buffer = io.BytesIO()
        book.save(buffer)
        status, page = await _post(client, served.base + "/scores/upload",
                                   _upload(csrf, "scores.xlsx", buffer.getvalue()))
        assert status == 200, page
        assert "۱ امتیاز تازه، ۱ تغییر" in page and "امتیازها ثبت شد" in page
        assert await count(world, "score.association.import") == 1
        status, page = await _post(client, served.base + "/scores/upload",
                                   _upload(csrf, "scores.txt", b"x"))
        assert status == 400 and "فقط فایل CSV یا XLSX" in page

        async with world.session() as session:  # last period, published: read only
            current = await session.scalar(select(Period))
            assert current is not None
            year = timedelta(days=365)
            session.add(Period(code="1403-H1", opens_at=current.opens_at - year,
                               closes_at=current.closes_at - year,
                               review_opens_at=current.review_opens_at - year,
                               review_closes_at=current.review_closes_at - year,
                               rubric_code=current.rubric_code,
                               rubric_text=current.rubric_text,
                               published_at=current.opens_at - year / 2))
            await session.commit()
        async with client.get(served.base + "/scores?period=1403-H1") as response:
            page = await response.text()
        assert response.status == 200 and "این دوره فقط برای دیدن است" in page
        assert 'name="score"' not in page and 'id="scores-upload"' not in page
        assert "۸۵" not in page  # that period's scores, not this one's
        async with client.get(served.base + "/scores?period=nonsense") as response:
            assert response.status == 404

    async with browser_client() as client:  # a reviewer has no such page
        await signed_in(client, await served.link(REVIEWER_4))
        async with client.get(served.base + "/scores") as response:
            assert response.status == 404
            assert 'id="nav-scores"' not in await response.text()


async def test_an_expert_answers_and_the_other_is_refused(served: Served) -> None:
    world = served.world
    await answerers(world)
    ticket_id = await ask(world)
    photo = check(make_jpeg(color="teal"), 10 * 1024 * 1024)
    world.app.services["evidence_store"].put(photo)
    async with world.session() as session:  # the owner's photo, as the bot stores one
        message = TicketMessage(ticket_id=ticket_id, author_account_id=1, author_role="owner",
                                text="", file_sha256=photo.sha256, file_mime=photo.mime,
                                file_platform="bale", file_id="x", created_at=world.clock.now())
        session.add(message)
        await session.commit()
        file_url = f"{served.base}/tickets/{ticket_id}/file/{message.id}"
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(LIAISON_4))  # lands on the tickets
        async with client.get(file_url) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
        async with client.get(f"{served.base}/tickets/{ticket_id}/file/1") as response:
            assert response.status == 404  # the question's text: no file
        async with client.get(served.base + "/tickets") as response:
            page = await response.text()
        assert 'id="nav-tickets"' in page and "چرا امتیاز ما کم شد؟" in page
        assert "صف بررسی" not in page  # an expert has no queue: no link to it
        async with client.get(f"{served.base}/tickets/{ticket_id}") as response:
            page = await response.text()
        seen = re.search(r'name="seen" value="(\d+)"', page)
        assert seen
        url = f"{served.base}/tickets/{ticket_id}/answer"
        assert (await _post(client, url, {"text": "پاسخ", "seen": seen[1]}))[0] == 403
        status, _ = await _post(client, url, {"text": "پاسخ رابط", "seen": seen[1],
                                              "csrf": csrf})
        assert status == 303
        assert await count(world, "owner-notices") == 1
        status, page = await _post(client, url, {"text": "دوباره", "seen": seen[1],
                                                 "csrf": csrf})
        assert status == 409 and "رابط ساری" in page and "پاسخ شما فرستاده نشد" in page
        assert await count(world, "expert-messages", ticket_id) == 1

    for who in (LIAISON_7, HQ_ONE):
        async with browser_client() as client:
            csrf = await signed_in(client, await served.link(who))
            for url in (f"{served.base}/tickets/{ticket_id}", file_url):
                async with client.get(url) as response:
                    assert response.status == 404
            status, _ = await _post(client, f"{served.base}/tickets/{ticket_id}/answer",
                                    {"text": "x", "seen": "0", "csrf": csrf})
            assert status == 404


async def test_a_file_over_the_request_limit_gets_a_persian_page(served: Served) -> None:
    world = served.world
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    async with browser_client() as client:
        csrf = await signed_in(client, await served.link(ASSOCIATION_FARS))
        status, page = await _post(client, served.base + "/scores/upload",
                                   _upload(csrf, "big.xlsx", b"x" * (3 * 1024 * 1024)))
    assert status == 413
    assert "بزرگ" in page and 'dir="rtl"' in page  # the console's own page, in Persian
    assert await count(world, "scores") == 0
