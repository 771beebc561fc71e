"""Message catalogs: `locales/<lang>/*.ftl`, Fluent syntax, Persian the default.

Numbers passed as arguments are rendered by us, not by Fluent, so that Persian texts get Persian
digits (and «٬» between thousands) whatever Babel's idea of the `fa` numbering system is; an
instant (`datetime`) is said in Tehran time, with its Jalali date unless it is today
(`format_when`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

from scoring.calendar import TEHRAN, format_jalali_date
from scoring.text import to_persian_digits
from texts.render import escape, finish

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("fa", "en")


def format_number(value: int | float | Decimal, lang: str) -> str:
    """1234.5 → «۱٬۲۳۴٫۵» in Persian, «1,234.5» in English. Trailing zeros after the point go."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
    text = f"{value:,}"
    if lang == "fa":
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def format_when(instant: datetime, lang: str, now: datetime | None = None) -> str:
    """An instant as people in Iran read it, Tehran time: «ساعت ۱۰:۴۲» today, else
    «در ۱۴ آذر ۱۴۰۵ ساعت ۱۰:۴۲» («at 10:42», «on 14 Azar 1405 at 10:42»)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    local = instant.astimezone(TEHRAN)
    today = (now or datetime.now(UTC)).astimezone(TEHRAN).date() == local.date()
    clock = local.strftime("%H:%M")
    if lang == "fa":
        clock = to_persian_digits(clock)
        return f"ساعت {clock}" if today else \
            f"در {format_jalali_date(instant, 'fa')} ساعت {clock}"
    return f"at {clock}" if today else f"on {format_jalali_date(instant, 'en')} at {clock}"
def _ltr(text: object) -> str:
    """`{ LTR("/review") }` in a catalog: a Latin fragment of the text itself (a command, a
    format) set apart, so a Persian line that begins with it still reads right to left."""
    return f"{LRI}{text}{PDI}"


@cache
def _bundle(lang: str) -> FluentBundle:
    bundle = FluentBundle([lang], functions={"LTR": _ltr}, use_isolating=False)
    folder = LOCALES_DIR / lang
    for path in sorted(folder.glob("*.ftl")):
        resource = FluentResource(path.read_text(encoding="utf-8"))
        bundle.add_resource(resource)
    return bundle


def catalog_keys(lang: str) -> set[str]:
    return set(_bundle(lang)._messages)


class Markup(str):
    """A value that is already rendered for the platform and must not be escaped again."""


# Bidi classes: strong right-to-left letters; what lays out left to right (Latin letters,
# digits of every script: Persian digits are European numbers to the algorithm).
_RTL_CLASSES = frozenset({"R", "AL"})
_LTR_CLASSES = frozenset({"L", "EN", "AN"})
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"


def isolate(text: str, lang: str) -> str:
    """A value set apart from the sentence around it, so the bidi algorithm lays it out on its
    own: in a Persian sentence a phone number, a code or a Latin fragment goes left to right
    (left alone, «+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷» or «۰۲۱-۸۸۸۸۷۷۷۷» come out with their parts swapped); in
    an English one a Persian name goes right to left. A value that already reads in the
    sentence's direction, or that spans lines (a paragraph ends an isolate), stays as it is."""
    if not text or "\n" in text:
        return text
    classes = {unicodedata.bidirectional(char) for char in text}
    if classes & _RTL_CLASSES:
        return text if lang == "fa" else f"{RLI}{text}{PDI}"
    if lang == "fa" and classes & _LTR_CLASSES:
        return f"{LRI}{text}{PDI}"
    return text


class Translator:
    """`t(key, n=3)` in one language; missing keys fall back to Persian, then to the key.

    With a platform, the result is ready to send there: string arguments (user text) are escaped
    and the catalog's `<b>`/`<i>` become HTML (Telegram) or Bale Markdown. Without one, plain text.
    """

    def __init__(self, lang: str = "fa", platform: str | None = None) -> None:
        self.lang = lang if lang in LANGUAGES else "fa"
        self.platform = platform

    def __call__(self, key: str, /, **args: object) -> str:
        return self.get(key, **args)

    def get(self, key: str, /, **args: object) -> str:
        if not args:  # most button labels: the same text every time
            return _without_args(self.lang, self.platform, key)
        return self._format(key, args)

    def _format(self, key: str, args: Mapping[str, object]) -> str:
        for lang in (self.lang, "fa"):
            bundle = _bundle(lang)
            if bundle.has_message(key):
                message = bundle.get_message(key)
                if message.value is None:
                    break
                text, _errors = bundle.format_pattern(message.value, self._prepare(args, lang))
                return finish(text, self.platform)
        return key

    def raw(self, text: str) -> str:
        """User-supplied text on its own, escaped for the platform."""
        return escape(text, self.platform)

    def _prepare(self, args: Mapping[str, object], lang: str) -> dict[str, object]:
        prepared: dict[str, object] = {}
        for name, value in args.items():
            if isinstance(value, bool):
                prepared[name] = str(value)
            elif isinstance(value, int | float | Decimal):
                prepared[name] = format_number(value, lang)
            elif isinstance(value, datetime):
                prepared[name] = format_when(value, lang)
            elif isinstance(value, Markup):
                prepared[name] = self._isolated(str(value), lang)
            else:
                text = "" if value is None else str(value)
                if lang == "fa":  # codes, names and dates typed with Latin digits read Persian
                    text = to_persian_digits(text)
                prepared[name] = self._isolated(escape(text, self.platform), lang)
        return prepared

    def _isolated(self, text: str, lang: str) -> str:
        """Messages to people get their values isolated (`isolate`); plain texts (the command
        line, files) are left as they are."""
        return text if self.platform is None else isolate(text, lang)


@cache
def _without_args(lang: str, platform: str | None, key: str) -> str:
    """A message that takes no arguments, formatted once: the catalogs never change while the
    process runs (they are parsed at start)."""
    return Translator(lang, platform)._format(key, {})


def translator(lang: str, platform: str | None = None) -> Translator:
    return Translator(lang, platform)
