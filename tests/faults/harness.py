"""The fault suite's world: a database with the demo registry and an open period, the sandbox,
and the bot as a subprocess (`python -m cli run`) that `storage.faults` may kill at armed
points. `Bot` restarts it with the points not yet fired, so one chain of starts walks every
point of a path: each restart re-handles the update the dead process left in the inbox, and
dies at the next point."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from demo.local import DATA, SAMPLE_RUBRIC
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.evidence import LocalEvidenceStore, check
from storage.models import Account, AccountOffice, Answer, Declaration, Evidence, Office
from tests.e2e.conftest import make_jpeg, make_pdf

ROOT = Path(__file__).resolve().parents[2]
NAMES = {7402: "رضا", 7404: "نرگس"}
FIRED = re.compile(r"FAULT POINT (\S+): SIGKILL")
ANSWERS: dict[str, Any] = {
    "area": 85,
    "staff": [{"name": "علی رضایی", "insured": True, "disabled": False}],
    "location_urban": "main_street",
    "holder_years": 12,
    "step_free": True,
    "facilities": ["ramp", "toilet"],
}
FILES = {"area": [make_jpeg()], "staff": [make_pdf()], "holder_years": [make_jpeg(color="red")],
         "facilities": [make_jpeg(color="green")]}


async def prepare(url: str, evidence_dir: Path) -> dict[str, Any]:
    """The registry, a period open now (and its review window), and what each path starts
    from; returns the link code and the ids the assertions need."""
    from scoring.rubric import load_rubric
    from services.linking import issue_code
    from services.periods import create_period
    from services.registry import import_offices, import_regions
    from services.staff import add_staff
    from services.uow import UnitOfWork

    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    await import_regions(UnitOfWork(sessions), DATA / "demo_regions.csv")
    await import_offices(UnitOfWork(sessions), DATA / "demo_offices.csv")
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    now = datetime.now(UTC)
    period = await create_period(
        UnitOfWork(sessions), code="1404-H1", opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=10), review_opens_at=now - timedelta(days=2),
        review_closes_at=now + timedelta(days=10), rubric_code=load_rubric(text).code,
        rubric_text=text)
    issued = await issue_code(UnitOfWork(sessions), "16598444", now)
    second = await issue_code(UnitOfWork(sessions), "16598446", now)
    await add_staff(UnitOfWork(sessions), platform="bale", user_id=7407, role="reviewer",
                    region=7, name="مریم بازبین")
    store = LocalEvidenceStore(evidence_dir)
    ids: dict[str, Any] = {"code": issued.code, "code2": second.code}
    async with sessions() as session:
        period_id = period.id
        for code, status, key, owner in (("16598445", "draft", "draft", 7402),
                                         ("11100001", "draft", "draft2", 7404),
                                         ("71100001", "submitted", "submitted", 0),
                                         ("71100002", "submitted", "submitted2", 0)):
            office = await session.scalar(select(Office).where(Office.code == code))
            assert office is not None
            row = Declaration(office_id=office.id, period_id=period_id, status=status,
                              version=1 if status == "submitted" else 0,
                              submitted_at=now - timedelta(minutes=10 - len(ids))
                              if status == "submitted" else None)
            session.add(row)
            await session.flush()
            ids[key] = row.id
            for item, value in ANSWERS.items():
                session.add(Answer(declaration_id=row.id, item_key=item,
                                   value_json=json.dumps(value, ensure_ascii=False)))
            for item, blobs in FILES.items():
                for data in blobs:
                    checked = check(data, 10 * 1024 * 1024)
                    store.put(checked)
                    session.add(Evidence(
                        declaration_id=row.id, item_key=item, sha256=checked.sha256,
                        size=len(data), mime=checked.mime, filename=None, platform="bale",
                        file_id="unknown-" + hashlib.sha1(data).hexdigest()[:12]))
            if owner:  # the office's holder, linked as after sharing the contact
                account = Account(platform="bale", platform_user_id=owner, locale="fa",
                                  first_name=NAMES[owner], phone=office.holder_phone,
                                  current_office_id=office.id)
                session.add(account)
                await session.flush()
                session.add(AccountOffice(account_id=account.id, office_id=office.id,
                                          via="contact"))
        await session.commit()
    await engine.dispose()
    return ids


@dataclass
class Bot:
    """The bot process; `armed` are the points still to fire."""

    env: dict[str, str]
    folder: Path
    armed: list[str]
    fired: list[str] = field(default_factory=list)
    starts: int = 0
    pid: int = 0
    start_times: list[float] = field(default_factory=list)
    zygote: subprocess.Popen[bytes] | None = None
    webhook_port: int | None = None  # `pishkhan webhook` on this port instead of polling

    def start(self) -> None:
        zygote = self.zygote
        assert zygote is not None and zygote.stdin is not None and zygote.stdout is not None
        self.starts += 1
        began = time.monotonic()
        log = self.folder / f"bot-{self.starts}.log"
        env = {**self.env, "PISHKHAN_FAULT_POINTS": ",".join(self.armed)}
        zygote.stdin.write(json.dumps({"env": env, "log": str(log),
                                       "webhook_port": self.webhook_port}).encode() + b"\n")
        zygote.stdin.flush()
        self.pid = int(zygote.stdout.readline())
        deadline = time.monotonic() + 60
        ready = "polling" if self.webhook_port is None else "webhook serving"
        while ready not in (log.read_text(encoding="utf-8", errors="replace")
                            if log.exists() else ""):
            if not self.alive() or time.monotonic() > deadline:
                text = log.read_text()[-3000:] if log.exists() else ""
                raise AssertionError(f"the bot did not start:\n{text}")
            time.sleep(0.05)
        self.start_times.append(time.monotonic() - began)

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def died_at(self) -> str | None:
        """The point the process died at, once it is dead (None: still running)."""
        if self.alive():
            return None
        text = (self.folder / f"bot-{self.starts}.log").read_text(errors="replace")
        found = FIRED.findall(text)
        assert found, f"the bot died outside any fault point:\n{text[-3000:]}"
        return str(found[-1])

    async def through(self, reply: Callable[[], Awaitable[dict[str, Any]]], within: float = 40
                      ) -> tuple[list[str], dict[str, Any]]:
        """Wait for `reply` (which waits briefly) while restarting the bot each time it dies at
        a point; the points fired, and the reply. Never silence: an update the dead process
        left new, or done but not answered, is handled by the restarted one."""
        fired: list[str] = []
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                return fired, await reply()
            except TimeoutError:
                pass
            point = self.died_at()
            if point is not None:
                fired.append(point)
                self.fired.append(point)
                self.armed.remove(point)
                await asyncio.to_thread(self.start)
        raise AssertionError(f"no reply within {within} s; fired {fired}")

    def rearm(self, points: list[str]) -> None:
        """Start again (killing the idle process) with these points armed."""
        self.stop()
        self.armed = list(points)
        self.start()

    def stop(self) -> None:
        if self.pid and self.alive():
            os.kill(self.pid, signal.SIGKILL)


def start_zygote() -> subprocess.Popen[bytes]:
    """The process the bots are forked from (`tests/faults/zygote.py`)."""
    return subprocess.Popen([sys.executable, str(Path(__file__).with_name("zygote.py"))],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
