"""Rendering texts for each platform.

Catalog texts may use `<b>…</b>` and `<i>…</i>` and nothing else. On Telegram they go out as
HTML, with every user-supplied value escaped. On Bale no `parse_mode` exists: text is always read
as Bale's Markdown, so the tags become `*…*` / `_…_`, and the Markdown markers in user-supplied
values are swapped for look-alikes (a stray `*` or `[` in a name has made Bale reject a send).
"""

from __future__ import annotations

import html
import re

# A user's `<b>` must not become Bale bold when the catalog's tags are converted: ‹b› instead.
_BALE_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "[": "⁅", "]": "⁆", "`": "ˋ",
                                  "<": "‹", ">": "›"})
_PLAIN_LOOKALIKES = str.maketrans({"<": "‹", ">": "›"})
_TAG = re.compile(r"</?([a-z]+)>")


def escape(value: str, platform: str | None) -> str:
    if platform == "telegram":
        return html.escape(value, quote=False)
    if platform == "bale":
        return value.translate(_BALE_LOOKALIKES)
    return value.translate(_PLAIN_LOOKALIKES)


def finish(text: str, platform: str | None) -> str:
    """Turn catalog markup into what the platform expects (catalogs hold no HTML entities)."""
    if platform == "telegram":
        return text
    if platform == "bale":
        text = text.replace("<b>", "*").replace("</b>", "*")
        text = text.replace("<i>", "_").replace("</i>", "_")
    return _TAG.sub("", text)


def plain(text: str) -> str:
    """Strip HTML markup from a text rendered for Telegram (for logs and transcripts)."""
    return html.unescape(_TAG.sub("", text))
