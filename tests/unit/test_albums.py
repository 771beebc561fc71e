"""The album collector (issue 20): parts noted in any order, at any worker, answered once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from handlers.albums import AlbumCollector, InProcessAlbums, RedisAlbums

REDIS_URL = "redis://127.0.0.1:6379/0"


async def _album_answered_once(first: AlbumCollector, second: AlbumCollector) -> None:
    group = "bale:7:album-1"
    # parts arrive out of order and at two workers; counts come as each commit saw them
    one = await first.add(group, "b.pdf", 2)
    two = await second.add(group, "a.jpg", 1)
    three = await first.add(group, "c.jpg", 3)
    assert (one, two, three) == (1, 2, 3)
    assert await second.claim(group, one) is None  # not the latest part: it does not answer
    assert await first.claim(group, two) is None
    album = await second.claim(group, three)
    assert album is not None and album.names == ["b.pdf", "a.jpg", "c.jpg"]
    assert album.count == 3
    assert await first.claim(group, three) is None  # answered once, whoever asks again
    assert await first.claim("bale:7:other", 1) is None


async def test_in_process() -> None:
    collector = InProcessAlbums()
    await _album_answered_once(collector, collector)


@pytest.fixture
async def redis() -> AsyncIterator[object]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:  # the brief's shared Redis must be there: fail, never skip
        raise AssertionError(f"no Redis at {REDIS_URL}: {error}") from error
    prefix = f"test:album:{uuid.uuid4().hex}:"
    yield client, prefix
    keys = [key async for key in client.scan_iter(f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_redis_shared_by_two_workers(redis: tuple) -> None:
    client, prefix = redis
    await _album_answered_once(RedisAlbums(client, prefix), RedisAlbums(client, prefix))
