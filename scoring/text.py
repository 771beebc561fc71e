"""Normalising what people type: digits in three scripts, Persian letters, phone numbers.

Users type Persian (۰–۹), Arabic-Indic (٠–٩) or ASCII digits, the Persian decimal separator «٫»,
thousands separators «٬» or «,», and invisible direction marks that phones insert. Everything that
parses user input goes through here first.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_ASCII = str.maketrans(
    {**{c: str(i) for i, c in enumerate(_PERSIAN_DIGITS)},
     **{c: str(i) for i, c in enumerate(_ARABIC_DIGITS)}}
)
_TO_PERSIAN = str.maketrans({str(i): c for i, c in enumerate(_PERSIAN_DIGITS)})

# Zero-width and direction marks a phone keyboard may slip into a number or a name.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                    "\u2066\u2067\u2068\u2069\ufeff\u061c"))
_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "هٔ", "ة": "ه"})

DECIMAL_SEPARATORS = "٫.\u066b/"
THOUSANDS_SEPARATORS = "٬,،'\u066c"


def to_ascii_digits(text: str) -> str:
    """«۱۲۳» and «١٢٣» become «123»; everything else stays."""
    return text.translate(_TO_ASCII)


def to_persian_digits(value: object) -> str:
    """Render a number (or any text holding ASCII digits) with Persian digits."""
    return str(value).translate(_TO_PERSIAN)


def strip_invisible(text: str) -> str:
    return text.translate(_INVISIBLE)


# Marks a keyboard or a spreadsheet slips into a name that are never part of it: direction marks,
# the zero-width space, the byte-order mark. The zero-width (non-)joiner is part of Persian words.
_STRAY_MARKS = dict.fromkeys(map(ord, "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                      "\u2066\u2067\u2068\u2069\ufeff\u061c"))
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})


def clean_name(text: str) -> str:
    """A name as it is to be shown and stored: Persian ی/ک for the Arabic letters, stray marks
    dropped, whitespace folded; the zero-width non-joiner kept (خمینی‌شهر, کریمی‌نژاد)."""
    return " ".join(text.translate(_PERSIAN_LETTERS).translate(_STRAY_MARKS).split())


def normalize_persian(text: str) -> str:
    """Arabic ي/ك to Persian ی/ک, invisible marks removed (ZWNJ kept as a space-free join is lost,
    so use this for comparing, not for display), whitespace folded."""
    text = text.translate(_ARABIC_LETTERS).translate(_INVISIBLE)
    return " ".join(text.split())


class NumberError(ValueError):
    """The text is not a number. `reason` is a short machine key a caller maps to a message."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


_THOUSANDS_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_decimal(text: str) -> Decimal:
    """Parse a number as a person types it: any digit script, «٫» or «.» as the decimal point,
    «٬» or «,» as thousands separators (only in the right places), a leading minus sign.

    Raises NumberError with reason `empty`, `not_a_number` or `bad_grouping`.
    """
    raw = strip_invisible(to_ascii_digits(text)).strip()
    raw = raw.replace("−", "-").replace("–", "-")
    if not raw:
        raise NumberError("empty", text)
    for sep in "٫\u066b":
        raw = raw.replace(sep, ".")
    for sep in "٬\u066c،'":
        raw = raw.replace(sep, ",")
    raw = raw.replace(" ", "")
    sign = ""
    if raw[:1] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    if "," in raw:
        if not _THOUSANDS_GROUPED.match(raw):
            raise NumberError("bad_grouping", text)
        raw = raw.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", raw):
        raise NumberError("not_a_number", text)
    try:
        value = Decimal(sign + raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex above rules this out
        raise NumberError("not_a_number", text) from exc
    return value


class PhoneError(ValueError):
    pass


_PHONE = re.compile(r"^9\d{9}$")


def normalize_phone(text: str | int) -> str:
    """Any Iranian mobile form (0912…, +98912…, 0098912…, 98912…, 912…, any digit script, with
    spaces, dashes or brackets) to «+989XXXXXXXXX». Raises PhoneError for anything else."""
    raw = strip_invisible(to_ascii_digits(str(text)))
    raw = re.sub(r"[\s\-().]", "", raw)
    if raw.startswith("+"):
        raw = raw[1:]
        if not raw.startswith("98"):
            raise PhoneError(f"not an Iranian number: {text!r}")
    if not raw.isdigit():
        raise PhoneError(f"not a phone number: {text!r}")
    if raw.startswith("0098"):
        raw = raw[4:]
    elif raw.startswith("98") and len(raw) == 12:
        raw = raw[2:]
    elif raw.startswith("0"):
        raw = raw[1:]
    if not _PHONE.match(raw):
        raise PhoneError(f"not an Iranian mobile number: {text!r}")
    return "+98" + raw
