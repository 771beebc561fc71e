"""The survey's migration goes up, down to the revision before it, and up again, and leaves a
schema that matches the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

import storage.models_survey  # noqa: F401 - the survey's tables are in the metadata
from storage.db import create_engine, downgrade, upgrade
from storage.models import Base

SURVEY_TABLES = {"survey_links", "survey_services", "survey_ratings", "survey_flags"}


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_up_down_up_and_models_agree(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, compare_options

    script = ScriptDirectory.from_config(alembic_config())
    survey = script.get_revision("0006")
    assert survey is not None
    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        assert SURVEY_TABLES <= await _tables(engine)
        await downgrade(engine, str(survey.down_revision))
        assert not SURVEY_TABLES & await _tables(engine)
        await upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts=compare_options(c)),
                                           Base.metadata))
        assert diff == []
    finally:
        await engine.dispose()
