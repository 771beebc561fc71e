"""Evidence files: checked by their bytes, stored content-addressed by SHA-256.

Only JPEG, PNG and PDF are accepted, recognised by their first bytes rather than by a name or a
MIME type a phone made up; images are decoded under a pixel limit and PDFs opened by a parser
that refuses encrypted, broken or active ones (`storage.evidence_checks`, re-exported here). The
store is an interface: the local folder is the default, object storage can replace it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from storage.evidence_checks import MAX_PIXELS, CheckedFile, EvidenceRejected, check, sniff

# The content checks live in `storage.evidence_checks`; their names stay importable from here.
__all__ = ["MAX_PIXELS", "CheckedFile", "EvidenceRejected", "EvidenceStore",
           "LocalEvidenceStore", "check", "sniff"]


class EvidenceStore(Protocol):
    """Where evidence lives: the local folder (`LocalEvidenceStore`, the default) or an
    S3-compatible bucket (`storage.evidence_s3.S3EvidenceStore`). Content-addressed, never
    overwritten; blocking, so callers run it off the event loop (`asyncio.to_thread`). Every
    reader of evidence (review views, files sent to experts, tests, the demo) goes through it."""

    def put(self, checked: CheckedFile) -> str: ...

    def get(self, sha256: str) -> bytes: ...  # FileNotFoundError when there is none

    def exists(self, sha256: str) -> bool: ...


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class LocalEvidenceStore:
    """Files under `folder/ab/cd/<sha256>.<ext>`; writing the same bytes twice is a no-op."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256[2:4] / sha256

    def put(self, checked: CheckedFile) -> str:
        path = self._path(checked.sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of its own: two owners may send the same bytes at the same moment.
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part",
                                             delete=False) as partial:
                partial.write(checked.data)
                partial.flush()
                os.fsync(partial.fileno())  # on disk before it has its name
            Path(partial.name).replace(path)  # atomic: never a half file under the name
            _fsync_dir(path.parent)  # and the name itself survives a power cut
        return checked.sha256

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()
