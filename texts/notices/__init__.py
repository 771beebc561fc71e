"""Notices: messages queued as data (`storage.outbox.notify`), put into words when sent.

A notice is a name, its arguments (plain JSON data) and the recipient's language. By default the
name is a catalog key and the arguments are its variables; a notice that needs more (buttons,
dates in the recipient's calendar, lists) registers a renderer in this package's module for its
feature (`texts/notices/review.py`, `tickets.py`, …; each is imported here before the first
notice is rendered):

```python
@renderer("review-confirmed")
def _confirmed(t: Translator, args: dict[str, Any]) -> Rendered:
    return Rendered(t("review-confirmed", office=args["office"]), menu_button(t))
```
The outbox sender (`delivery.outbox`) calls `render` with the lane's platform, so the same row
reads right on Bale and on Telegram and in the language the person chose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from texts.i18n import Translator

META = ("notice", "args", "locale")


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    reply_markup: dict[str, Any] | None = None


Renderer = Callable[[Translator, dict[str, Any]], Rendered]
_RENDERERS: dict[str, Renderer] = {}
FEATURES = ("owner", "reminders", "results", "review", "survey", "tickets")


@cache
def _load_features() -> None:
    for feature in FEATURES:
        import_module(f"texts.notices.{feature}")


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register how the notice `name` is put into words (one renderer per name)."""

    def register(function: Renderer) -> Renderer:
        if name in _RENDERERS:
            raise ValueError(f"two renderers for the notice {name!r}")
        _RENDERERS[name] = function
        return function

    return register


def render(payload: dict[str, Any], platform: str | None) -> dict[str, Any]:
    """The payload with its notice put into words: `text` (and `reply_markup`) in place of
    `notice`, `args` and `locale`; anything else in it (an expiry, a method) is kept.
    Without a platform, plain text (a preview on the command line)."""
    name = payload["notice"]
    args = payload.get("args") or {}
    if not isinstance(name, str) or not isinstance(args, dict):
        raise ValueError("a notice is a name and an object of arguments")
    _load_features()
    t = Translator(str(payload.get("locale") or "fa"), platform)
    function = _RENDERERS.get(name)
    rendered = function(t, args) if function is not None else Rendered(t(name, **args))
    out = {key: value for key, value in payload.items() if key not in META}
    out["text"] = rendered.text
    if rendered.reply_markup is not None:
        out["reply_markup"] = rendered.reply_markup
    return out
