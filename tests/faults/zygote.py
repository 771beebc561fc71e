"""Imports the bot once, then forks a fresh `pishkhan run` for each request on stdin.

The fault suite kills the bot at ten points on each backend; a cold start imports aiogram,
pydantic's schemas and SQLAlchemy (≈ 4.5 s of CPU here), which would be most of the suite's
time. A forked child shares only the imported modules: its own event loop, connections,
sessions and memory, killed with SIGKILL like any process. One JSON line in:
`{"env": {...}, "log": "/path"}` (and `"webhook_port": N` for `pishkhan webhook` instead of
`run`); one line out: the child's pid.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import aiosqlite  # noqa: F401
import alembic.command
import alembic.runtime.migration  # noqa: F401
import asyncpg  # noqa: F401
import sqlalchemy.dialects.postgresql.asyncpg
import sqlalchemy.dialects.sqlite.aiosqlite  # noqa: F401

import bot.scheduler  # noqa: F401
import cli.running
import delivery.inbox  # noqa: F401
import services.inbox
import services.reminders
import services.tickets  # noqa: F401
from bot.app import settle_heap
from texts.i18n import LANGUAGES, catalog_keys


def child(env: dict[str, str], log: str, webhook_port: int | None = None) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(env)
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    try:
        if webhook_port is None:
            cli.running.run()
        else:
            cli.running.webhook(host="127.0.0.1", port=webhook_port)
    finally:
        os._exit(0)


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they die
    for lang in LANGUAGES:  # what every start does first, done once
        catalog_keys(lang)
    settle_heap()
    while line := sys.stdin.readline():
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            child(request["env"], request["log"], request.get("webhook_port"))
        print(pid, flush=True)


if __name__ == "__main__":
    main()
