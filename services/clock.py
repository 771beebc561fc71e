"""The one place the application asks what time it is, so tests can travel in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class TravelClock(Clock):
    """A clock that runs with real time from a chosen instant; tests move it forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def set(self, instant: datetime) -> None:
        self._offset = instant - datetime.now(UTC)

    def advance(self, delta: timedelta) -> None:
        self._offset += delta
