"""Every text exists in Persian and English, every key the code uses exists, and catalogs hold
only the markup both platforms can render."""

from __future__ import annotations

import re
from pathlib import Path

from texts.i18n import LOCALES_DIR, Translator, catalog_keys

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("bot", "handlers", "storage", "scoring")
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9-]+)["']""")


def test_persian_and_english_have_the_same_keys() -> None:
    fa, en = catalog_keys("fa"), catalog_keys("en")
    assert sorted(fa - en) == [], "in Persian only"
    assert sorted(en - fa) == [], "in English only"


def test_every_key_the_code_uses_exists() -> None:
    known = catalog_keys("fa")
    used = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert sorted(used - known) == []


def test_key_families_built_at_run_time_exist() -> None:
    known = catalog_keys("fa")
    families = {
        "status-": ("draft", "submitted", "in-review", "returned", "confirmed", "published"),
        "link-code-": ("wrong", "used", "expired", "limit"),
        "evidence-want-": ("photo", "document", "either"),
        "evidence-accepts-": ("photo", "document", "either"),
        "disc-field-": ("name", "type", "address", "holder"),
        "start-staff-": ("reviewer", "association", "hq", "answerer"),
        "remind-": ("opened", "days", "last-day", "hours"),
        "disc-status-": ("open", "fixed", "answered"),
    }
    missing = [prefix + name for prefix, names in families.items() for name in names
               if prefix + name not in known]
    assert missing == []


def test_catalogs_use_only_bold_and_italic_and_persian_letters() -> None:
    for path in LOCALES_DIR.rglob("*.ftl"):
        text = path.read_text(encoding="utf-8")
        stripped = re.sub(r"</?[bi]>", "", text)
        assert "<" not in stripped and ">" not in stripped.replace("->", ""), path
        assert "&" not in stripped, path
        if path.parent.name == "fa":
            assert not re.search("[يك]", text), f"Arabic ي/ك in {path}"


def test_numbers_come_out_in_persian_digits() -> None:
    t = Translator("fa")
    assert t("menu-missing", count=12, items="x") .startswith("۱۲")
    assert "12" in Translator("en")("menu-missing", count=12, items="x")
