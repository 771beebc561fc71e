"""The process's log: plain text for developers (the default), or one JSON object a line for
production (`PISHKHAN_LOG_FORMAT=json`, python-json-logger), for journald and log shippers.

Every line written while an update is handled carries that update (`platform:update_id`, from
`delivery.observe.CURRENT_UPDATE`, set by the inbox worker): as the `update` field in JSON, as
`[bale:123]` after the logger's name in text. Whatever the format, every record is scrubbed of
the configured tokens and secrets first (`bot.redact`: as the record is made, and by the
handler's filter for `extra=` fields).
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from bot import redact
from delivery.observe import CURRENT_UPDATE
from settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(update_tag)s: %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "message"]


class UpdateField(logging.Filter):
    """Puts the update being handled (or None) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        update = CURRENT_UPDATE.get()
        record.update = update
        record.update_tag = f" [{update}]" if update else ""
        return True


def formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level",
                                                         "name": "logger"},
                             static_fields={}, timestamp=False, json_ensure_ascii=False,
                             reserved_attrs=_RESERVED)
    return logging.Formatter(TEXT_FORMAT)


# Left out of the JSON object: logging's own bookkeeping, and the text form of the update.
_RESERVED = [*sorted(vars(logging.LogRecord("", 0, "", 0, "", None, None))),
             "message", "asctime", "update_tag", "_pishkhan_scrubbed", "taskName"]


def configure(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Replace the root's handlers with one to `stream` (stderr) in the configured format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(settings.log_format))
    handler.addFilter(UpdateField())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_pishkhan", False):
            root.removeHandler(old)
    handler._pishkhan = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    redact.install(redact.settings_secrets(settings))  # scrubs on this handler too
    return handler


def fields(line: str) -> dict[str, Any]:
    """One JSON log line as a dict (tests, tools)."""
    import json

    return dict(json.loads(line))
