"""The fault suite's one zygote (tests/faults/zygote.py), shared by its modules."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.faults.harness import start_zygote


@pytest.fixture(scope="session")
def zygote() -> Iterator[subprocess.Popen[bytes]]:
    """One import of the bot for every chain of starts, on both backends."""
    process = start_zygote()
    yield process
    process.kill()
    process.wait(10)
