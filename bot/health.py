"""`/healthz`, `/readyz` and `/metrics`: on the webhook's server, and in polling mode on a
small server of their own (`PISHKHAN_OPS_PORT`).

`/healthz` says the process is alive and its event loop turns (always 200 while it answers).
`/readyz` is 200 only when the database answers, its schema is at the code's migration head and
an inbox worker of this process is running; otherwise 503 with what is wrong, so a load balancer
or systemd's watchdog takes the worker out until it is. Both answer JSON.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import metrics
from delivery import observe
from storage.health import schema_state

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3.0  # seconds: a database that takes longer is not ready


async def readiness(engine: AsyncEngine) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    try:
        current, heads = await asyncio.wait_for(schema_state(engine), CHECK_TIMEOUT)
        checks["database"] = "ok"
        checks["migrations"] = "ok" if current == heads else (
            f"at {','.join(sorted(current)) or 'none'}, head {','.join(sorted(heads))}")
    except Exception as error:  # unreachable, refused, timed out: not ready, and why
        checks["database"] = f"unreachable ({type(error).__name__})"
        checks["migrations"] = "unknown"
    workers = observe.workers_running()
    checks["inbox_worker"] = "ok" if workers else "not running"
    checks["ready"] = all(checks[k] == "ok" for k in ("database", "migrations", "inbox_worker"))
    return checks


def add_ops_routes(web_app: web.Application,
                   sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    engine: AsyncEngine = sessionmaker.kw["bind"]

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def readyz(_request: web.Request) -> web.Response:
        checks = await readiness(engine)
        return web.json_response(checks, status=200 if checks["ready"] else 503)

    async def metrics_page(_request: web.Request) -> web.Response:
        body, content_type = await metrics.exposition(sessionmaker)
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    web_app.router.add_get("/metrics", metrics_page)


async def serve_ops(sessionmaker: async_sessionmaker[AsyncSession], host: str, port: int
                    ) -> Callable[[], Any]:
    """Polling mode: the three routes on their own server. Returns the coroutine function that
    stops it."""
    from bot.webhook import RouteAccessLogger

    web_app = web.Application()
    add_ops_routes(web_app, sessionmaker)
    runner = web.AppRunner(web_app, access_log_class=RouteAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on %s:%s", host, port)
    return runner.cleanup
