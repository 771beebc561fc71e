"""The unit of work: one database transaction of one use case.

```python
async with uow:
    office = await offices.get(uow.session, office_id)
    ...
    await uow.commit()
```
Leaving the block without `commit()` (an exception, or a use case that only read) rolls back.
Repositories in `storage` take `uow.session` and never commit; only a service does, once.
One `UnitOfWork` may be used for several use cases in turn (one update can read, then write),
never for two at once.

The unit of work of an update taken from the inbox knows its row (`inbox_id`): its first commit
marks the update `replying` in the same transaction as the change, so a crash before it leaves
both undone. `delivery.inbox` marks it done once the handler returned (the person answered): a
crash after the commit, before the reply, has the update handled again, and the use case,
finding its change made, refuses or changes nothing; that answer is what the person gets.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.errors import Duplicate
from storage import inbox


class UnitOfWork:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession],
                 inbox_id: int | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.inbox_id = inbox_id
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use `async with uow:`")
        return self._session

    @property
    def dialect(self) -> str:
        bind = self.session.bind
        return bind.dialect.name if bind is not None else ""

    async def __aenter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open (one use case at a time)")
        self._session = self.sessionmaker()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        session, self._session = self._session, None
        assert session is not None
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        """Commit; a unique key another transaction wrote first (two workers, two taps) is
        `Duplicate`, after which nothing of this unit of work is kept."""
        try:
            if self.inbox_id is not None:
                await inbox.finish(self.session, self.inbox_id, datetime.now(UTC))
            await self.session.commit()
        except IntegrityError as error:
            await self.session.rollback()
            raise Duplicate("duplicate") from error
        self.inbox_id = None  # done: later use cases of the same update commit only themselves

    async def rollback(self) -> None:
        await self.session.rollback()
