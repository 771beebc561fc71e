"""Peak resident memory of `pishkhan run` holding the 7,943-office registry with 500 owners
mid-declaration, next to a bare aiogram echo bot's, measured in the same run.

500 scripted owners (distinct holders from ../shared/data) link their account, open the wizard
and answer the first question, so 500 drafts are in progress; then the bot process's peak
resident set (VmHWM) is read from /proc. Goal: under 200 MB.

    python -m bench.memory [--owners 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bench.journey import _prepare_database, _start, _stop, owners
from sandbox.server import Sandbox
from sandbox.user import ScriptedUser


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: not Linux?")


async def _owner(user: ScriptedUser, gate: asyncio.Semaphore) -> None:
    async with gate:
        await user.share_contact()
        await user.wait_text("مهلت خوداظهاری", timeout=60)
        await user.press("✍️ ادامهٔ خوداظهاری")
        await user.wait_text("پرسش ۱", timeout=60)
        await user.send_text("85")
        await user.wait_text("حداکثر", timeout=60)
        await user.close()


async def run_async(count: int = 500) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        await _prepare_database(folder, url)
        async with Sandbox() as sandbox:
            echo_token, app_token = sandbox.add_bot("telegram"), sandbox.add_bot("telegram")
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            echo = await asyncio.to_thread(_start, [sys.executable, "-m", "bench.echo_bot",
                                                    sandbox.base_url, echo_token], env,
                                           "ECHO_READY")
            try:
                users = [ScriptedUser(sandbox.base_url, echo_token, 30_000 + i)
                         for i in range(count)]
                for user in users:
                    await user.send_text("سلام")
                for user in users:
                    await user.wait_text("سلام", timeout=60)
                    await user.close()
                echo_mb = peak_rss_mb(echo.pid)
            finally:
                _stop(echo)
            app_env = {**env, "PISHKHAN_DATABASE_URL": url,
                       "PISHKHAN_TELEGRAM_TOKEN": app_token,
                       "PISHKHAN_TELEGRAM_API_BASE": sandbox.base_url,
                       "PISHKHAN_EVIDENCE_DIR": str(folder / "evidence")}
            app_env.pop("PISHKHAN_BALE_TOKEN", None)
            bot = await asyncio.to_thread(_start, [sys.executable, "-m", "cli", "run"],
                                          app_env, "polling")
            try:
                gate = asyncio.Semaphore(50)
                await asyncio.gather(*(
                    _owner(ScriptedUser(sandbox.base_url, app_token, 40_000 + i, "مالک",
                                        phone=phone), gate)
                    for i, (_, phone) in enumerate(owners(count))))
                bot_mb = peak_rss_mb(bot.pid)
            finally:
                _stop(bot)
    return {"owners": count, "bot_mb": bot_mb, "echo_mb": echo_mb, "ratio": bot_mb / echo_mb}


def run(count: int = 500) -> dict[str, float]:
    return asyncio.run(run_async(count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=500)
    r = run(parser.parse_args().owners)
    print(f"peak RSS of pishkhan run with {r['owners']:.0f} drafts in progress: "
          f"{r['bot_mb']:.0f} MB (goal < 200 MB: {'met' if r['bot_mb'] < 200 else 'NOT met'}); "
          f"bare echo bot {r['echo_mb']:.0f} MB; ratio {r['ratio']:.1f}x")


if __name__ == "__main__":
    main()
