"""`pishkhan console serve --host H --port P` and `pishkhan console link --platform P
--user-id N`: the staff console on its own, and a one-time login link for a staff member (the
first headquarters user, and tests)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import fail, settings, with_uow
from settings import Settings

if TYPE_CHECKING:
    from aiohttp import web
    from sqlalchemy.ext.asyncio import AsyncEngine

    from services.clock import Clock

DEFAULT_BASE = "http://127.0.0.1:8090"


def base_url(port: int | None = None) -> str:
    config = settings()
    return (config.console_base_url or DEFAULT_BASE if port is None
            else f"http://127.0.0.1:{port}").rstrip("/")


def link(platform: Annotated[str, typer.Option(help="bale or telegram")],
         user_id: Annotated[int, typer.Option("--user-id", help="the staff member's user id")]
         ) -> None:
    """Print a one-time console login link (valid 10 minutes) for a staff member added with
    `pishkhan staff add`. The address is PISHKHAN_CONSOLE_BASE_URL (else the local default)."""
    from console import PREFIX
    from services.clock import Clock
    from services.console_auth import issue_link

    if platform not in ("bale", "telegram"):
        fail(f"unknown platform {platform!r}: bale or telegram")
    token = with_uow(lambda uow: issue_link(uow, platform, user_id, Clock().now()))
    typer.echo(f"{base_url()}{PREFIX}/login/{token}")


def serve(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port to listen on")] = 8090) -> None:
    """Serve the staff console alone (behind the reverse proxy, or on the intranet)."""
    config = settings()
    asyncio.run(_serve(config, host, port))


def application(config: Settings, engine: AsyncEngine, clock: Clock | None = None
                ) -> web.Application:
    """The console alone, as `console serve` serves it: on the settings' database and their
    evidence store (the local folder, or the S3 bucket the bot writes to)."""
    from aiohttp import web

    import console
    from bot.stores import evidence_store
    from console.web import bot_usernames
    from services.clock import Clock
    from storage.db import create_sessionmaker

    base = config.console_base_url or ""
    root = web.Application()

    async def home(request: web.Request) -> web.Response:
        return web.Response(status=303, headers={"Location": console.PREFIX + "/"})

    root.router.add_get("/", home)
    console.mount(root, create_sessionmaker(engine), clock or Clock(), evidence_store(config),
                  secure=base.startswith("https://"), usernames=bot_usernames(config))
    return root


async def _serve(config: Settings, host: str, port: int) -> None:
    from aiohttp import web

    from bot.webhook import RouteAccessLogger
    from storage.db import create_engine, upgrade

    engine = create_engine(config.database_url)
    if config.is_sqlite:
        await upgrade(engine)
    root = application(config, engine)
    runner = web.AppRunner(root, access_log_class=RouteAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    typer.echo(f"console on http://{host}:{port}/console/")
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await engine.dispose()


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The staff console (web pages for regions, associations, HQ).",
                        no_args_is_help=True)
    group.command("serve")(serve)
    group.command("link")(link)
    app.add_typer(group, name="console")
