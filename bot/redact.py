"""Secrets never written down: every log record is scrubbed of the configured tokens and secrets.

A bot token is part of every Bot API URL (`…/bot<TOKEN>/method`, `…/file/bot<TOKEN>/path`), so an
exception that prints a URL would print the token; the webhook's path secret is part of the
request line. `Redactor` replaces each configured secret (and, whatever is configured, anything
shaped like a bot token after `bot`) in a record's message, arguments, exception text, stack and
extra fields. It is installed once per process (`install`): as the log record factory, so that
every record of every logger is scrubbed when it is made, before any handler (a file, a console,
pytest's capture, an error reporter) sees it, and as a filter on the root's handlers (which
also sees the `extra=` fields).
`redact()` is the same for an error report or a text stored in the database.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
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

REDACTOR = Redactor()
_installed: list[Any] = []


def install(secrets: Iterable[str | None] = ()) -> Redactor:
    """Scrub every record of this process from now on; idempotent, secrets accumulate."""
    REDACTOR.add(*secrets)
    if not _installed:
        # The record factory (logging's public hook): every record of every logger is scrubbed
        # when it is made, before any handler sees it. Fields given as `extra=` are set after
        # the factory, so the root handlers' filter below scrubs those too.
        make_record = logging.getLogRecordFactory()

        def scrubbed(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(scrubbed)
        _installed.append(scrubbed)
    for handler in logging.getLogger().handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
    return REDACTOR


def redact(text: str) -> str:
    """A text (an error stored in the inbox, a report to hq) with the known secrets scrubbed."""
    return REDACTOR.redact(text)


def settings_secrets(settings: Any) -> list[str]:
    """Every secret a `Settings` holds: tokens, webhook secrets, passwords in URLs."""
    from sqlalchemy.engine import make_url

    found: list[str] = []
    for name in ("telegram_token", "bale_token", "webhook_secret", "webhook_path_secret",
                 "webhook_telegram_secret", "s3_access_key_id", "s3_secret_access_key"):
        value = getattr(settings, name, None)
        if value is not None:
            found.append(value.get_secret_value())
    for name in ("database_url", "fsm_redis_url"):
        url = getattr(settings, name, None)
        if url:
            try:
                password = make_url(url).password
            except Exception:  # not a URL SQLAlchemy reads: nothing to take from it
                password = None
            if password:
                found.append(str(password))
    if getattr(settings, "webhook_secret", None) is not None or getattr(
            settings, "webhook_path_secret", None) is not None:
        from bot.webhook_secrets import webhook_secrets

        try:
            secrets = webhook_secrets(settings)
            found += [secrets.path, secrets.telegram]
        except ValueError:
            pass
    return found
