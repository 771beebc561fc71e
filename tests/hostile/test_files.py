"""Hostile files (issue 19, item 5): a PDF is opened by a real parser and refused when it is
encrypted, broken, or would act by itself (JavaScript, Launch, an OpenAction, additional actions,
embedded files); images are decoded under a pixel limit; the type comes from the bytes, never
the name; the owner is told which rule refused the file. Each case: the file, the answer the
owner reads (on SQLite and PostgreSQL, through the sandbox), and nothing saved changed."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import pytest

from demo.local import World
from storage import evidence_checks
from storage.evidence import EvidenceRejected, check
from tests.e2e.conftest import make_jpeg
from tests.hostile import pdfs
from tests.hostile.test_updates import _owner_on, _state
from texts.i18n import Translator

LIMIT = 10 * 1024 * 1024


def refusal(build: Callable[[], bytes]) -> str:
    with pytest.raises(EvidenceRejected) as refused:
        check(build(), LIMIT)
    return refused.value.key


@pytest.mark.parametrize("name", list(pdfs.REFUSED))
def test_a_hostile_pdf_is_refused_by_its_rule(name: str) -> None:
    build, key = pdfs.REFUSED[name]
    assert refusal(build) == key


@pytest.mark.parametrize("name", list(pdfs.ACCEPTED))
def test_an_ordinary_pdf_is_accepted(name: str) -> None:
    checked = check(pdfs.ACCEPTED[name](), LIMIT)
    assert (checked.mime, checked.extension) == ("application/pdf", "pdf")


def test_the_checks_are_importable_from_the_store_module_as_before() -> None:
    from storage import evidence

    assert evidence.check is evidence_checks.check
    assert evidence.EvidenceRejected is evidence_checks.EvidenceRejected
    assert evidence.sniff is evidence_checks.sniff


def _pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_with_more_objects_than_the_budget_is_too_complex(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pages(40)
    check(data, LIMIT)
    monkeypatch.setattr(evidence_checks, "PDF_MAX_OBJECTS", 30)
    assert refusal(lambda: data) == "evidence-pdf-too-complex"


def test_a_pdf_that_takes_longer_than_the_time_budget_is_too_complex(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pages(300)  # 600 objects: the clock is read every 256
    check(data, LIMIT)
    monkeypatch.setattr(evidence_checks, "PDF_MAX_SECONDS", -1.0)
    assert refusal(lambda: data) == "evidence-pdf-too-complex"


def test_a_pdf_with_more_pages_than_a_declaration_needs_is_too_complex(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_checks, "PDF_MAX_PAGES", 5)
    assert refusal(lambda: _pages(6)) == "evidence-pdf-too-complex"


def test_a_truncated_jpeg_is_decoded_and_refused() -> None:
    """verify() alone read a cut-off JPEG's header and let it through."""
    photo = make_jpeg(640, 480)
    assert refusal(lambda: photo[: len(photo) // 2]) == "evidence-corrupt"
    check(photo, LIMIT)


def test_every_rule_has_its_own_message_in_both_languages() -> None:
    keys = {key for _, key in pdfs.REFUSED.values()}
    for lang in ("fa", "en"):
        t = Translator(lang)
        shown = {t(key) for key in keys}
        assert len(shown) == len(keys), lang  # each rule says something different
        assert all(text != key for text, key in zip(sorted(shown), sorted(keys), strict=True))


# --- through the bot ---------------------------------------------------------------------

FILES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    name: (build, key, "sanad.pdf") for name, (build, key) in pdfs.REFUSED.items()}
# The type is the bytes', never the name's: a scripted PDF named like a photo is a PDF still.
FILES["javascript named .jpg"] = (pdfs.javascript, "evidence-pdf-script", "scan.jpg")
FILES["javascript named .png"] = (pdfs.javascript, "evidence-pdf-script", "scan.png")


@pytest.mark.parametrize("name", list(FILES))
async def test_a_hostile_file_sent_by_an_owner(any_world: World, name: str) -> None:
    build, key, filename = FILES[name]
    world = any_world
    owner = await _owner_on(world, "evidence")
    await asyncio.sleep(0.5)
    before = await _state(world)
    await owner.send_document(build(), filename)
    expected = Translator("fa")(key)
    shown = await owner.wait_text(expected[:30], timeout=15)
    assert shown["text"] == expected  # the rule that refused it, in Persian
    await asyncio.sleep(0.2)
    assert await _state(world) == before, "nothing saved may change"
    await owner.send_document(pdfs.plain(), "sanad.pdf")  # and a plain PDF is taken after it
    await owner.wait_text("فایل دریافت شد", timeout=15)
