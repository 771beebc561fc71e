"""Run the sandbox on its own: ``python -m sandbox`` or ``pishkhan sandbox [--port N]``.

It starts one Telegram-flavoured and one Bale-flavoured bot and prints the environment lines that
point the application at them, so a person can run ``pishkhan run`` against a local emulator and
chat through the control API or the web chat page (``/chat``, printed in the banner). Fixed tokens
can be given so that a bot started in a subprocess and the test that started the sandbox agree on
them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

from sandbox.server import Sandbox
from sandbox.webpage import chat_url


def describe(sandbox: Sandbox, tokens: dict[str, str]) -> str:
    """The banner: URLs, tokens and ``PISHKHAN_*`` environment lines."""
    lines = [
        f"Pishkhan sandbox listening on {sandbox.base_url}",
        f"  control API: {sandbox.control_url}",
        f"  chat page: {chat_url(sandbox.base_url)}",
    ]
    for flavour, token in tokens.items():
        bot = sandbox.bots[token]
        lines.append(
            f"  {flavour:<8} bot @{bot.username} (id {bot.bot_id}): "
            f"API base {sandbox.api_base(flavour)}  token {token}"
        )
    lines.append("")
    lines.append("Point the application at it with:")
    for flavour, token in tokens.items():
        upper = flavour.upper()
        lines.append(f"PISHKHAN_{upper}_API_BASE={sandbox.api_base(flavour)}")
        lines.append(f"PISHKHAN_{upper}_TOKEN={token}")
    return "\n".join(lines)


async def serve_async(
    port: int,
    host: str = "127.0.0.1",
    *,
    telegram_token: str | None = None,
    bale_token: str | None = None,
    json_line: bool = False,
    out: TextIO | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Start a sandbox with one bot per flavour, print how to reach it, run until ``stop`` is
    set (or SIGINT/SIGTERM)."""
    out = out or sys.stdout
    sandbox = Sandbox()
    tokens = {
        "telegram": sandbox.add_bot("telegram", telegram_token, username="pishkhan_tg_bot"),
        "bale": sandbox.add_bot("bale", bale_token, username="pishkhan_bale_bot"),
    }
    await sandbox.start(host, port)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        print(describe(sandbox, tokens), file=out, flush=True)
        if json_line:
            ready = {
                "base_url": sandbox.base_url,
                "bots": {
                    f: {"token": t, "api_base": sandbox.api_base(f)} for f, t in tokens.items()
                },
            }
            print("SANDBOX_READY " + json.dumps(ready), file=out, flush=True)
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        await sandbox.stop()


def serve(
    port: int,
    host: str = "127.0.0.1",
    *,
    telegram_token: str | None = None,
    bale_token: str | None = None,
    json_line: bool = False,
) -> None:
    """Blocking entry point used by ``pishkhan sandbox``: runs until Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve_async(
                port,
                host,
                telegram_token=telegram_token,
                bale_token=bale_token,
                json_line=json_line,
            )
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="Local Bot API emulator (Telegram and Bale)."
    )
    parser.add_argument("--port", type=int, default=8081, help="TCP port (0 = any free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--telegram-token", help="fixed token for the Telegram bot")
    parser.add_argument("--bale-token", help="fixed token for the Bale bot")
    parser.add_argument(
        "--json", action="store_true", help="also print one 'SANDBOX_READY {json}' line"
    )
    args = parser.parse_args(argv)
    serve(
        args.port,
        args.host,
        telegram_token=args.telegram_token,
        bale_token=args.bale_token,
        json_line=args.json,
    )


if __name__ == "__main__":
    main()
