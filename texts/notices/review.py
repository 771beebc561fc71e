"""Notices of the review feature, put into words when they are sent: a declaration confirmed or
returned (with the region's adjusted values, rejected files and comments), a committee decision,
an answer to a discrepancy report. The arguments are the plain data `storage.review_actions` and
`storage.review_inputs` queued; the indicators travel with the adjusted values, so a value reads
right in the recipient's language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from scoring.answers import from_json
from scoring.calendar import format_jalali_date, period_title
from scoring.rubric import Indicator
from texts.callbacks import MenuCb, ResumeCb
from texts.i18n import Markup, Translator
from texts.notices import Rendered, renderer
from texts.review_text import TICK, reason_text
from texts.views import format_value


def _button(t: Translator, key: str, callback: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t(key), "callback_data": callback}]]}


def _title(titles: list[str], lang: str) -> str:
    return titles[0] if lang == "fa" else titles[1]


def _notes(t: Translator, args: dict[str, Any], *, final: bool) -> list[str]:
    lines = []
    for adjusted in args.get("adjusted", ()):
        item = Indicator.model_validate(adjusted["item"])
        lines.append(t("rv-owner-adjusted", title=item.title_fa if t.lang == "fa"
                       else item.title_en,
                       declared=format_value(item, from_json(item, adjusted["declared"]), t),
                       accepted=format_value(item, from_json(item, adjusted["accepted"]), t),
                       reason=adjusted["reason"]))
    for file in args.get("rejected", ()):
        lines.append(t("rv-owner-rejected-final" if final else "rv-owner-rejected",
                       title=_title(file["title"], t.lang),
                       reason=Markup(reason_text(t, file["reason"]))))
    return lines


@renderer("review-confirmed")
def _confirmed(t: Translator, args: dict[str, Any]) -> Rendered:
    lines = [t("rv-owner-confirmed", name=args["name"], code=args["code"],
               period=period_title(args["period"], t.lang))]
    notes = _notes(t, args, final=True)
    if notes:
        lines += [t("rv-owner-notes"), *notes]
    return Rendered("\n".join(lines), _button(t, "button-menu", MenuCb(action="main").pack()))


@renderer("review-returned")
def _returned(t: Translator, args: dict[str, Any]) -> Rendered:
    lines = [t("rv-owner-returned", name=args["name"], code=args["code"])]
    for *titles, comment in args.get("comments", ()):
        lines.append(t("rv-owner-comment", title=_title(titles, t.lang), comment=comment))
    lines += _notes(t, args, final=False)
    deadline = datetime.fromisoformat(args["deadline"])
    lines.append(t("rv-owner-deadline", date=format_jalali_date(deadline - TICK, t.lang)))
    return Rendered("\n".join(lines), _button(
        t, "rv-owner-button-fix", ResumeCb(action="review", office=args["office_id"]).pack()))


@renderer("review-negative")
def _negative(t: Translator, args: dict[str, Any]) -> Rendered:
    text = t("rv-owner-negative", name=args["name"], code=args["code"],
             title=_title(args["title"], t.lang),
             date=format_jalali_date(date.fromisoformat(args["decided_on"]), t.lang),
             reference=args["reference"], points=Decimal(args["points"]),
             period=period_title(args["period"], t.lang))
    return Rendered(text, _button(t, "button-menu", MenuCb(action="main").pack()))


@renderer("review-discrepancy")
def _discrepancy(t: Translator, args: dict[str, Any]) -> Rendered:
    answer = args["answer"]
    shown = t(f"rv-type-{answer}") if args["field"] == "type" else answer
    text = t(f"rv-owner-disc-{args['status']}", number=args["number"],
             field=t(f"disc-field-{args['field']}"), answer=shown)
    return Rendered(text, _button(t, "rv-owner-button-disc", MenuCb(action="disc").pack()))
