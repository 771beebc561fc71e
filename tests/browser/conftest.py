"""Browser fixtures: headless Chromium driven by Playwright's Python package.

Playwright cannot download its own browser here, so the tests use the system's Chromium
(Debian's ``chromium`` package; ``.ci/run`` installs it). Where none is installed the tests are
skipped with that reason, except under ``CI=true``, where a missing browser fails the run.
``PISHKHAN_CHROMIUM`` may name another Chromium executable.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"a browser is required in CI: {reason}")
    pytest.skip(reason)


def chromium_path() -> str:
    """The Chromium executable to drive, or skip (fail under CI) saying why there is none."""
    wanted = os.environ.get("PISHKHAN_CHROMIUM")
    candidates = [wanted] if wanted else ["/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    _unavailable(
        f"no Chromium at {wanted or '/usr/bin/chromium'} "
        "(install it with `apt-get install chromium`)"
    )
    raise AssertionError("unreachable")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """A headless Chromium (Playwright ``Browser``), closed after the test."""
    executable = chromium_path()
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a test dependency
        _unavailable(f"Playwright's Python package is not installed: {exc}")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()
