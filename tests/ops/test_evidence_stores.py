"""Both evidence stores keep the same promises: content-addressed, never overwritten, the same
bytes back, many writers of the same file at once all succeed."""

from __future__ import annotations

import asyncio
import hashlib
import threading

import pytest

from storage.evidence import CheckedFile, EvidenceStore, check
from tests.e2e.conftest import make_jpeg

MAX = 10 * 1024 * 1024


def test_a_file_comes_back_byte_for_byte_under_its_hash(evidence_store: EvidenceStore) -> None:
    checked = check(make_jpeg(64, 48), MAX)
    assert not evidence_store.exists(checked.sha256)
    assert evidence_store.put(checked) == checked.sha256 == hashlib.sha256(
        checked.data).hexdigest()
    assert evidence_store.exists(checked.sha256)
    assert evidence_store.get(checked.sha256) == checked.data


def test_a_missing_file_is_file_not_found(evidence_store: EvidenceStore) -> None:
    with pytest.raises(FileNotFoundError):
        evidence_store.get("ab" * 32)


def test_a_stored_file_is_never_overwritten(evidence_store: EvidenceStore) -> None:
    checked = check(make_jpeg(30, 20), MAX)
    evidence_store.put(checked)
    # Other bytes claiming the same name (a bug, or someone forging the hash) do not replace it.
    forged = CheckedFile(b"\xff\xd8\xff not the original", checked.sha256, checked.mime, "jpg")
    assert evidence_store.put(forged) == checked.sha256
    assert evidence_store.get(checked.sha256) == checked.data


def test_the_same_file_from_many_owners_at_once(evidence_store: EvidenceStore) -> None:
    files = [check(make_jpeg(40 + n, 30), MAX) for n in range(6)]
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def put() -> None:
        for checked in files:
            start.wait()
            try:
                evidence_store.put(checked)
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for checked in files:
        assert evidence_store.get(checked.sha256) == checked.data


async def test_callers_use_it_off_the_event_loop(evidence_store: EvidenceStore) -> None:
    # What every handler does (asyncio.to_thread): the loop keeps turning meanwhile.
    checked = check(make_jpeg(50, 50), MAX)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.to_thread(evidence_store.put, checked)
    assert await asyncio.to_thread(evidence_store.get, checked.sha256) == checked.data
    ticker.cancel()
    assert ticks > 0


def test_s3_two_writers_past_the_existence_check_do_not_overwrite(moto_endpoint: str) -> None:
    # Two workers that both found the name free: the store's conditional put (If-None-Match)
    # refuses the second, and the store takes that refusal as done.
    from tests.ops.conftest import s3_store

    store = s3_store(moto_endpoint)
    store.exists = lambda sha256: False  # type: ignore[method-assign]
    checked = check(make_jpeg(33, 22), MAX)
    store.put(checked)
    forged = CheckedFile(b"\xff\xd8\xff other bytes", checked.sha256, checked.mime, "jpg")
    assert store.put(forged) == checked.sha256
    assert store.get(checked.sha256) == checked.data


def test_s3_bytes_altered_in_the_bucket_are_refused(moto_endpoint: str) -> None:
    from tests.ops.conftest import s3_store

    store = s3_store(moto_endpoint)
    checked = check(make_jpeg(20, 20), MAX)
    store.client.put_object(Bucket=store.bucket, Key=store.key(checked.sha256), Body=b"swapped")
    with pytest.raises(OSError, match="altered"):
        store.get(checked.sha256)
