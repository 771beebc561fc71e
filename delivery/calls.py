"""The Bot API call an outbox row describes."""

from __future__ import annotations

from typing import Any

from aiogram import methods

# Where a payload's file id goes for each file-sending method.
FILE_FIELDS = {"sendDocument": "document", "sendPhoto": "photo", "sendVideo": "video",
               "sendAudio": "audio", "sendVoice": "voice", "sendAnimation": "animation"}
META_KEYS = frozenset({"method", "expires_at", "file_id"})


def build_method(chat_id: int, payload: dict[str, Any]) -> Any:
    """The Bot API call a payload describes: sendMessage by default, else `payload["method"]`
    (e.g. {"method": "sendDocument", "file_id": …, "text": caption})."""
    name = payload.get("method") or "sendMessage"
    if not isinstance(name, str) or not name[:1].islower():
        raise ValueError(f"unknown method {name!r}")
    cls = getattr(methods, name[0].upper() + name[1:], None)
    if cls is None:
        raise ValueError(f"unknown method {name!r}")
    fields = cls.model_fields
    args: dict[str, Any] = {"chat_id": chat_id}
    for key, value in payload.items():
        if key in META_KEYS:
            continue
        if key == "text" and "text" not in fields and "caption" in fields:
            args.setdefault("caption", value)
        elif key in fields:
            args[key] = value
    if "file_id" in payload:
        target = FILE_FIELDS.get(name)
        if target is None:
            raise ValueError(f"{name} takes no file")
        args[target] = payload["file_id"]
    return cls(**args)
