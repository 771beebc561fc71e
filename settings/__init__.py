"""Typed settings: environment variables prefixed `PISHKHAN_` and an optional `.env` file.

This is the only place that reads the environment. Tokens are secrets: `SecretStr` never shows its
value in a repr, a log line or a traceback.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"
BALE_API = "https://tapi.bale.ai"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PISHKHAN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///./var/pishkhan.db"
    telegram_token: SecretStr | None = None
    bale_token: SecretStr | None = None
    telegram_api_base: str = TELEGRAM_API
    bale_api_base: str = BALE_API
    evidence_dir: Path = Path("./var/evidence")
    timezone: str = "Asia/Tehran"
    # Reminders and other non-urgent messages go out only in these hours (local time).
    send_hours: str = Field(default="09:00-21:00", pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")
    default_locale: str = "fa"

    # Evidence files: the cap is never above the platform's own (Bale fails from about 20 MB).
    evidence_max_mb: float = Field(default=10, gt=0, le=20)
    # A file download from the platform that takes longer fails (the owner is told which
    # file, the inbox tries again).
    download_timeout_seconds: int = Field(default=30, gt=0, le=600)
    # Outbox sender: messages per second per platform.
    telegram_rate: float = Field(default=25, gt=0)
    bale_rate: float = Field(default=10, gt=0)
    # Questions to experts: escalation after N working hours, the working week, limits.
    ticket_escalation_hours: float = Field(default=8, gt=0)
    work_days: str = "sat-wed"
    work_hours: str = "08:00-16:00"
    tickets_max_open: int = Field(default=3, ge=1)
    ticket_flood_messages: int = Field(default=8, ge=1)
    ticket_flood_minutes: int = Field(default=10, ge=1)
    ticket_max_chars: int = Field(default=1500, ge=100, le=4000)
    # The bots' usernames (without @), for deep links and the survey posters' QR codes.
    telegram_username: str | None = None
    bale_username: str | None = None
    # Citizens' survey: bursts are flagged for the region, ratings held until cleared.
    survey_window_minutes: int = Field(default=60, ge=5)
    survey_burst_top: int = Field(default=8, ge=2)
    survey_burst_new: int = Field(default=12, ge=2)
    survey_new_account_hours: float = Field(default=24, gt=0)
    survey_office_per_hour: int = Field(default=40, ge=1)
    survey_account_per_day: int = Field(default=5, ge=1)
    # Webhook mode.
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Separate values for Bale's secret path and Telegram's secret_token (bot.webhook_secrets);
    # unset, each is derived from webhook_secret.
    webhook_path_secret: SecretStr | None = None
    webhook_telegram_secret: SecretStr | None = None
    # Webhook requests accepted per source address per minute.
    webhook_rate_per_minute: int = Field(default=600, ge=1)
    # Reverse proxies whose X-Forwarded-For names the real source (comma-separated addresses).
    webhook_trusted_proxies: str = "127.0.0.1,::1"
    # The staff console: the public address its login links start with (the console is also
    # mounted on the webhook's server when this is set), e.g. https://pishkhan.example.ir
    console_base_url: str | None = None
    # FSM storage: memory (one process) or a redis:// URL (several workers).
    fsm_redis_url: str | None = None
    # The inbox's lease on an update being handled (renewed every third of it while handled).
    inbox_lease_seconds: float = Field(default=10, gt=0)
    # Tests only (tests/faults): comma-separated `storage.faults.POINTS` where the process
    # kills itself. Empty in production.
    fault_points: str = ""
    # Evidence store: the local folder (evidence_dir) or an S3-compatible bucket (MinIO, S3).
    evidence_backend: Literal["local", "s3"] = "local"
    s3_endpoint_url: str | None = None  # None: AWS itself; MinIO: http://127.0.0.1:9000
    s3_bucket: str = "pishkhan-evidence"
    s3_prefix: str = "evidence/"
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    # Operations: log lines as text (developers) or one JSON object each (production);
    # polling mode serves /healthz, /readyz and /metrics on this port (0: not at all).
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    ops_host: str = "127.0.0.1"
    ops_port: int = Field(default=0, ge=0, le=65535)
    # Send-rate budgets and short-lived locks shared by several workers (delivery.coordination);
    # unset: this process only, and one active outbox sender per platform.
    redis_url: str | None = None
    redis_prefix: str = "pishkhan"

    @field_validator("telegram_token", "bale_token", "webhook_secret", "s3_access_key_id",
                     "s3_secret_access_key", "s3_endpoint_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("webhook_path_secret", "webhook_telegram_secret", mode="before")
    @classmethod
    def _unset_webhook_secret(cls, value: object) -> object:
        # Checked at start by bot.webhook_secrets.check, whose message never shows the value.
        return None if value in ("", None) else value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("fa", "en"):
            raise ValueError("must be fa or en")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def platforms(self) -> dict[str, tuple[str, str]]:
        """Configured platforms: name → (token, API base)."""
        found: dict[str, tuple[str, str]] = {}
        if self.bale_token:
            found["bale"] = (self.bale_token.get_secret_value(), self.bale_api_base)
        if self.telegram_token:
            found["telegram"] = (self.telegram_token.get_secret_value(), self.telegram_api_base)
        return found
