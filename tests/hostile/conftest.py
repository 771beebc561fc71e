"""The hostile corpus: each case an input, the expected answer, and the check that nothing
changed. Fixtures of the service tests (`world`: the demo registry and an open period)."""

from __future__ import annotations

from tests.handlers.conftest import Harness, harness, texts
from tests.services.conftest import NOW, World, world

__all__ = ["NOW", "Harness", "World", "harness", "texts", "world"]
