"""Where this project leans on something of a library that is not a documented extension point,
a test here fails when the library changes it, naming what to look at."""

from __future__ import annotations

import inspect

from aiogram.client.session.base import BaseSession


def test_prepare_value_still_takes_dumps_json() -> None:
    """`delivery.platforms.PlatformSession.json_body` sends a call as one JSON body and asks
    aiogram's own `BaseSession.prepare_value` for each field with `_dumps_json=False` (nested
    objects as objects, not as JSON in a string), as aiogram does for its own nested values:
    https://github.com/aiogram/aiogram/blob/dev-3.x/aiogram/client/session/base.py
    (`prepare_value`). If this fails, compare that function with json_body's use of it."""
    parameters = inspect.signature(BaseSession.prepare_value).parameters
    assert "_dumps_json" in parameters
    assert parameters["_dumps_json"].default is True
