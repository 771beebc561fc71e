"""The console's statistics and audit pages over HTTP: headquarters sees the tables (Persian
digits), the chart and the files; a reviewer only their region's per-office results (and the
audit log of their region: tests/console/test_audit_scope.py); an association no statistics
(404, no link) but its province's audit log. GETs need no CSRF token."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.console.conftest import Served, browser_client, signed_in
from tests.review.conftest import (
    ASSOCIATION_FARS,
    HQ,
    REVIEWER_4,
    SARI,
    file_declaration,
    make_staff,
)

STATS = ("/stats", "/stats/chart.png?period={p}", "/stats/statistics.xlsx?period={p}",
         "/stats/offices.xlsx?period={p}")
AUDIT = ("/audit", "/audit/export.csv", "/audit/export.xlsx")


async def _period(served: Served) -> str:
    from storage.admin import list_periods

    async with served.world.uow() as uow:
        return (await list_periods(uow.session))[-1].code


async def test_headquarters_sees_tables_chart_and_files(served: Served) -> None:
    await make_staff(served.world, HQ, "hq")
    period = await _period(served)
    async with browser_client() as client:
        await signed_in(client, await served.link(HQ))
        async with client.get(served.base + "/") as response:
            page = await response.text()
        assert 'id="nav-stats"' in page and 'id="nav-audit"' in page
        async with client.get(served.base + "/stats") as response:
            assert response.status == 200
            page = await response.text()
        assert "مشارکت به تفکیک منطقه" in page and "خوداظهاری این دوره" in page
        assert "۷٬۹۴۳" in page or "<td class=\"num\">۰</td>" in page  # Persian digits
        assert f"chart.png?period={period}" in page
        async with client.get(f"{served.base}/stats/chart.png?period={period}") as response:
            assert response.status == 200 and response.content_type == "image/png"
            assert (await response.read())[:4] == b"\x89PNG"
        async with client.get(f"{served.base}/stats/statistics.xlsx?period={period}") as resp:
            assert resp.status == 200
            book = load_workbook(io.BytesIO(await resp.read()))
        assert "منشأ رتبه‌ها به تفکیک منطقه" in book.sheetnames
        async with client.get(f"{served.base}/stats/offices.xlsx?period={period}") as resp:
            assert resp.status == 200
            sheet = load_workbook(io.BytesIO(await resp.read())).active
        assert sheet is not None and sheet.cell(1, 1).value == "کد دفتر"


async def test_the_audit_page_filters_pages_and_exports(served: Served) -> None:
    await make_staff(served.world, HQ, "hq")
    await file_declaration(served.world, SARI)
    async with browser_client() as client:
        await signed_in(client, await served.link(HQ))
        async with client.get(served.base + "/audit?action=console") as response:
            assert response.status == 200
            page = await response.text()
        assert "console.login" in page and "staff.add" not in page
        # Newest first: the login comes before the link that preceded it.
        assert page.index("console.login") < page.index("console.link")
        async with client.get(served.base + "/audit/export.csv?action=console.link") as resp:
            assert resp.status == 200
            text = (await resp.read()).decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert len(lines) == 2 and "console.link" in lines[1]
        async with client.get(served.base + "/audit?office=99999999") as response:
            assert response.status == 200
            assert "دفتری با کد ۹۹۹۹۹۹۹۹ پیدا نشد" in await response.text()
        async with client.get(served.base + "/audit?since=1300/13/40") as response:
            assert response.status == 400
        async with client.get(served.base + "/audit?since=۱۴۰۰/۰۱/۰۱") as response:
            assert response.status == 200


async def test_a_reviewer_gets_their_region_only(served: Served) -> None:
    period = await _period(served)
    async with browser_client() as client:
        await signed_in(client, await served.link(REVIEWER_4))
        async with client.get(served.base + "/") as response:
            page = await response.text()
        assert 'id="nav-stats"' in page and 'id="nav-audit"' in page
        async with client.get(served.base + "/stats") as response:
            assert response.status == 200
            page = await response.text()
        assert "chart.png" not in page and "offices.xlsx" in page
        async with client.get(f"{served.base}/stats/offices.xlsx?period={period}") as resp:
            assert resp.status == 200
            sheet = load_workbook(io.BytesIO(await resp.read())).active
        assert sheet is not None
        regions = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert regions <= {"منطقه ۴"} or len(regions) <= 1
        for path in STATS[1:3]:
            async with client.get(served.base + path.format(p=period)) as response:
                assert response.status == 404, path


async def test_an_association_gets_no_statistics(served: Served) -> None:
    await make_staff(served.world, ASSOCIATION_FARS, "association", province="فارس")
    period = await _period(served)
    async with browser_client() as client:
        await signed_in(client, await served.link(ASSOCIATION_FARS))
        async with client.get(served.base + "/") as response:
            page = await response.text()
        assert "nav-stats" not in page and "nav-audit" in page
        for path in STATS:
            async with client.get(served.base + path.format(p=period)) as response:
                assert response.status == 404, path
        for path in AUDIT:
            async with client.get(served.base + path) as response:
                assert response.status == 200, path
