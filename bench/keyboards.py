"""Every question keyboard of the sample rubric, built with aiogram's `InlineKeyboardBuilder`
(the baseline) and with `texts.keyboards.InlineKeyboardBuilder` (the same builder without its deep
copies), in the same process; both must give the same markup.

    python -m bench.keyboards [--times 300]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from aiogram.utils import keyboard as stock

from demo.local import SAMPLE_RUBRIC
from scoring.rubric import load_rubric
from texts import views
from texts.i18n import translator
from texts.keyboards import InlineKeyboardBuilder


def _build_all(items: list[Any]) -> list[Any]:
    t = translator("fa")
    return [views.question_keyboard(item, 12, t, value=None, previous=1, first=False,
                                    section_first=True, can_keep_all=True) for item in items]


def run(times: int = 300) -> dict[str, float]:
    items = list(load_rubric(SAMPLE_RUBRIC).indicators)
    seconds = {}
    markups = {}
    for name, builder in (("aiogram", stock.InlineKeyboardBuilder),
                          ("ours", InlineKeyboardBuilder)):
        views.InlineKeyboardBuilder = builder  # type: ignore[misc]
        try:
            markups[name] = _build_all(items)
            started = time.perf_counter()
            for _ in range(times):
                _build_all(items)
            seconds[name] = time.perf_counter() - started
        finally:
            views.InlineKeyboardBuilder = InlineKeyboardBuilder  # type: ignore[misc]
    if markups["aiogram"] != markups["ours"]:
        raise AssertionError("the two builders gave different keyboards")
    per = len(items) * times
    return {"keyboards": len(items), "aiogram_us": seconds["aiogram"] / per * 1e6,
            "ours_us": seconds["ours"] / per * 1e6, "ratio": seconds["ours"] / seconds["aiogram"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=300)
    r = run(parser.parse_args().times)
    print(f"{r['keyboards']:.0f} question keyboards: aiogram's builder {r['aiogram_us']:.0f} µs, "
          f"without deep copies {r['ours_us']:.0f} µs a keyboard; ratio {r['ratio']:.2f}")


if __name__ == "__main__":
    main()
