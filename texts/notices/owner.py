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
