"""The second half of the demo: review, return, fix, confirm, publish."""

from __future__ import annotations

from typing import Any


async def play(world: Any, cast: Any, scene: Any, drain: Any) -> None:
    return None
