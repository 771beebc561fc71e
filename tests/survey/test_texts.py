"""The survey's texts built at run time exist in both languages."""

from __future__ import annotations

from documents.posters import PLATFORMS
from storage.survey import STARS
from texts.i18n import catalog_keys

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


def test_payloads_links_and_rules() -> None:
    from datetime import timedelta

    from storage import survey as sv

    token = sv.new_token()
    assert len(token) == sv.TOKEN_LENGTH and sv.token_from_payload(sv.payload(token)) == token
    assert sv.token_from_payload(f" s_{token.upper()} ") == token
    for bad in (None, "", "s_", "s_ab", "ABCDEFGH", f"x_{token}", "s_" + "a" * 30, "s_a-b_c!d"):
        assert sv.token_from_payload(bad) is None, bad
    assert sv.deep_link("bale", "@my_bot", token) == f"https://ble.ir/my_bot?start=s_{token}"
    assert sv.deep_link("telegram", "my_bot", token) == f"https://t.me/my_bot?start=s_{token}"
    assert len(f"sv:r:{token}:{'k' * 16}:5".encode()) <= 64  # the longest callback data

    class Configured:
        survey_burst_top = 3
        survey_window_minutes = 30

    rules = sv.rules_from_settings(Configured())
    assert (rules.burst_top, rules.window, rules.burst_new) == (3, timedelta(minutes=30), 12)
    assert sv.rules_from_settings(None) == sv.SurveyRules()
