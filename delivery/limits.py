"""What fits in one message on each platform, and how a call that does not fit is sent anyway.

Both platforms refuse a text over 4,096 characters and a caption over their caption limit
(Telegram documents 1,024; Bale's is reported shorter, so the bot keeps Bale's captions under
`BALE_CAPTION`; docs/PLATFORMS.md). Instead of a refused send:

* `split_text` cuts a long text at paragraph boundaries (then lines, then words, a hard cut only
  for a single run longer than the limit), each part under the limit;
* `expand` turns one call into the calls that carry it: a long `sendMessage` into several, the
  keyboard on the last; a file whose caption is too long is sent without it and the caption
  follows as text.

The outbox sender sends every row through `expand`; when one of a row's calls fails after the
first went, the row keeps how many went (`PARTS_SENT` in its payload, `partly_sent`) and its
retry starts at the one that failed, so nobody reads the first part twice. A handler whose
reply can grow past the limit (the reviewer's declaration view) answers through `answer_long`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from aiogram.client.default import Default
from aiogram.methods import SendMessage, TelegramMethod


@dataclass(frozen=True)
class Limits:
    text: int
    caption: int


TEXT = 4096
TELEGRAM_CAPTION = 1024
BALE_CAPTION = 800  # reported shorter than 1,024 on Bale; kept short on purpose
LIMITS = {"telegram": Limits(TEXT, TELEGRAM_CAPTION), "bale": Limits(TEXT, BALE_CAPTION)}


def limits(platform: str) -> Limits:
    return LIMITS.get(platform, LIMITS["bale"])  # unknown: the stricter


def units(text: str) -> int:
    """The length the platforms count: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    if units(text) == len(text):
        return min(len(text), limit)
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = TEXT) -> list[str]:
    """`text` in parts of at most `limit` units, cut at the last paragraph break that fits,
    else the last line break, else the last space; whitespace at the cuts is dropped."""
    if units(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while units(rest) > limit:
        room = _prefix(rest, limit)
        for separator in ("\n\n", "\n", " "):
            cut = rest.rfind(separator, 0, room + 1)
            if cut > 0 and rest[:cut].strip():
                head, rest = rest[:cut], rest[cut + len(separator):]
                break
        else:
            head, rest = rest[:room], rest[room:]
        parts.append(head.rstrip())
        rest = rest.lstrip("\n ")
    if rest.strip():
        parts.append(rest)
    return parts


PARTS_SENT = "parts_sent"  # in an outbox row's payload: how many of its calls were delivered


def partly_sent(outcome: Any, payload: dict[str, Any], sent: int) -> Any:
    """`outcome` (a `delivery.lanes.Outcome`) of a row whose first `sent` calls went: a row
    to be retried remembers them, in its payload, so that the retry skips them."""
    if sent == 0 or outcome.status != "queued":
        return outcome
    return replace(outcome, payload_json=json.dumps({**payload, PARTS_SENT: sent},
                                                    ensure_ascii=False))


def _explicit(method: TelegramMethod[Any], name: str) -> dict[str, Any]:
    value = getattr(method, name, None)
    return {} if value is None or isinstance(value, Default) else {name: value}


def expand(method: TelegramMethod[Any], platform: str) -> list[TelegramMethod[Any]]:
    """The calls that deliver `method` within the platform's limits (usually just itself)."""
    limit = limits(platform)
    if isinstance(method, SendMessage):
        parts = split_text(method.text, limit.text)
        if len(parts) == 1:
            return [method]
        last = len(parts) - 1
        return [method.model_copy(update={
            "text": part,
            "reply_markup": method.reply_markup if i == last else None,
        }) for i, part in enumerate(parts)]
    caption = getattr(method, "caption", None)
    if not isinstance(caption, str) or units(caption) <= limit.caption:
        return [method]
    markup = getattr(method, "reply_markup", None)
    parts = split_text(caption, limit.text)
    first = method.model_copy(update={"caption": None, "reply_markup": None})
    extra = _explicit(method, "parse_mode")
    follow = [SendMessage(chat_id=method.chat_id, text=part,  # type: ignore[attr-defined]
                          reply_markup=markup if i == len(parts) - 1 else None, **extra)
              for i, part in enumerate(parts)]
    return [first, *follow]


async def answer_long(message: Any, text: str, platform: str | None = None, **kwargs: Any
                      ) -> Sequence[Any]:
    """Reply to `message` with `text`, in as many messages as the platform's limit needs; the
    keyboard (`reply_markup`) goes with the last. The platform is the bot's unless given.
    Returns what the platform answered."""
    if platform is None:
        platform = getattr(message.bot, "platform", "telegram")
    parts = split_text(text, limits(platform).text)
    markup = kwargs.pop("reply_markup", None)
    sent = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent.append(await message.answer(part, reply_markup=markup if last else None, **kwargs))
    return sent
