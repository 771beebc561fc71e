"""Notices are queued as data and put into words when sent: in the recipient's language, for
the platform they are sent on."""

from __future__ import annotations

import pytest

from texts.notices import Rendered, render, renderer


def test_a_catalog_notice_reads_in_the_recipients_language_with_persian_digits() -> None:
    payload = {"notice": "survey-fee-notice", "locale": "fa",
               "args": {"name": "دفتر <ساری>", "code": "16598444", "count": 3}}
    fa = render(payload, "telegram")["text"]
    assert "۱۶۵۹۸۴۴۴" in fa and "۳" in fa
    assert "&lt;ساری&gt;" in fa  # a name is user text: escaped for Telegram's HTML
    en = render({**payload, "locale": "en"}, "bale")["text"]
    assert "16598444" in en and "<" not in en


def test_other_fields_of_the_payload_are_kept_and_the_notice_fields_go() -> None:
    out = render({"notice": "language-set", "locale": "en", "args": {},
                  "expires_at": "2030-01-01T00:00:00+00:00"}, "bale")
    assert set(out) == {"text", "expires_at"}


def test_a_registered_renderer_adds_buttons_and_names_are_unique() -> None:
    @renderer("test-notice-with-button")
    def _render(t, args):
        return Rendered(t("language-set"), {"inline_keyboard": [[
            {"text": str(args["n"]), "callback_data": "menu:main"}]]})

    out = render({"notice": "test-notice-with-button", "locale": "fa", "args": {"n": 2}},
                 "telegram")
    assert out["reply_markup"]["inline_keyboard"][0][0]["text"] == "2"
    with pytest.raises(ValueError):
        renderer("test-notice-with-button")(_render)
