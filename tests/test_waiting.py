"""The shared wait-until helper (tests/waiting.py): what a failing wait tells the reader."""

from __future__ import annotations

import pytest

from tests.waiting import until, wait_until


async def test_until_returns_the_checks_value_and_accepts_coroutines() -> None:
    seen = []

    async def check() -> int:
        seen.append(1)
        return len(seen) if len(seen) >= 3 else 0

    assert await until(check, 2, "three looks", every=0.01) == 3


async def test_a_timed_out_wait_names_what_and_what_was_seen() -> None:
    with pytest.raises(AssertionError, match=r"(?s)waiting for the inbox to empty:\n4 left"):
        await until(lambda: False, 0.05, "the inbox to empty", every=0.01,
                    detail=lambda: "4 left")


def test_stop_gives_up_at_once() -> None:
    with pytest.raises(AssertionError, match="gave up waiting for the bot to start after 0.0"):
        wait_until(lambda: False, 60, "the bot to start", stop=lambda: True)
