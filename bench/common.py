"""Helpers shared by the benchmarks."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    """The shared synthetic registry: $PISHKHAN_REGISTRY or ../shared/data beside the repo."""
    return Path(os.environ.get("PISHKHAN_REGISTRY", ROOT.parent / "shared" / "data"))
