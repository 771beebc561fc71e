"""Every refusal code the administration's and the survey's use cases raise is a message in
both catalogs (the command line prints it in English, the bot says it in the person's
language)."""

from __future__ import annotations

import re
from pathlib import Path

from texts.i18n import catalog_keys

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("services/registry.py", "services/staff.py", "services/periods.py",
           "services/survey.py", "services/survey_admin.py", "storage/registry.py",
           "storage/admin.py", "storage/directory.py", "storage/survey.py")
RAISED = re.compile(r"""(?:Invalid|Forbidden|NotFound|Conflict|Error|Refusal)\("""
                    r"""\s*(?:f?"[^"]*",\s*)?"([a-z][a-z0-9-]+)"(?=[,)\s])""")
KEYS = re.compile(r"""Forbidden\("([a-z-]+)" if [^)]* else "([a-z-]+)"\)""")


def test_every_code_is_in_both_catalogs() -> None:
    codes: set[str] = set()
    for module in MODULES:
        text = (ROOT / module).read_text(encoding="utf-8")
        codes |= set(RAISED.findall(text))
        codes |= {key for pair in KEYS.findall(text) for key in pair}
    assert {"registry-no-regions", "admin-staff-exists", "survey-flag-already",
            "survey-services-key", "survey-busy", "pick-office-first", "not-linked"} <= codes
    for lang in ("fa", "en"):
        assert sorted(codes - catalog_keys(lang)) == [], lang
