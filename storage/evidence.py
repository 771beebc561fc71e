"""Evidence files: checked by their bytes, stored content-addressed by SHA-256.

Only JPEG, PNG and PDF are accepted, recognised by their first bytes rather than by a name or a
MIME type a phone made up. Images are opened far enough to read their size, so a decompression
bomb (huge pixel dimensions in a small file) is refused before anyone renders it; a PDF must end
with its end-of-file marker, so a truncated upload is refused. The store is an interface: the
local folder is the default, object storage can replace it.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is already more than any phone sends


class EvidenceRejected(ValueError):
    """`key` names the catalog message that tells the owner why."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.message_args = args


@dataclass(frozen=True, slots=True)
class CheckedFile:
    data: bytes
    sha256: str
    mime: str
    extension: str


def sniff(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    return None


def check(data: bytes, max_bytes: int) -> CheckedFile:
    """Accept a file or raise EvidenceRejected with the reason."""
    if len(data) > max_bytes:
        raise EvidenceRejected("evidence-too-large", max_mb=max_bytes // (1024 * 1024))
    if not data:
        raise EvidenceRejected("evidence-corrupt")
    kind = sniff(data)
    if kind is None:
        raise EvidenceRejected("evidence-wrong-type")
    mime, extension = kind
    if mime == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise EvidenceRejected("evidence-corrupt")
    else:
        _check_image(data)
    return CheckedFile(data, hashlib.sha256(data).hexdigest(), mime, extension)


def _check_image(data: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise EvidenceRejected("evidence-too-many-pixels")
            image.verify()
    except EvidenceRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise EvidenceRejected("evidence-too-many-pixels") from exc
    except Exception as exc:  # Pillow raises many kinds for a broken image
        raise EvidenceRejected("evidence-corrupt") from exc


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
