"""Posters: one A5 page per office whose QR codes, read back from the PDF, lead a citizen on
Bale and on Telegram to that office's survey."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from demo.local import World
from documents.posters import PLATFORMS, poster_figure, poster_pdf, qr_matrix
from storage.models import Office
from storage.survey import SurveyOffice, deep_link, office_links
from tests.survey.conftest import SARI, link_owner, survey_office

A5_POINTS = (419.53, 595.28)


def decode_pages(pdf: bytes, *, required: bool = True) -> list[set[str]] | None:
    """The QR codes on each page, as a phone's camera would read them: the page rasterised at
    150 dpi (pypdfium2), the codes decoded by zxing-cpp. Without those two test packages: skip
    (or None when not `required`)."""
    try:
        import pypdfium2 as pdfium
        import zxingcpp
    except ImportError:
        if required:
            pytest.skip("needs the test packages pypdfium2 and zxing-cpp")
        return None
    document = pdfium.PdfDocument(pdf)
    pages = []
    for index in range(len(document)):
        image = document[index].render(scale=150 / 72, grayscale=True).to_pil()
        pages.append({result.text for result in zxingcpp.read_barcodes(image)})
    return pages


def drawn_matrices(office: SurveyOffice, names: dict[str, str]) -> dict[str, list[list[bool]]]:
    """The modules the page draws for each platform, rebuilt from its vector shapes."""
    from matplotlib.patches import PathPatch

    figure = poster_figure(office, names)
    matrices = {}
    for patch in figure.findobj(PathPatch):
        platform = (patch.get_gid() or "").removeprefix("qr-")
        if platform not in PLATFORMS:
            continue
        size = len(qr_matrix(deep_link(platform, names[platform], office.token)))
        grid = [[False] * size for _ in range(size)]
        for (x0, top), (x1, _), *_ in patch.get_path().vertices.reshape(-1, 5, 2):
            for x in range(round(x0), round(x1)):
                grid[round(top)][x] = True
        matrices[platform] = grid
    return matrices


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in re.findall(
        rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", pdf)]


async def bot_usernames(world: World) -> dict[str, str]:
    return {platform: (await world.app.bot_for(platform).me()).username or ""
            for platform in PLATFORMS}


async def test_poster_codes_lead_to_the_office_on_both_platforms(world: World) -> None:
    names = await bot_usernames(world)
    async with world.session() as session:
        offices = await office_links(session, region=4)
        await session.commit()
    assert [o.code for o in offices] == ["16598444", "16598445", "16598446"]
    pdf = poster_pdf(offices, names)
    assert pdf.startswith(b"%PDF-")
    sizes = page_sizes(pdf)
    assert len(sizes) == 3
    assert all(abs(w - A5_POINTS[0]) < 1 and abs(h - A5_POINTS[1]) < 1 for w, h in sizes)

    sari = offices[0]
    expected = {deep_link(p, names[p], sari.token) for p in PLATFORMS}
    # Without a decoder: the shapes on the page are exactly the QR codes of the two links.
    assert drawn_matrices(sari, names) == {p: qr_matrix(deep_link(p, names[p], sari.token))
                                           for p in PLATFORMS}
    # With one: each page's codes read back as its office's links, and nothing else.
    pages = decode_pages(pdf, required=False) or [expected]
    assert pages[0] == expected and len(pages) in (1, 3)
    for office, found in zip(offices, pages, strict=False):
        assert found == {deep_link(p, names[p], office.token) for p in PLATFORMS}

    # A citizen scans each code with the platform it names, and lands on Sari's survey.
    for url in sorted(pages[0]):
        parsed = urlparse(url)
        platform = "bale" if parsed.netloc == "ble.ir" else "telegram"
        assert parsed.path == f"/{names[platform]}"
        [start] = parse_qs(parsed.query)["start"]
        citizen = world.user(platform, 9300 + len(url), "شهروند", phone="09121234567")
        await citizen.send_command("/start", start)
        intro = await citizen.wait_text("نظرسنجی رضایت مراجعان")
        assert "«دفتر پیشخوان خدمات دولت ساری ۸۴۴۴»، ساری" in intro["text"]


async def test_the_link_does_not_reveal_the_office(world: World) -> None:
    async with world.session() as session:
        offices = await office_links(session)
        await session.commit()
        ids = dict((await session.execute(select(Office.code, Office.id))).all())
    tokens = [o.token for o in offices]
    assert len(set(tokens)) == len(tokens) == len(ids)
    for office in offices:
        assert re.fullmatch(r"[a-z2-9]{14}", office.token)
        assert office.code not in office.token and str(ids[office.code]) != office.token
    again = await survey_office(world, SARI)  # asking again gives the same link
    assert again.token == offices[[o.code for o in offices].index(SARI)].token


async def test_the_owner_gets_the_office_poster_in_the_bot(world: World) -> None:
    office = await survey_office(world, SARI)
    await link_owner(world, SARI, "telegram", 5002)
    owner = world.user("telegram", 5002, "زهرا")
    await owner.send_command("/survey")
    await owner.wait_text("نظرسنجی مراجعان")
    markup = (await owner.last_message() or {}).get("reply_markup") or {}
    urls = [b.get("url") for row in markup.get("inline_keyboard", []) for b in row
            if b.get("url")]
    names = await bot_usernames(world)
    assert urls == [deep_link(p, names[p], office.token) for p in PLATFORMS]
    await owner.press("📄 برگهٔ نظرسنجی (PDF)")
    document = await owner.wait_message(timeout=20)
    assert document["kind"] == "document"
    assert "برگهٔ نظرسنجی «دفتر پیشخوان خدمات دولت ساری ۸۴۴۴»" in document["caption"]
    pdf = await owner.download(document["file_id"])
    assert len(page_sizes(pdf)) == 1
    assert decode_pages(pdf) == [set(urls)]


def test_a_persian_poster_writes_every_number_in_persian_digits() -> None:
    """The office's name comes from the registry with ASCII digits («… خمینی‌شهر 3824»); the
    page writes it, like the code, in Persian digits and keeps the non-joiner. Only the links
    under the codes (addresses, typed as they are) keep ASCII."""
    office = SurveyOffice(1, "49513824", "دفتر پیشخوان خدمات دولت خمینی\u200cشهر 3824",
                          "خمینی\u200cشهر", 9, "09013410395", "abcdefghjkmnpq")
    figure = poster_figure(office, {"bale": "pishkhan_bot", "telegram": "pishkhan_bot"})
    texts = [item.get_text() for item in figure.texts]
    assert "دفتر پیشخوان خدمات دولت خمینی\u200cشهر ۳۸۲۴" in texts
    assert "خمینی\u200cشهر، کد دفتر ۴۹۵۱۳۸۲۴" in texts
    links = [text for text in texts if "/pishkhan_bot?start=" in text]
    assert len(links) == 2
    assert not [text for text in texts if text not in links and re.search("[0-9]", text)]
