"""Secrets never written down: every log record is scrubbed of the configured tokens and secrets.

A bot token is part of every Bot API URL (`…/bot<TOKEN>/method`, `…/file/bot<TOKEN>/path`), so an
exception that prints a URL would print the token; the webhook's path secret is part of the
request line. `Redactor` replaces each configured secret (and, whatever is configured, anything
shaped like a bot token after `bot`) in a record's message, arguments, exception text, stack and
extra fields. It is installed once per process (`install`): as the log record factory, so that
every record of every logger is scrubbed when it is made, before any handler (a file, a console,
pytest's capture, an error reporter) sees it, and as a filter on the root's handlers (which
also sees the `extra=` fields).
`redact()` is the same for an error report or a text stored in the database; it and the
`Redactor` live in `settings.redaction`, below every layer that writes text down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from settings.redaction import (
    MASK,
    MIN_LENGTH,
    REDACTOR,
    TOKEN_SHAPE,
    Redactor,
    redact,
    scrub_record,
)

__all__ = ["MASK", "MIN_LENGTH", "REDACTOR", "TOKEN_SHAPE", "Redactor", "install", "redact",
           "scrub_record", "settings_secrets"]

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


def settings_secrets(settings: Any) -> list[str]:
    """Every secret a `Settings` holds: tokens, webhook secrets, passwords in URLs."""
    from sqlalchemy.engine import make_url

    found: list[str] = []
    for name in ("telegram_token", "bale_token", "webhook_secret", "webhook_path_secret",
                 "webhook_telegram_secret", "s3_access_key_id", "s3_secret_access_key"):
        value = getattr(settings, name, None)
        if value is not None:
            found.append(value.get_secret_value())
    for name in ("database_url", "fsm_redis_url", "redis_url"):
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
