"""Files a bot knows: stored file records, file ids and paths, image sniffing.

:class:`FileStore` is the part of :class:`~sandbox.state.bots.BotWorld` that stores uploads (from
users and from the bot) and hands out file ids shaped like each platform's.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import mimetypes
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class StoredFile:
    """One file id known to one bot. Bytes live once in the sandbox's blob store (by SHA-256)."""

    file_id: str
    file_unique_id: str
    kind: str  # photo, document, sticker, voice, video, audio, animation
    sha256: str
    size: int
    file_path: str
    origin: str  # "user" or "bot"
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def api_object(self) -> dict[str, Any]:
        """The Bot API object (PhotoSize, Document, ...) describing this file."""
        obj: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.width is not None:
            obj["width"] = self.width
            obj["height"] = self.height
        if self.file_name is not None:
            obj["file_name"] = self.file_name
        if self.mime_type is not None and self.kind != "photo":
            obj["mime_type"] = self.mime_type
        obj.update(self.extra)
        return obj


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG from its header; ``None`` if not recognised."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i, n = 2, len(data)
        while i + 9 < n:
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


def looks_like_image(data: bytes) -> bool:
    """Telegram refuses a 'photo' it cannot decode (IMAGE_PROCESS_FAILED); sniff magic bytes."""
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:6] in (b"GIF87a", b"GIF89a")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or data[:2] == b"BM"
    )


_FILE_ID_PREFIX = {
    "photo": "AgACAgQAAxkBAAI",
    "document": "BQACAgQAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgQAAxkBAAI",
    "video": "BAACAgQAAxkBAAI",
    "audio": "CQACAgQAAxkBAAI",
    "animation": "CgACAgQAAxkBAAI",
}
_FILE_DIR = {"photo": "photos", "voice": "voice", "sticker": "stickers", "video": "videos"}


class FileStore:
    """Storing and reading a bot's files (a mixin of :class:`~sandbox.state.bots.BotWorld`,
    which owns the attributes below). Bytes live once in the shared ``blobs`` (by SHA-256)."""

    flavour: str
    bot_id: int
    blobs: dict[str, bytes]
    files: dict[str, StoredFile]
    files_by_path: dict[str, StoredFile]
    photo_sets: dict[str, list[StoredFile]]
    _file_seq: itertools.count[int]
    _media_group_seq: itertools.count[int]

    def store_file(
        self,
        data: bytes,
        kind: str,
        origin: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> StoredFile:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(sha, data)
        seq = next(self._file_seq)
        rand = base64.urlsafe_b64encode(secrets.token_bytes(18)).decode().rstrip("=")
        if self.flavour == "telegram":
            file_id = f"{_FILE_ID_PREFIX.get(kind, 'BQACAgQAAxkBAAI')}{seq:x}{rand}"
        else:
            file_id = f"{self.bot_id}:{secrets.randbits(62)}:{seq}:{rand[:10]}"
        tag = f"{sha}:{kind}:{width}x{height}".encode()
        unique = base64.urlsafe_b64encode(hashlib.sha256(tag).digest()[:12]).decode()
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        ext = _extension(kind, file_name, mime_type)
        path = f"{_FILE_DIR.get(kind, 'documents')}/file_{seq}{ext}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id="AQAD" + unique,
            kind=kind,
            sha256=sha,
            size=len(data),
            file_path=path,
            origin=origin,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            extra=extra or {},
        )
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def store_photo(self, data: bytes, origin: str) -> list[StoredFile]:
        """PhotoSize list for one picture: a thumbnail (when large) and the original, last."""
        width, height = image_size(data) or (1280, 960)
        sizes = []
        longest = max(width, height, 1)
        if longest > 320:
            scale = 320 / longest
            sizes.append(
                self.store_file(
                    data,
                    "photo",
                    origin,
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                )
            )
        sizes.append(self.store_file(data, "photo", origin, width=width, height=height))
        for size in sizes:
            self.photo_sets[size.file_id] = sizes
        return sizes

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return self.blobs[stored.sha256]

    def new_media_group_id(self) -> str:
        return str(next(self._media_group_seq))


def _extension(kind: str, file_name: str | None, mime_type: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1][:8]
    if kind == "photo":
        return ".jpg"
    if kind == "voice":
        return ".oga"
    if kind == "sticker":
        return ".webp"
    if mime_type:
        return mimetypes.guess_extension(mime_type) or ""
    return ""
