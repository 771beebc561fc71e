"""Throughput guard: the broadcast benchmark needs thousands of cheap sends per second."""

from __future__ import annotations

import asyncio
import time

from sandbox import Sandbox


async def test_sustains_a_broadcast_to_thousands_of_chats(sb: Sandbox, http) -> None:
    token = sb.add_bot("bale")
    assert sb.add_users(token, range(1, 8001)) == 8000
    url = f"{sb.base_url}/bot{token}/sendMessage"
    total = 3000
    gate = asyncio.Semaphore(32)

    async def send(i: int) -> int:
        async with (
            gate,
            http.post(url, json={"chat_id": 1 + i * 7 % 8000, "text": "اطلاعیه"}) as r,
        ):
            await r.read()
            return r.status

    started = time.perf_counter()
    statuses = await asyncio.gather(*(send(i) for i in range(total)))
    rate = total / (time.perf_counter() - started)
    assert set(statuses) == {200}
    assert sb.sent_count(token) == total
    # Client and server share the machine. The bar is loose so that a busy CI machine passes;
    # it still catches per-send work that grows with chats.
    assert rate > 200, f"{rate:.0f} sends/s"


async def test_rate_ceiling_paces_a_polite_sender(sb: Sandbox, http) -> None:
    """Senders that retry after a 429 get everything through, at about the ceiling."""
    token = sb.add_bot("telegram")
    sb.add_users(token, range(1, 31))
    sb.set_rate_limit(token, 50, burst=10)
    url = f"{sb.base_url}/bot{token}/sendMessage"
    limited = 0

    async def polite(chat_id: int) -> None:
        nonlocal limited
        while True:
            async with http.post(url, json={"chat_id": chat_id, "text": "x"}) as resp:
                if resp.status == 200:
                    return
                assert resp.status == 429
                limited += 1
            await asyncio.sleep(0.02)

    started = time.perf_counter()
    await asyncio.gather(*(polite(i) for i in range(1, 31)))
    elapsed = time.perf_counter() - started
    assert sb.sent_count(token) == 30
    assert limited > 0
    assert elapsed >= 0.35  # a burst of 10, then 20 more at 50/s


async def test_wait_sent_helper_and_control_endpoint(sb: Sandbox, http) -> None:
    token = sb.add_bot("telegram")
    sb.add_users(token, [1])

    async def later() -> None:
        await asyncio.sleep(0.05)
        for _ in range(3):
            async with http.post(
                f"{sb.base_url}/bot{token}/sendMessage", json={"chat_id": 1, "text": "x"}
            ):
                pass

    task = asyncio.create_task(later())
    assert await sb.wait_sent(token, 3, timeout=2) == 3
    await task
    async with http.get(
        f"{sb.control_url}/bots/{token}/wait_sent", params={"count": "5", "timeout": "0.1"}
    ) as resp:
        assert await resp.json() == {"ok": True, "timed_out": True, "count": 3}
    async with http.get(
        f"{sb.control_url}/bots/{token}/sent_count", params={"chat_id": "1"}
    ) as resp:
        assert (await resp.json())["count"] == 3
