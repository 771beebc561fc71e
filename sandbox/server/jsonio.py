"""JSON out of the sandbox: compact UTF-8 text, as answers of every route and webhook bodies."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def json_response(obj: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=dumps(obj).encode("utf-8"), status=status, content_type="application/json"
    )
