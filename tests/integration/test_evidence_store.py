"""The local evidence store: content-addressed files that survive owners sending the same bytes."""

from __future__ import annotations

import threading
from pathlib import Path

from storage.evidence import LocalEvidenceStore, check
from tests.e2e.conftest import make_jpeg


def test_the_same_file_from_many_owners_at_once_is_stored_once(tmp_path: Path) -> None:
    # Two owners who send the same template PDF or photo at the same moment must both succeed:
    # each writes under a name of its own and the last rename wins with identical bytes.
    store = LocalEvidenceStore(tmp_path)
    files = [check(make_jpeg(40 + n, 30), 10 * 1024 * 1024) for n in range(40)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def put() -> None:
        for checked in files:  # every thread sends every new file at the same moment
            start.wait()
            try:
                store.put(checked)
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for checked in files:
        assert store.get(checked.sha256) == checked.data
    names = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert names == {checked.sha256 for checked in files}  # no half-written leftovers
