"""Deadline reminders and the close of a window, put into words when sent (`texts.reminders`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scoring.answers import Missing
from texts import reminders as words
from texts.i18n import Translator
from texts.notices import Rendered, renderer


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _tz(args: dict[str, Any]) -> ZoneInfo:
    return ZoneInfo(args.get("tz") or "Asia/Tehran")


@renderer("reminder-owner")
def _owner(t: Translator, args: dict[str, Any]) -> Rendered:
    missing = [Missing(key, reason, title_fa, title_en)
               for key, reason, title_fa, title_en in args["missing"]]
    text = words.owner_text(t, args["flavour"], _at(args["now"]), _at(args["closes_at"]),
                            args["office"], args["code"], missing, args["started"], _tz(args))
    return Rendered(text, words.resume_markup(t, args["started"], args["office_id"]))


@renderer("reminder-liaison")
def _liaison(t: Translator, args: dict[str, Any]) -> Rendered:
    return Rendered(words.liaison_text(t, _at(args["now"]), _at(args["deadline"]), _tz(args)))


@renderer("reminder-close")
def _close(t: Translator, args: dict[str, Any]) -> Rendered:
    return Rendered(words.close_text(t, args["key"], args["office"], args["rank"],
                                     _at(args["closes_at"]), _tz(args)))
