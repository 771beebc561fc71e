"""Scrubbing secrets out of text and log records: the pure part of `bot.redact`.

Here, at the bottom of the layers, so that whatever writes a text down (the inbox's stored error
in `delivery`, a log line anywhere) can scrub it; `bot.redact` installs it on logging and reads
the secrets from the settings. `redact()` scrubs one text with every secret this process knows.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from typing import Any
from urllib.parse import quote

MASK = "«redacted»"
# A token in a URL even when not configured (another bot's, a typo'd one): bot<digits>:<secret>.
TOKEN_SHAPE = re.compile(r"(?<=bot)\d{3,}(?::|%3A)[A-Za-z0-9_-]{20,}")
MIN_LENGTH = 8  # shorter values would scrub ordinary words out of the log


class Redactor(logging.Filter):
    """Scrubs the secrets it was given from log records and from text."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, *secrets: str | None) -> None:
        """Remember secrets (and their URL-encoded forms, and a token's secret half)."""
        forms = set()
        for secret in secrets:
            if not secret or len(secret) < MIN_LENGTH:
                continue
            forms.update({secret, quote(secret, safe="")})
            head, colon, tail = secret.partition(":")
            if colon and head.isdigit() and len(tail) >= MIN_LENGTH:
                forms.add(tail)
        with self._lock:
            if forms <= self._secrets:
                return
            self._secrets |= forms
            # Longest first, so a token is replaced whole rather than its tail alone.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def redact(self, text: str) -> str:
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        return TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record, self.redact)
        return True


def scrub_record(record: logging.LogRecord, redact: Any) -> None:
    """Format the message now (its arguments may hold a secret) and keep only the scrubbed
    text; the exception becomes its scrubbed text, so no handler formats it again."""
    if not getattr(record, "_pishkhan_scrubbed", False) or record.exc_info:
        _scrub_text(record, redact)
    for key, value in vars(record).items():  # fields given as `extra=`
        if key not in _STANDARD and isinstance(value, str):
            setattr(record, key, redact(value))
    record._pishkhan_scrubbed = True


def _scrub_text(record: logging.LogRecord, redact: Any) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep what there is, as text
        message = f"{record.msg!r} % {record.args!r}"
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_info = None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "_pishkhan_scrubbed"}

REDACTOR = Redactor()  # the process's one redactor: `bot.redact.install` fills it


def redact(text: str) -> str:
    """A text (an error stored in the inbox, a report to hq) with the known secrets scrubbed."""
    return REDACTOR.redact(text)
