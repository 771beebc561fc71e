"""One call to the platform as aiogram builds it (a urlencoded form, the baseline) and as
`PlatformSession.json_body` builds it, for a typical wizard reply: a Persian question with its
keyboard, on both platforms, in the same process.

    python -m bench.requests [--times 3000]
"""

from __future__ import annotations

import argparse
import json
import time
from urllib.parse import parse_qsl

from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from delivery.platforms import PlatformBot

TEXT = ("پرسش ۳ از ۶ · بخش نیروی انسانی\n<b>تعداد کارکنان بیمه‌شدهٔ دفتر</b>\n"
        "واحد: نفر · حداقل ۰، حداکثر ۵۰\nشمار کسانی که در فهرست بیمهٔ تأمین اجتماعی دفترند.")


def _method() -> SendMessage:
    rows = [[InlineKeyboardButton(text=f"گزینهٔ شمارهٔ {n}", callback_data=f"w:12:a:staff:o{n}")]
            for n in range(6)]
    rows.append([InlineKeyboardButton(text="↩️ بازگشت", callback_data="w:12:b:staff"),
                 InlineKeyboardButton(text="📋 مرور", callback_data="w:12:rv")])
    return SendMessage(chat_id=4_000_000_123, text=TEXT,
                       reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


def run(times: int = 3000) -> dict[str, float]:
    method = _method()
    figures: dict[str, float] = {}
    for platform in ("telegram", "bale"):
        bot = PlatformBot(platform, "1:abc", "http://127.0.0.1:1")
        session = bot.session
        form = dict(parse_qsl(session.build_form_data(bot, method)()._value.decode()))
        body = json.loads(session.json_body(bot, method) or b"null")
        decoded = {k: v if isinstance(body.get(k), str) else json.loads(v)
                   for k, v in form.items()}
        if decoded != body:
            raise AssertionError(f"{platform}: the JSON body says something else than the form")
        started = time.perf_counter()
        for _ in range(times):
            session.build_form_data(bot, method)()
        figures[f"{platform}_form_us"] = (time.perf_counter() - started) / times * 1e6
        started = time.perf_counter()
        for _ in range(times):
            session.json_body(bot, method)
        figures[f"{platform}_json_us"] = (time.perf_counter() - started) / times * 1e6
        figures[f"{platform}_ratio"] = (figures[f"{platform}_json_us"]
                                        / figures[f"{platform}_form_us"])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=3000)
    r = run(parser.parse_args().times)
    for platform in ("telegram", "bale"):
        print(f"{platform:8} sendMessage with a keyboard: form {r[platform + '_form_us']:.0f} µs, "
              f"JSON {r[platform + '_json_us']:.0f} µs; ratio {r[platform + '_ratio']:.2f}")


if __name__ == "__main__":
    main()
