"""Text-formatting checks that mimic how the real servers parse message text.

Why this exists: the commonest production failure of a bot that echoes user input is a 400
"can't parse entities" because a name like ``Ali <Co>`` or ``my_file.pdf`` reached the API
unescaped. The sandbox rejects such text the way the servers do, so end-to-end tests catch a
missing escape long before a user does.

Each checker returns the *rendered* text (markers and tags removed, entities unescaped): what the
person on the other side would read, which is what transcript assertions want to compare.
They raise :class:`EntityParseError`; the caller turns it into
``400 Bad Request: can't parse entities: ...``.

The checkers are deliberately simple (a tag-balance checker, a marker counter), not complete
parsers: strict enough to catch unescaped user text, lenient enough not to reject valid output.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "EntityParseError",
    "render_bale_markdown",
    "render_html",
    "render_markdown",
    "render_markdown_v2",
]


class EntityParseError(ValueError):
    """The text does not parse under the requested formatting; the message says where."""


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports positions as UTF-8 byte offsets; do the same so messages look real."""
    return len(text[:index].encode("utf-8"))


# --------------------------------------------------------------------------------------- HTML

#: Tags Telegram's HTML parse mode understands (https://core.telegram.org/bots/api#html-style).
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z][A-Za-z0-9_-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_SPECIAL_RE = re.compile(r"[<&]")


def render_html(text: str) -> str:
    """Check Telegram HTML and return the plain text a reader sees.

    Rejects: unknown tags (``<br>``, ``<div>``), a bare ``<`` that does not start a tag, a bare
    ``&`` that does not start one of the entities Telegram knows, end tags that do not match the
    innermost open tag, and tags left open at the end.
    """
    if "<" not in text and "&" not in text:
        return text
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _SPECIAL_RE.finditer(text):
        start = match.start()
        if start < pos:  # inside a tag already consumed
            continue
        out.append(text[pos:start])
        if text[start] == "&":
            ent = _ENTITY_RE.match(text, start)
            if ent is None:
                raise EntityParseError(
                    "Unsupported HTML entity or unescaped '&' at byte offset "
                    f"{_byte_offset(text, start)}"
                )
            out.append(html.unescape(ent.group()))
            pos = ent.end()
            continue
        tag = _TAG_RE.match(text, start)
        if tag is None:
            raise EntityParseError(
                f'Unsupported start tag "" at byte offset {_byte_offset(text, start)}'
            )
        closing, name = tag.group(1), tag.group(2).lower()
        if name not in HTML_TAGS:
            kind = "end" if closing else "start"
            raise EntityParseError(
                f'Unsupported {kind} tag "{name}" at byte offset {_byte_offset(text, start)}'
            )
        if closing:
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, start)}"
                )
            if stack[-1] != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, start)}, "
                    f'expected "</{stack[-1]}>", found "</{name}>"'
                )
            stack.pop()
        else:
            stack.append(name)
        pos = tag.end()
    out.append(text[pos:])
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


# --------------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
}


def render_markdown_v2(text: str) -> str:
    """Check Telegram MarkdownV2 and return the plain text.

    Every reserved character outside an entity marker must be escaped with a backslash; entity
    markers must be balanced and properly nested; ``[label](url)`` must be complete.
    """
    out: list[str] = []
    stack: list[str] = []  # open markers, plus "[" for an open link label
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            raise EntityParseError(
                f"Character '\\' is reserved and must be escaped at byte offset "
                f"{_byte_offset(text, i)}"
            )
        if c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            if end < 0:
                kind = "Pre" if fence == "```" else "Code"
                raise EntityParseError(
                    f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                first, _, rest = body.partition("\n")
                body = rest if first and " " not in first.strip() else body
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + len(fence)
            continue
        marker = None
        if c == "_" and text.startswith("__", i):
            marker = "__"
        elif c == "|" and text.startswith("||", i):
            marker = "||"
        elif c in "*_~":
            marker = c
        if marker is not None:
            if stack and stack[-1] == marker:
                stack.pop()
            elif marker in stack:
                raise EntityParseError(
                    f"Can't find end of {_MDV2_NAMES[marker]} entity at byte offset "
                    f"{_byte_offset(text, i)}"
                )
            else:
                stack.append(marker)
            i += len(marker)
            continue
        if c == "[":
            stack.append("[")
            i += 1
            continue
        if c == "]" and stack and stack[-1] == "[":
            stack.pop()
            if not text.startswith("(", i + 1):
                raise EntityParseError(
                    f"Can't find end of a link at byte offset {_byte_offset(text, i)}"
                )
            end = text.find(")", i + 2)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                )
            i = end + 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # block quotation marker
            continue
        if c in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(c)
        i += 1
    if stack:
        top = stack[-1]
        name = "TextUrl" if top == "[" else _MDV2_NAMES[top]
        raise EntityParseError(f"Can't find end of {name} entity")
    return "".join(out)


# ------------------------------------------------------------------------- legacy Markdown


def render_markdown(text: str) -> str:
    """Check Telegram's legacy ``Markdown`` mode: ``*``, ``_``, backticks and links balanced."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "*_`[":
            out.append(text[i + 1])
            i += 2
            continue
        if c in "*_`":
            fence = "```" if text.startswith("```", i) else c
            end = text.find(fence, i + len(fence))
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            out.append(text[i + len(fence) : end])
            i = end + len(fence)
            continue
        if c == "[":
            close = text.find("](", i)
            end = text.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            out.append(text[i + 1 : close])
            i = end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------------------ Bale Markdown

_BALE_LINK_RE = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")


def render_bale_markdown(text: str) -> str:
    """Check text the way Bale renders every message: as its own Markdown.

    Bale has no ``parse_mode``; ``*bold*``, ``_italic_`` and ``[text](url)`` are always live.
    Stray markers in user-supplied text have caused rejected sends (BALE.md), so the sandbox
    rejects text with an odd number of ``*`` or ``_`` markers or with a malformed link
    (a ``](`` that is not part of a complete ``[label](url)``). Backslash is *not* treated as an
    escape: whether Bale honours it is unconfirmed, so the bot must strip markers instead.
    """
    if not any(ch in text for ch in "*_]"):
        return text
    plain = _BALE_LINK_RE.sub(lambda m: m.group(1), text)
    if "](" in plain:
        at = plain.index("](")
        raise EntityParseError(f"malformed link near character {at}")
    for marker in "*_":
        count = plain.count(marker)
        if count % 2:
            raise EntityParseError(f"unbalanced '{marker}' marker ({count} found)")
    return plain.replace("*", "").replace("_", "")
