"""The stairway: upgrade → downgrade → upgrade on each backend; the schema matches the models."""

from __future__ import annotations

from storage.db import compare_options, create_engine, downgrade, table_names, upgrade
from storage.models import Base


async def _tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(table_names)


async def test_stairway(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        expected = set(Base.metadata.tables)
        assert expected <= await _tables(engine)
        await downgrade(engine, "base")
        assert not (expected & await _tables(engine))
        await upgrade(engine)
        assert expected <= await _tables(engine)
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts=compare_options(c)),
                                           Base.metadata))
        assert diff == [], f"models changed without a migration: {diff}"
    finally:
        await engine.dispose()
