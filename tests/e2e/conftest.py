"""End-to-end fixtures: the real application polling the sandbox over HTTP."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from demo.local import World, local_world

# 1404/08/03 12:00 in Tehran: a fixed instant, so dates and "days left" in transcripts are stable.
FIXED_NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)
TRANSCRIPTS = Path(__file__).parent / "transcripts"


@pytest.fixture
async def migrated_db_url(db_url: str) -> str:
    """An empty database on each backend with the schema in place (the application upgrades
    only the embedded SQLite by itself; PostgreSQL is upgraded by `pishkhan db upgrade`)."""
    from storage.db import create_engine, upgrade

    engine = create_engine(db_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    return db_url


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with local_world(tmp_path, now=FIXED_NOW) as world:
        yield world


def make_jpeg(width: int = 64, height: int = 48, color: str = "navy") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def make_png(width: int = 32, height: int = 32) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def make_pdf(text: str = "lease") -> bytes:
    """A valid one-page PDF saying `text`: the sandbox's sample (`sandbox.samples.pdf`, the one
    builder of plain PDFs for tests, the demo and the bench)."""
    from sandbox.samples import pdf

    return pdf(text)


def render_transcript(entries: list[dict]) -> str:
    """A chat as a person reads it: who said what, and the buttons they were shown."""
    lines = []
    buttons = {}
    for entry in entries:
        markup = entry.get("reply_markup") or {}
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                buttons[(entry.get("message_id"), button.get("callback_data"))] = button["text"]
    for entry in entries:
        if entry.get("deleted"):
            continue
        who = "👤" if entry["direction"] == "in" else "🤖"
        kind = entry.get("kind", "text")
        text = entry.get("text") or entry.get("caption") or ""
        if kind == "callback":
            pressed = buttons.get((entry.get("message_id"), entry.get("data")), entry.get("data"))
            text = f"[{pressed}]"
        elif kind in ("photo", "document", "contact", "sticker", "voice") and not text:
            text = f"<{kind}>"
        lines.append(f"{who} " + text.replace("\n", "\n   "))
        markup = entry.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        for row in rows:
            lines.append("   " + " ".join(f"[{b['text']}]" for b in row))
    return "\n".join(lines) + "\n"


def compare_transcript(name: str, text: str) -> None:
    """Compare with the committed transcript; PISHKHAN_UPDATE_TRANSCRIPTS=1 rewrites it."""
    path = TRANSCRIPTS / name
    if os.environ.get("PISHKHAN_UPDATE_TRANSCRIPTS") == "1" or not path.exists():
        TRANSCRIPTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"transcript {name} was missing in CI; it has been written, commit it")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"the conversation changed; see git diff of {path} after running " \
                             f"with PISHKHAN_UPDATE_TRANSCRIPTS=1"


async def album_sent(world: World, parts: int) -> None:
    """Wait until an album's parts are stored, then for the quiet moment, then let the outbox
    sender (not running in the test world) send the album's one acknowledgement."""
    import asyncio

    from sqlalchemy import func, select

    from storage.models import Evidence
    from tests.review.conftest import drain

    for _ in range(200):
        async with world.session() as session:
            if await session.scalar(select(func.count()).select_from(Evidence)) >= parts:
                break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.6)
    await drain(world)
