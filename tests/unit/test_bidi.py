"""Values set apart from the sentence around them (bidi isolates), and Persian digits."""

from __future__ import annotations

import unicodedata

from texts.i18n import LRI, PDI, RLI, Translator, isolate


def first_strong(text: str) -> str:
    """The paragraph direction an app infers (UAX #9 P2: what an isolate holds is skipped)."""
    depth = 0
    for char in text:
        if char in (LRI, RLI, "\u2068"):
            depth += 1
        elif char == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0 and unicodedata.bidirectional(char) in ("L", "R", "AL"):
            return "ltr" if unicodedata.bidirectional(char) == "L" else "rtl"
    return "none"


def test_a_phone_code_or_latin_fragment_is_isolated_in_persian() -> None:
    assert isolate("+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "fa") == f"{LRI}+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷{PDI}"
    assert isolate("۰۲۱-۸۸۸۸۷۷۷۷", "fa") == f"{LRI}۰۲۱-۸۸۸۸۷۷۷۷{PDI}"
    assert isolate("AB12CD34", "fa") == f"{LRI}AB12CD34{PDI}"
    assert isolate("زهرا رضایی", "fa") == "زهرا رضایی"  # already in the sentence's direction
    assert isolate("دفتر ICT روستایی ۱۳۷۲", "fa") == "دفتر ICT روستایی ۱۳۷۲"
    assert isolate("۱۲\n۳۴", "fa") == "۱۲\n۳۴"  # a paragraph ends an isolate: left alone


def test_a_persian_name_is_isolated_in_english() -> None:
    assert isolate("زهرا", "en") == f"{RLI}زهرا{PDI}"
    assert isolate("16598444", "en") == "16598444"


def test_messages_isolate_their_values_and_plain_texts_do_not() -> None:
    sent = Translator("fa", "bale")("link-expert-line", name="خانم احمدی", phone="021-88887777")
    assert sent == f"• خانم احمدی: {LRI}۰۲۱-۸۸۸۸۷۷۷۷{PDI}"
    assert Translator("fa")("link-expert-line", name="خانم احمدی", phone="021-8") == \
        "• خانم احمدی: ۰۲۱-۸"


def test_a_staff_line_that_begins_with_a_command_still_reads_right_to_left() -> None:
    t = Translator("fa", "telegram")
    for key in ("start-staff-reviewer", "start-staff-association", "start-staff-hq",
                "start-staff-answerer"):
        line = t(key)
        assert "/" in line and first_strong(line) == "rtl", line
