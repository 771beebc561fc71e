"""`pishkhan demo`, the README's first command: the whole story, printed, in under 30 s."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.common import shared_data

ROOT = Path(__file__).resolve().parents[2]
SHARED = shared_data()
MILESTONES = ["متصل شد", "یادآوری", "پاسخ پرسش", "خوداظهاری شما ثبت شد",
              "برای اصلاح بازگردانده شد", "را منطقه تأیید کرد", "اعلام شد",
              "نتیجهٔ ارزیابی", "رتبهٔ"]


@pytest.mark.parametrize("registry", [None, SHARED], ids=["bundled", "shared-7943"])
def test_the_demo_tells_the_whole_story(registry: Path | None, tmp_path: Path) -> None:
    args = [sys.executable, "-m", "cli", "demo"]
    if registry is not None:
        args += ["--registry", str(registry)]
    started = time.monotonic()
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "160",
                               "PYTHONPATH": str(ROOT)})
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    positions = [done.stdout.find(text) for text in MILESTONES]
    missing = [m for m, p in zip(MILESTONES, positions, strict=True) if p < 0]
    assert missing == [], missing
    # The owner's result comes last, after headquarters has published.
    assert done.stdout.rfind("🏅 نتیجهٔ ارزیابی ششماههٔ") > done.stdout.rfind("اعلام شد")
    assert "Traceback" not in done.stdout + done.stderr
    assert elapsed < 30, f"the demo took {elapsed:.1f} s"
    assert not any(tmp_path.iterdir()), "the demo leaves nothing behind"
