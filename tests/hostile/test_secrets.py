"""Secrets never written down: tokens and webhook secrets are scrubbed from every log record,
exception text and stored error; the two webhook secrets are separate values.

The whole suite's logs are searched for every configured secret by `tests/conftest.py`
(`_no_secret_in_any_log`); here are the cases that would put one there.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from bot import redact
from bot.webhook_secrets import WebhookSecrets, check, webhook_secrets
from demo.local import World
from settings import Settings
from storage.models import Evidence
from tests.e2e.conftest import make_jpeg

TOKEN = "7311002233:AAH-fake_token_for_hostile_tests_0123456"
SECRET = "shared-webhook-secret-0123456789"


def _record(msg: str, args: tuple = (), exc: BaseException | None = None,
            **extra: str) -> str:
    """What a handler of the root logger (as `logging.basicConfig` makes them) would write for
    this record, with the redactor installed."""
    logger = logging.getLogger("tests.hostile.secrets")
    captured: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            fields = " ".join(str(getattr(record, key)) for key in extra)
            captured.append(self.format(record) + " " + fields)

    handler = Keep(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    redact.install([TOKEN, SECRET])  # a filter on the root's handlers, the record factory
    logger.setLevel(logging.DEBUG)
    try:
        if exc is not None:
            try:
                raise exc
            except BaseException:
                logger.exception(msg, *args, extra=extra or None)
        else:
            logger.warning(msg, *args, extra=extra or None, stack_info=bool(extra))
    finally:
        root.removeHandler(handler)
    return captured[0]


URL = f"https://api.telegram.org/file/bot{TOKEN}/photos/file_1.jpg"
RECORDS = [
    ("token in the message", (f"GET {URL} failed",), {}),
    ("token in the arguments", ("GET %s failed", (URL,)), {}),
    ("token in a dict argument", ("call %s", ({"url": URL},)), {}),
    ("url-encoded token", ("GET %s", (quote(URL, safe=""),)), {}),
    ("secret half of the token", ("key %s", (TOKEN.split(":")[1],)), {}),
    ("token in the exception", ("download failed",), {"exc": OSError(f"404 url={URL}")}),
    ("exception chained from a token", ("boom",),
     {"exc": ValueError("outer").with_traceback(None)}),
    ("webhook secret in the message", (f"POST /webhook/bale/{SECRET}",), {}),
    ("secret in an extra field", ("access",), {"extra": {"request_path": f"/x/{SECRET}"}}),
    ("unknown token shape", ("GET https://x/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_01/m",), {}),
]


@pytest.mark.parametrize(("msg_args", "options"),
                         [(args, options) for _, args, options in RECORDS],
                         ids=[name for name, _, _ in RECORDS])
def test_a_log_record_never_shows_a_secret(msg_args: tuple, options: dict) -> None:
    msg, *rest = msg_args
    args = rest[0] if rest else ()
    shown = _record(msg, args, options.get("exc"), **options.get("extra", {}))
    assert TOKEN not in shown and TOKEN.split(":")[1] not in shown
    assert SECRET not in shown and "ABCDEFGHIJKLMNOPQRSTUVWXYZ_01" not in shown
    assert redact.MASK in shown or "boom" in shown


def test_redact_scrubs_a_stored_text() -> None:
    redact.install([TOKEN])
    assert redact.redact(f"ClientResponseError: 404, url='{URL}'") == \
        f"ClientResponseError: 404, url='https://api.telegram.org/file/bot{redact.MASK}" \
        "/photos/file_1.jpg'"


async def test_a_failed_download_writes_no_token(sandbox_world: World,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """A file whose download fails: the person is asked to try again; neither the log nor the
    inbox's stored error shows the token, which is part of the file's URL."""
    world = sandbox_world
    caplog.set_level(logging.DEBUG)
    owner = world.user("bale", 8850, "مالک", phone="+989382413657")
    await owner.share_contact()
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("✍️ ادامهٔ خوداظهاری")
    await owner.wait_text("پرسش ۱")
    await owner.send_text("85")
    await owner.wait_text("حداکثر")
    token = world.tokens["bale"]
    world.sandbox.set_fault(token, "file", "500", times=None)
    await owner.send_photo(make_jpeg())
    assert "دوباره" in (await owner.wait_text("دوباره", timeout=20))["text"]
    from storage.models_inbox import InboxUpdate

    for _ in range(50):  # the inbox records the failure just after the answer
        async with world.session() as session:
            errors = [e for e in (await session.scalars(select(InboxUpdate.last_error))).all()
                      if e]
            assert await session.scalar(select(Evidence.id)) is None
        if errors:
            break
        await asyncio.sleep(0.1)
    assert errors, "the failure was recorded"
    logged = "\n".join(caplog.text.splitlines() + [str(e) for e in errors])
    assert "download" in logged
    assert token in redact.REDACTOR.secrets, "the session's log scan searches for it"
    secret_half = token.split(":")[1]
    assert token not in logged and secret_half not in logged
    assert f"bot{token}" not in logged


def test_the_two_webhook_secrets_are_derived_apart() -> None:
    settings = Settings(_env_file=None, webhook_secret=SECRET)
    secrets = webhook_secrets(settings)
    assert len({secrets.path, secrets.telegram, SECRET}) == 3
    assert SECRET not in secrets.path and SECRET not in secrets.telegram
    assert secrets == webhook_secrets(Settings(_env_file=None, webhook_secret=SECRET))
    assert SECRET not in repr(secrets) and secrets.path not in repr(secrets)


def test_explicit_webhook_secrets_are_taken_as_they_are() -> None:
    settings = Settings(_env_file=None, webhook_path_secret="bale-path-secret-0123456789",
                        webhook_telegram_secret="tg_secret-1")
    assert webhook_secrets(settings) == WebhookSecrets("bale-path-secret-0123456789",
                                                       "tg_secret-1")


BAD_SECRETS = [
    ("empty telegram", "bale-path-secret-0123456789", ""),
    ("space in telegram", "bale-path-secret-0123456789", "has space"),
    ("non-ascii telegram", "bale-path-secret-0123456789", "رمز-secret"),
    ("telegram too long", "bale-path-secret-0123456789", "a" * 257),
    ("slash in path", "bale/path-secret-0123456789", "tg_secret"),
    ("short path", "short", "tg_secret"),
    ("same value", "same-secret-for-both-0123", "same-secret-for-both-0123"),
]


@pytest.mark.parametrize(("path", "telegram"), [(p, t) for _, p, t in BAD_SECRETS],
                         ids=[name for name, _, _ in BAD_SECRETS])
def test_a_bad_webhook_secret_is_refused_at_start(path: str, telegram: str) -> None:
    with pytest.raises(ValueError) as refused:
        check(WebhookSecrets(path, telegram))
    assert (telegram and telegram in str(refused.value)) is False or not telegram
    assert path not in str(refused.value)


def test_telegram_secret_of_256_characters_is_accepted() -> None:
    assert check(WebhookSecrets("bale-path-secret-0123456789", "A" * 256)).telegram == "A" * 256


def test_every_secret_of_the_settings_is_scrubbed_and_searched_for() -> None:
    settings = Settings(_env_file=None, telegram_token=TOKEN, webhook_secret=SECRET,
                        database_url="postgresql+asyncpg://bot:db-password-0123@db/pishkhan",
                        fsm_redis_url="redis://:redis-password-0123@cache:6379/0")
    derived = webhook_secrets(settings)
    found = set(redact.settings_secrets(settings))
    assert {TOKEN, SECRET, derived.path, derived.telegram, "db-password-0123",
            "redis-password-0123"} <= found
    redact.install(found)
    line = redact.redact(f"{settings.database_url} /webhook/bale/{derived.path} "
                         f"{derived.telegram}")
    assert not any(secret in line for secret in found)


CLI_REFUSALS = [
    ("no secret at all", {}, "PISHKHAN_WEBHOOK_SECRET"),
    ("short shared secret", {"PISHKHAN_WEBHOOK_SECRET": "short"}, "at least 16"),
    ("telegram secret with a space", {"PISHKHAN_WEBHOOK_PATH_SECRET": "bale-path-0123456789ab",
                                      "PISHKHAN_WEBHOOK_TELEGRAM_SECRET": "bad secret"},
     "1 to 256"),
    ("the same value twice", {"PISHKHAN_WEBHOOK_PATH_SECRET": "same-value-0123456789",
                              "PISHKHAN_WEBHOOK_TELEGRAM_SECRET": "same-value-0123456789"},
     "must differ"),
]


@pytest.mark.parametrize(("variables", "says"), [(v, s) for _, v, s in CLI_REFUSALS],
                         ids=[name for name, _, _ in CLI_REFUSALS])
def test_pishkhan_webhook_refuses_bad_secrets_at_start(
        variables: dict[str, str], says: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("PISHKHAN_WEBHOOK_SECRET", "PISHKHAN_WEBHOOK_PATH_SECRET",
                 "PISHKHAN_WEBHOOK_TELEGRAM_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PISHKHAN_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("PISHKHAN_WEBHOOK_BASE_URL", "https://bot.example.ir")
    monkeypatch.setenv("COLUMNS", "200")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["webhook"])
    assert result.exit_code == 2
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert says in output
    assert not any(value in output for value in variables.values() if len(value) > 8)


async def test_the_error_an_update_leaves_in_the_inbox_holds_no_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler that fails on a file download keeps the error on the inbox row (read by
    `pishkhan inbox list`, told to hq): the URL in it, and so the token, is scrubbed there too.
    The stored text went through `delivery.inbox._describe`, which did not redact."""
    from datetime import timedelta

    from delivery import inbox as delivery_inbox
    from delivery.inbox import InboxWorker, keep
    from storage import inbox
    from storage.models_inbox import InboxUpdate
    from tests.handlers.conftest import make_harness
    from tests.inbox.test_inbox import parsed, start_update

    redact.install([TOKEN, SECRET])
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(0),))

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError(f"cannot fetch {URL} (secret {SECRET})")

    monkeypatch.setattr("bot.middlewares.identify", broken)
    async with make_harness(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", tmp_path) as h:
        work = InboxWorker(h.dispatcher, h.sessionmaker, list(h.bots.values()), h.clock)
        await keep(h.sessionmaker, h.bots["bale"], [parsed(h, start_update(701, 7101))],
                   h.clock.now())
        for _ in range(2):
            async with h.sessionmaker() as session:
                now = h.clock.now()
                taken = await inbox.take(session, now, now + timedelta(seconds=30), 10)
                await session.commit()
            for row in taken:
                await work.handle(row)
        async with h.sessionmaker() as session:
            errors = (await session.scalars(select(InboxUpdate.last_error))).all()
    assert errors and all(e and "OSError: cannot fetch" in e for e in errors)
    stored = " ".join(errors)
    assert TOKEN not in stored and TOKEN.split(":")[1] not in stored and SECRET not in stored
    assert redact.MASK in stored
