"""What operations ask of the database: is it there, is its schema at the head, how deep are
the queues (`/readyz`, `/metrics`). Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage.db import alembic_config
from storage.models import Outbox
from storage.models_inbox import NEW, PARKED, InboxUpdate


@dataclass(frozen=True, slots=True)
class Depths:
    inbox: int  # updates kept and not yet handled
    parked: int  # updates that failed every retry
    outbox: dict[str, int] = field(default_factory=dict)  # per platform: queued or sending


async def depths(session: AsyncSession) -> Depths:
    inbox_rows = (await session.execute(
        select(InboxUpdate.state, func.count()).where(InboxUpdate.state.in_((NEW, PARKED)))
        .group_by(InboxUpdate.state))).all()
    counts = {state: int(n) for state, n in inbox_rows}
    outbox_rows = (await session.execute(
        select(Outbox.platform, func.count()).where(Outbox.status.in_(("queued", "sending")))
        .group_by(Outbox.platform))).all()
    return Depths(counts.get(NEW, 0), counts.get(PARKED, 0),
                  {platform: int(n) for platform, n in outbox_rows})


def _heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def _current(connection: object) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())  # type: ignore[arg-type]


async def schema_state(engine: AsyncEngine) -> tuple[set[str], set[str]]:
    """(the database's revisions, the code's heads): equal when migrations are at the head.
    Raises whatever the driver raises when the database cannot be reached."""
    conn: AsyncConnection
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        current = await conn.run_sync(_current)
    return current, _heads()
