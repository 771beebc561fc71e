"""The application running against a local sandbox, in one process.

Used by `pishkhan demo`, the end-to-end tests and the benchmarks: one sandbox with a Bale bot and a
Telegram bot, a fresh SQLite database (or any URL), a registry, an open period with a rubric, and
the real application polling the sandbox over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, application, serve_updates
from sandbox.server import Sandbox
from sandbox.user import ScriptedUser
from services import periods, registry
from services.clock import TravelClock
from services.uow import UnitOfWork
from settings import Settings
from storage.records import PeriodRecord

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_RUBRIC = Path(__file__).resolve().parent.parent / "scoring" / "rubrics" / "sample.toml"


@dataclass
class World:
    sandbox: Sandbox
    app: App
    settings: Settings
    clock: TravelClock
    tokens: dict[str, str]
    period: PeriodRecord | None
    users: list[ScriptedUser] = field(default_factory=list)

    def user(self, platform: str, user_id: int, first_name: str = "کاربر", **kwargs: object
             ) -> ScriptedUser:
        user = ScriptedUser(self.sandbox.base_url, self.tokens[platform], user_id, first_name,
                            **kwargs)
        self.users.append(user)
        return user

    def session(self) -> AsyncSession:
        return self.app.sessionmaker()

    def uow(self) -> UnitOfWork:
        """A unit of work for calling a use case of `services` directly."""
        return UnitOfWork(self.app.sessionmaker)


async def load_registry(app: App, regions: Path, offices: Path) -> None:
    await registry.import_regions(UnitOfWork(app.sessionmaker), regions)
    report = await registry.import_offices(UnitOfWork(app.sessionmaker), offices)
    if report.rejected:
        raise ValueError(f"the registry has bad rows: {report.rejected[:3]}")


async def open_period(app: App, code: str, opens_at: datetime, closes_at: datetime,
                      rubric: Path = SAMPLE_RUBRIC,
                      review_closes_at: datetime | None = None) -> PeriodRecord:
    from scoring.rubric import load_rubric

    text = rubric.read_text(encoding="utf-8")
    return await periods.create_period(
        UnitOfWork(app.sessionmaker), code=code, opens_at=opens_at, closes_at=closes_at,
        review_opens_at=opens_at, review_closes_at=review_closes_at or closes_at,
        rubric_code=load_rubric(text).code, rubric_text=text)


@contextlib.asynccontextmanager
async def local_world(folder: Path, *, database_url: str | None = None,
                      regions: Path = DATA / "demo_regions.csv",
                      offices: Path = DATA / "demo_offices.csv",
                      period_days: tuple[int, int] | None = (-3, 10),
                      period_window: tuple[str, str] | None = None,
                      now: datetime | None = None,
                      polling: bool = True, **settings_overrides: object
                      ) -> AsyncIterator[World]:
    """Start a sandbox and the application; stop both on exit."""
    clock = TravelClock(now)
    sandbox = Sandbox()
    tokens = {"bale": sandbox.add_bot("bale"), "telegram": sandbox.add_bot("telegram")}
    await sandbox.start()
    settings = Settings(
        _env_file=None,
        database_url=database_url or f"sqlite+aiosqlite:///{folder / 'pishkhan.db'}",
        bale_token=tokens["bale"], telegram_token=tokens["telegram"],
        bale_api_base=sandbox.base_url, telegram_api_base=sandbox.base_url,
        evidence_dir=folder / "evidence", **settings_overrides)
    try:
        async with application(settings, clock) as app:
            await load_registry(app, regions, offices)
            period = None
            if period_window is not None:
                from scoring.calendar import window

                opens_at, closes_at = window(*period_window)
                period = await open_period(app, "1404-H1", opens_at, closes_at)
            elif period_days is not None:
                today = clock.now()
                period = await open_period(app, "1404-H1",
                                           today + timedelta(days=period_days[0]),
                                           today + timedelta(days=period_days[1]))
            world = World(sandbox, app, settings, clock, tokens, period)
            task = None
            stop = asyncio.Event()
            if polling:
                task = asyncio.create_task(serve_updates(app, stop, polling_timeout=10))
                await asyncio.sleep(0)
            try:
                yield world
            finally:
                if task is not None:
                    stop.set()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await asyncio.wait_for(task, 15)
                for user in world.users:
                    await user.close()
    finally:
        await sandbox.stop()
