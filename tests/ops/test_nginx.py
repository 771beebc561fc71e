"""deploy/nginx/pishkhan.conf in front of a webhook worker: TLS, the webhook paths, a worker that
is down skipped, bodies over 1 MiB refused before a worker sees them, no Bale secret in the
access log, operations paths served, anything else 404."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from subprocess import DEVNULL
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.webhook import MAX_BODY, RouteAccessLogger, build_webhook_app
from bot.webhook_secrets import WebhookSecrets
from delivery.platforms import PlatformBot
from services.clock import Clock
from storage.models_inbox import InboxUpdate
from tests.conftest import IN_CI, ROOT
from tests.ops.conftest import free_port

SITE = ROOT / "deploy" / "nginx" / "pishkhan.conf"
SECRETS = WebhookSecrets(path="bale-path-secret-for-nginx-0123", telegram="tg_secret-nginx-1")
TOKEN = "7000000003:AAbale-token-for-nginx-tests-000001"
UPDATE = {"update_id": 5, "message": {"message_id": 1, "date": 0, "text": "/start",
                                      "chat": {"id": 9300, "type": "private"},
                                      "from": {"id": 9300, "is_bot": False, "first_name": "x"}}}


def site_for_test(folder: Path, http: int, https: int, live: int, dead: int) -> str:
    text = SITE.read_text(encoding="utf-8")
    text = text.replace("/etc/letsencrypt/live/bot.example.ir/fullchain.pem",
                        str(folder / "cert.pem"))
    text = text.replace("/etc/letsencrypt/live/bot.example.ir/privkey.pem",
                        str(folder / "key.pem"))
    text = text.replace("/var/log/nginx/pishkhan.access.log", str(folder / "access.log"))
    text = re.sub(r"^\s*listen \[::\].*$", "", text, flags=re.M)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    # The first worker is down: nginx must pass its requests to the second.
    text = text.replace("server 127.0.0.1:8081", f"server 127.0.0.1:{dead}")
    text = text.replace("server 127.0.0.1:8082", f"server 127.0.0.1:{live}")
    return text


@pytest.fixture
async def behind_nginx(tmp_path: Path, sessionmaker: Any) -> AsyncIterator[tuple[str, Path]]:
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        if IN_CI:
            pytest.fail("nginx and openssl are required in CI")
        pytest.skip("nginx or openssl is not installed")
    openssl = await asyncio.create_subprocess_exec(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
        "/CN=bot.example.ir", "-keyout", str(tmp_path / "key.pem"), "-out",
        str(tmp_path / "cert.pem"), stdout=DEVNULL, stderr=DEVNULL)
    assert await openssl.wait() == 0
    bots = [PlatformBot("bale", TOKEN, "http://127.0.0.1:9")]
    app = SimpleNamespace(bots=bots, sessionmaker=sessionmaker, clock=Clock(),
                          settings=SimpleNamespace(webhook_rate_per_minute=600))
    runner = web.AppRunner(build_webhook_app(app, SECRETS, asyncio.Event()),  # type: ignore[arg-type]
                           access_log_class=RouteAccessLogger)
    await runner.setup()
    live, dead, http, https = free_port(), free_port(), free_port(), free_port()
    await web.TCPSite(runner, "127.0.0.1", live).start()
    (tmp_path / "logs").mkdir()
    (tmp_path / "site.conf").write_text(site_for_test(tmp_path, http, https, live, dead))
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n")
    nginx = await asyncio.create_subprocess_exec(
        "nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), stdout=DEVNULL,
        stderr=DEVNULL)
    try:
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", https)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        yield f"https://127.0.0.1:{https}", tmp_path
    finally:
        nginx.send_signal(signal.SIGQUIT)  # nginx's graceful stop
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(nginx.wait(), 10)
        if nginx.returncode is None:
            nginx.kill()
            await nginx.wait()
        await runner.cleanup()
        await bots[0].session.close()


async def test_nginx_site_in_front_of_a_worker(behind_nginx: tuple[str, Path],
                                               sessionmaker: Any) -> None:
    base, folder = behind_nginx
    bale = f"{base}/webhook/bale/{SECRETS.path}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as http:
        async with http.post(bale, data=json.dumps(UPDATE)) as response:
            assert response.status == 200  # through TLS, past the worker that is down
        async with http.post(bale, data=b"{" + b" " * MAX_BODY + b"}") as response:
            assert response.status == 413  # nginx's own refusal, the same limit as the worker's
        async with http.post(f"{base}/webhook/bale/wrong-secret-0123456789",
                             data=json.dumps(UPDATE)) as response:
            assert response.status == 403
        async with http.get(f"{base}/metrics") as response:  # from this machine: allowed
            assert response.status == 200 and "pishkhan_updates" in await response.text()
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{base}/") as response:
            assert response.status == 404
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 1
    log = (folder / "access.log").read_text()
    assert "/webhook/bale/{secret}" in log and SECRETS.path not in log
