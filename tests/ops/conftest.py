"""Fixtures for the operations tests: a local S3 (moto's server mode) and both evidence stores."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.evidence import EvidenceStore, LocalEvidenceStore


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """An S3-compatible server on a free port (moto's ThreadedMotoServer), for the session."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


S3_KEYS = {"access_key_id": "testing-access-key", "secret_access_key": "testing-secret-key-0123"}


def s3_store(endpoint: str, bucket: str | None = None) -> EvidenceStore:
    from storage.evidence_s3 import S3EvidenceStore

    store = S3EvidenceStore(bucket or f"evidence-{uuid.uuid4().hex[:12]}", endpoint_url=endpoint,
                            region="us-east-1", **S3_KEYS)
    store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "s3"])
def evidence_store(request: pytest.FixtureRequest, tmp_path: Path) -> EvidenceStore:
    """Each backend, empty: the same suite runs against both."""
    if request.param == "local":
        return LocalEvidenceStore(tmp_path / "evidence")
    return s3_store(request.getfixturevalue("moto_endpoint"))
