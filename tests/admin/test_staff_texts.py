"""Staff texts in Persian (issue 21, item 5): an association's upload report and a file that
cannot be read are told in the member's language, row by row, not in English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from demo.local import DATA, load_registry, open_period
from services.association import import_scores
from services.uow import UnitOfWork
from storage.registry import RegistryFileError
from texts.association import file_refusal, import_text
from texts.i18n import Translator

NOW = datetime.now(UTC)
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")


async def test_an_upload_report_reads_in_persian(sessionmaker: Any, tmp_path: Path) -> None:
    app = SimpleNamespace(sessionmaker=sessionmaker)
    await load_registry(app, DATA / "demo_regions.csv", DATA / "demo_offices.csv")
    await open_period(app, "1404-H1", NOW - timedelta(days=3), NOW + timedelta(days=10))
    code = (DATA / "demo_offices.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    scores = tmp_path / "scores.csv"
    scores.write_text(f"کد دفتر,امتیاز\n{code},۸۵\n{code},۹۰\n99999999,۵۰\n,۱۰\n"
                      f"{code[:-1]}0,دوازده\n{code},{'۱' * 1200}\n", encoding="utf-8")
    report = await import_scores(UnitOfWork(sessionmaker), None, scores, "association",
                                 period_code="1404-H1")
    assert len(report.rejected) >= 3 and not report.written
    fa = import_text(Translator("fa"), report)
    assert "تکراری" in fa and "پیدا نشد" in fa and "خالی" in fa
    assert "ستون کد دفتر" in fa and "۱٬۲۰۰ نویسه" in fa
    assert LATIN_WORD.findall(fa) == [], fa
    en = import_text(Translator("en"), report)
    assert "duplicate code" in en and "office code" in en

    missing = tmp_path / "missing.csv"
    missing.write_text("کد دفتر,نام\n1,الف\n", encoding="utf-8")
    with pytest.raises(RegistryFileError) as refused:
        await import_scores(UnitOfWork(sessionmaker), None, missing, "association",
                            period_code="1404-H1")
    text = file_refusal(Translator("fa"), refused.value)
    assert "ستون" in text and "missing" not in text
