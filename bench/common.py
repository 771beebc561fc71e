"""Helpers shared by the benchmarks (and the tests, which use the same registry)."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    """The shared synthetic registry (regions.csv, offices.csv), first found of:
    $PISHKHAN_REGISTRY; ../shared/data beside the repository; ../shared/data beside the
    repository this one was cloned from, when that is a folder on this machine (a clone made in
    a temporary folder, as `git clone . "$(mktemp -d)"` does, has no shared/ beside it)."""
    if "PISHKHAN_REGISTRY" in os.environ:
        return Path(os.environ["PISHKHAN_REGISTRY"])
    beside = ROOT.parent / "shared" / "data"
    if beside.exists():
        return beside
    origin = _origin()
    if origin is not None and (origin.parent / "shared" / "data").exists():
        return origin.parent / "shared" / "data"
    return beside  # missing: the caller says so


@cache
def _origin() -> Path | None:
    """The folder `origin` points at, when it is a local one."""
    try:
        url = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url else None
    return path.resolve() if path is not None and path.is_dir() else None
