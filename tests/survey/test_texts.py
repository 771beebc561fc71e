"""The survey's texts built at run time exist in both languages."""

from __future__ import annotations

from bot.i18n import catalog_keys
from bot.posters import PLATFORMS
from storage.survey import STARS

FAMILIES = {
    "survey-stars-": [str(s) for s in STARS],
    "survey-reason-": ["top", "new"],
    "survey-button-link-": list(PLATFORMS),
    "survey-poster-": [*PLATFORMS, "step-1", "step-2", "step-3", "lead-2"],
}


def test_key_families_exist_in_both_languages() -> None:
    for lang in ("fa", "en"):
        known = catalog_keys(lang)
        missing = [prefix + name for prefix, names in FAMILIES.items() for name in names
                   if prefix + name not in known]
        assert missing == [], lang
