from decimal import Decimal

import pytest

from scoring.text import (
    NumberError,
    PhoneError,
    normalize_persian,
    normalize_phone,
    parse_decimal,
    to_persian_digits,
)


@pytest.mark.parametrize("raw", [
    "09123456789", "9123456789", "+989123456789", "00989123456789", "989123456789",
    "۰۹۱۲۳۴۵۶۷۸۹", "٠٩١٢٣٤٥٦٧٨٩", "0912 345 6789", "+98 912-345-6789", "(0912) 345 67 89",
    "\u200e+989123456789\u200f", 989123456789,
])
def test_every_phone_form_becomes_e164(raw: str) -> None:
    assert normalize_phone(raw) == "+989123456789"


@pytest.mark.parametrize("raw", [
    "", "abc", "0212345678", "02188776655", "+19123456789", "091234567", "091234567890",
    "8123456789", "0098 21 1234 5678", "۰۹۱۲۳۴۵۶۷۸", "+98", "09123x56789",
])
def test_invalid_phones_are_refused(raw: str) -> None:
    with pytest.raises(PhoneError):
        normalize_phone(raw)


@pytest.mark.parametrize(("raw", "value"), [
    ("85", Decimal(85)), ("۸۵", Decimal(85)), ("٨٥", Decimal(85)), ("12.5", Decimal("12.5")),
    ("۱۲٫۵", Decimal("12.5")), ("1,200", Decimal(1200)), ("۱٬۲۰۰", Decimal(1200)),
    ("1,234,567.5", Decimal("1234567.5")), (" 42 ", Decimal(42)), ("-3", Decimal(-3)),
    ("\u200f۸۵\u200e", Decimal(85)), ("۸\u200c۵", Decimal(85)),
])
def test_numbers_in_any_script(raw: str, value: Decimal) -> None:
    assert parse_decimal(raw) == value


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty"), ("   ", "empty"), ("دوازده", "not_a_number"), ("NaN", "not_a_number"),
    ("inf", "not_a_number"), ("1e5", "not_a_number"), ("12,34", "bad_grouping"),
    ("1,2345", "bad_grouping"), ("1.2.3", "not_a_number"), ("۸۵ متر", "not_a_number"),
])
def test_what_is_not_a_number(raw: str, reason: str) -> None:
    with pytest.raises(NumberError) as info:
        parse_decimal(raw)
    assert info.value.reason == reason


def test_persian_digits_and_letters() -> None:
    assert to_persian_digits(1404) == "۱۴۰۴"
    assert normalize_persian("علي  كريمي\u200f") == "علی کریمی"
