"""Request parameters of a Bot API call (:class:`Params`) and uploaded files (:class:`Upload`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sandbox.state import ApiError


@dataclass(slots=True)
class Upload:
    """A file part of a multipart request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Request parameters with Telegram-like coercion (form values are strings)."""

    __slots__ = ("data", "files")

    def __init__(self, data: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.data = data
        self.files = files or {}

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def text(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise ApiError(400, f"Bad Request: {name} is empty")
            return None
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                if name == "reply_markup":
                    raise ApiError(
                        400, "Bad Request: can't parse reply keyboard markup JSON object"
                    ) from None
                raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> Any:
        """Chat ids may come as ints, numeric strings or ``@username`` (never found here)."""
        value = self.data.get(name)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: {name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            return str(value)
