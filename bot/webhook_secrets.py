"""The two webhook secrets: Bale's path secret and Telegram's `secret_token`, never the same.

Bale has no secret header, so its webhook lives under a secret path; a path is written down by
every proxy and access log on the way, so it must not be the value that also opens Telegram's
webhook. Each may be set on its own (`PISHKHAN_WEBHOOK_PATH_SECRET`,
`PISHKHAN_WEBHOOK_TELEGRAM_SECRET`); when only the older `PISHKHAN_WEBHOOK_SECRET` is set, both are
derived from it with HMAC-SHA256 under different labels, so neither reveals the other or it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

# Telegram's rule for secret_token (Bot API, setWebhook).
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A path segment that needs no escaping anywhere, long enough not to be guessed.
PATH_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")


@dataclass(frozen=True)
class WebhookSecrets:
    path: str      # Bale: /webhook/bale/<path>
    telegram: str  # Telegram: the X-Telegram-Bot-Api-Secret-Token header

    def __repr__(self) -> str:
        return "WebhookSecrets(«redacted»)"


def derive(master: str, label: str) -> str:
    return hmac.new(master.encode(), f"pishkhan/{label}".encode(), hashlib.sha256).hexdigest()


def check(secrets: WebhookSecrets) -> WebhookSecrets:
    """Refuse, at start, values the platform would refuse or that could be guessed."""
    if not TELEGRAM_SECRET.fullmatch(secrets.telegram):
        raise ValueError("the Telegram webhook secret must be 1 to 256 characters of "
                         "A-Z, a-z, 0-9, _ and -")
    if not PATH_SECRET.fullmatch(secrets.path):
        raise ValueError("the webhook path secret must be 16 to 256 characters of "
                         "A-Z, a-z, 0-9, _ and -")
    if hmac.compare_digest(secrets.path, secrets.telegram):
        raise ValueError("the webhook path secret and the Telegram secret must differ")
    return secrets


def webhook_secrets(settings: Any) -> WebhookSecrets:
    """The secrets from settings: explicit ones first, else derived from the shared one."""
    def value(name: str) -> str | None:
        secret = getattr(settings, name, None)
        return secret.get_secret_value() if secret is not None else None

    master = value("webhook_secret")
    if master is not None and len(master) < 16:
        raise ValueError("PISHKHAN_WEBHOOK_SECRET must be at least 16 characters")
    path = value("webhook_path_secret") or (master and derive(master, "bale-path"))
    telegram = value("webhook_telegram_secret") or (master and derive(master, "telegram-token"))
    if not path or not telegram:
        raise ValueError("webhook mode needs PISHKHAN_WEBHOOK_SECRET, or both "
                         "PISHKHAN_WEBHOOK_PATH_SECRET and PISHKHAN_WEBHOOK_TELEGRAM_SECRET")
    return check(WebhookSecrets(path=path, telegram=telegram))


def from_shared(master: str) -> WebhookSecrets:
    """Both secrets derived from one shared secret (the older single setting)."""
    if len(master) < 16:
        raise ValueError("PISHKHAN_WEBHOOK_SECRET must be at least 16 characters")
    return check(WebhookSecrets(derive(master, "bale-path"), derive(master, "telegram-token")))
