"""JSON logs: one object a line, the update on every line written while it is handled, and the
tokens scrubbed whatever the format."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

from bot.logs import configure
from demo.local import local_world
from tests.e2e.conftest import FIXED_NOW

OWNER_PHONE = "+989382413657"


async def test_json_lines_carry_the_update_and_never_a_token(tmp_path: Path) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    async with local_world(tmp_path, now=FIXED_NOW, log_format="json") as world:
        handler = configure(world.settings, stream)
        logging.getLogger("aiogram.event").setLevel(logging.INFO)
        try:
            owner = world.user("bale", 7201, "زهرا", phone=OWNER_PHONE)
            await owner.send_command("/start")
            await owner.wait_text("شمارهٔ همراه")
            await owner.share_contact()
            await owner.wait_text("مهلت خوداظهاری")
            token = world.tokens["bale"]
            # A line that would print the token (a URL in an error): scrubbed.
            logging.getLogger("delivery.test").warning(
                "call failed: %s", f"{world.sandbox.base_url}/bot{token}/getMe")
        finally:
            root.removeHandler(handler)
            root.setLevel(level)
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    handled = [r for r in records if r["logger"] == "aiogram.event"]
    assert len(handled) >= 2  # aiogram's line per update: each with its own update
    assert all(r["update"] and r["update"].startswith("bale:") for r in handled)
    assert len({r["update"] for r in handled}) == len(handled)
    for secret in (world.tokens["bale"], world.tokens["telegram"],
                   world.tokens["bale"].split(":", 1)[1]):
        assert secret not in stream.getvalue()
    assert any("«redacted»" in r["message"] for r in records if r["logger"] == "delivery.test")


def test_text_is_the_default_with_the_update_after_the_logger(tmp_path: Path) -> None:
    from delivery.observe import CURRENT_UPDATE
    from settings import Settings

    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure(Settings(_env_file=None), stream)
    try:
        logging.getLogger("bot.test").info("outside any update")
        token = CURRENT_UPDATE.set("telegram:42")
        logging.getLogger("bot.test").info("inside one")
        CURRENT_UPDATE.reset(token)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    first, second = stream.getvalue().splitlines()[-2:]
    assert "bot.test: outside any update" in first
    assert "bot.test [telegram:42]: inside one" in second


def test_the_object_store_keys_are_scrubbed_from_json_lines() -> None:
    from settings import Settings

    secret_key = "s3-secret-key-never-printed-0123456789"
    settings = Settings(_env_file=None, evidence_backend="s3", log_format="json",
                        s3_access_key_id="AKIAEXAMPLEKEY0001", s3_secret_access_key=secret_key)
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure(settings, stream)
    try:
        try:
            raise RuntimeError(f"signature mismatch for {secret_key}")
        except RuntimeError:
            logging.getLogger("storage.test").exception("put failed: key %s", secret_key)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    record = json.loads(text.splitlines()[-1])
    assert secret_key not in text and "AKIAEXAMPLEKEY0001" not in text
    assert "«redacted»" in record["message"] and "«redacted»" in record["exc_info"]
