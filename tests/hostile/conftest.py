"""The hostile corpus: each case an input, the expected answer, and the check that nothing
changed. Fixtures of the service tests (`world`: the demo registry and an open period)."""

from __future__ import annotations

from tests.services.conftest import NOW, World, world

__all__ = ["NOW", "World", "world"]
