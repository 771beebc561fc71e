"""`current_period`: the period whose owners' window is open, else the latest that has opened,
on both databases (it picks the one row in SQL, without reading the other periods' rubrics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.admin import add_period, current_period

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def _period(session, code: str, opens_days_ago: int, open_days: int) -> None:
    opens = NOW - timedelta(days=opens_days_ago)
    await add_period(session, code=code, opens_at=opens,
                     closes_at=opens + timedelta(days=open_days), review_opens_at=opens,
                     review_closes_at=opens + timedelta(days=open_days + 10),
                     rubric_code="sample", rubric_text=f"# the rubric of {code}")


async def test_the_open_window_wins_over_a_later_closed_one_and_the_future(sessionmaker) -> None:
    async with sessionmaker() as session:
        assert await current_period(session, NOW) is None
        await _period(session, "1404-H1", 200, 30)  # long closed
        await _period(session, "1405-H2", -150, 30)  # not open yet
        chosen = await current_period(session, NOW)
        assert chosen is not None and chosen.code == "1404-H1"  # the latest that has opened
        assert chosen.rubric_text == "# the rubric of 1404-H1"
        assert chosen.opens_at.tzinfo is not None
        await _period(session, "1405-H1", 20, 40)  # open now
        await _period(session, "1404-H2", 10, 5)  # opened later, already closed
        chosen = await current_period(session, NOW)
        assert chosen is not None and chosen.code == "1405-H1"
        assert chosen.rubric_text == "# the rubric of 1405-H1"
        assert (await current_period(session, NOW + timedelta(days=19))).code == "1405-H1"
        # At the exact close the window is shut: then the latest that has opened.
        closes = NOW + timedelta(days=20)
        assert (await current_period(session, closes - timedelta(seconds=1))).code == "1405-H1"
        assert (await current_period(session, closes)).code == "1404-H2"
        assert (await current_period(session, NOW + timedelta(days=150))).code == "1405-H2"
