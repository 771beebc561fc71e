"""A published result, put into words when it is sent (`texts.results`), with the menu's
button."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from scoring.score import Breakdown
from storage.result_views import PreviousResult, ResultView
from texts.callbacks import MenuCb
from texts.i18n import Translator
from texts.notices import Rendered, renderer
from texts.results import result_text


@renderer("result")
def _result(t: Translator, args: dict[str, Any]) -> Rendered:
    previous = args.get("previous")
    view = ResultView(args["period"], args["office"], args["code"],
                      Breakdown.from_dict(json.loads(args["breakdown"])),
                      PreviousResult(previous[0], Decimal(previous[1]), previous[2])
                      if previous else None)
    return Rendered(result_text(t, view), {"inline_keyboard": [[
        {"text": t("button-menu"), "callback_data": MenuCb(action="main").pack()}]]})
