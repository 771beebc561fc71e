"""`pishkhan run`, `webhook`, `sandbox` and `demo`: running the bot, the local Bot API emulator
and the scripted demo."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from cli.common import fail, settings


def run() -> None:
    """Run the bot (long polling) on every platform that has a token."""
    config = settings()
    if not config.platforms():
        fail("no bot token: set PISHKHAN_BALE_TOKEN and/or PISHKHAN_TELEGRAM_TOKEN "
             "(try `pishkhan sandbox` for local test tokens, or `pishkhan demo`)")
    from bot.app import run_polling

    asyncio.run(run_polling(config))


def webhook(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
            port: Annotated[int, typer.Option(help="port to listen on")] = 8080) -> None:
    """Serve both platforms by webhook behind a reverse proxy (PISHKHAN_WEBHOOK_BASE_URL is the
    public https address; PISHKHAN_WEBHOOK_SECRET, or the two separate secrets, protect it)."""
    config = settings()
    if not config.platforms():
        fail("no bot token: set PISHKHAN_BALE_TOKEN and/or PISHKHAN_TELEGRAM_TOKEN")
    if not config.webhook_base_url:
        fail("webhook mode needs PISHKHAN_WEBHOOK_BASE_URL")
    from bot.webhook_secrets import webhook_secrets

    try:  # Bale's path secret and Telegram's secret_token, checked before anything starts
        webhook_secrets(config)
    except ValueError as refused:
        fail(str(refused))
    from bot.app import run_webhook

    asyncio.run(run_webhook(config, host, port))


def sandbox_command(port: Annotated[int, typer.Option(help="port (0: any free one)")] = 8081
                    ) -> None:
    """Run the local Bot API emulator (Telegram and Bale flavours) and print test tokens."""
    from sandbox.main import serve

    serve(port)


def demo(registry: Annotated[Path | None, typer.Option(
        help="a folder with regions.csv and offices.csv (e.g. ../shared/data)")] = None) -> None:
    """Play the whole story with no token and no network: sandbox, temporary SQLite, scripted
    owner, expert, region and headquarters, printing the Persian conversation."""
    from demo.story import run_demo

    if registry is not None and not (registry / "offices.csv").exists():
        fail(f"no offices.csv in {registry}")
    asyncio.run(run_demo(registry))


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("webhook")(webhook)
    app.command("sandbox")(sandbox_command)
    app.command("demo")(demo)
