"""Notices for an owner about their own declaration (issue 20): a file the region did not
accept, with the reviewer's reason and what to send instead. The arguments are the plain data
`storage.review_actions.reject_evidence` queued; titles travel in both languages."""

from __future__ import annotations

from typing import Any

from texts.callbacks import ResumeCb
from texts.i18n import Markup, Translator
from texts.notices import Rendered, renderer
from texts.review_text import reason_text


def _pick(pair: list[str], lang: str) -> str:
    return pair[0] if lang == "fa" else pair[1]


@renderer("evidence-rejected")
def _rejected(t: Translator, args: dict[str, Any]) -> Rendered:
    accepts = t(f"evidence-accepts-{args['kind_of'] or 'either'}")
    text = t("evidence-rejected-notice", title=_pick(args["title"], t.lang), name=args["name"],
             code=args["code"], reason=Markup(reason_text(t, args["reason"])),
             wanted=_pick(args["wanted"], t.lang), accepts=accepts)
    button = ResumeCb(action="review", office=args["office_id"]).pack()
    return Rendered(text, {"inline_keyboard": [[{"text": t("rv-owner-button-fix"),
                                                  "callback_data": button}]]})


@renderer("evidence-album-received")
def _album(t: Translator, args: dict[str, Any]) -> Rendered:
    """An album's parts, acknowledged once with the list of its files (`storage.album_notices`),
    with the buttons of the question's files."""
    from texts.wizard_keyboards import evidence_keyboard

    names = [name or t("evidence-kind-image") for name in args["names"]]
    files = "\n".join(f"{number}. {name}" for number, name in enumerate(names, start=1))
    text = t("evidence-album-received", added=len(names), count=args["count"],
             title=_pick(args["title"], t.lang), files=files)
    markup = evidence_keyboard(args["period_id"], args["key"], args["count"], t)
    return Rendered(text, markup.model_dump(exclude_none=True, mode="json"))
