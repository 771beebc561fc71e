"""Notices of owners' questions to experts: to the answerer (the card, the question, buttons),
to the owner (an answer, a question moved on), to an answerer a question moved away from."""

from __future__ import annotations

from typing import Any

from texts.i18n import Markup, Translator
from texts.notices import Rendered, renderer
from texts.tickets import expert_keyboard, header_lines, owner_keyboard


@renderer("ticket-for-answerer")
def _for_answerer(t: Translator, args: dict[str, Any]) -> Rendered:
    lines = [t(args["key"], number=args["number"],
               category=Markup(t(f"ticket-category-{args['category']}")),
               hours=args["hours"], name=args["name"])]
    lines += header_lines(t, args)
    if args.get("text"):
        lines.append("")
        lines.append(t.raw(args["text"]))
    if args.get("has_file"):
        lines.append(t("ticket-msg-file"))
    return Rendered("\n".join(lines), expert_keyboard(t, args["number"]))


@renderer("ticket-answered")
def _answered(t: Translator, args: dict[str, Any]) -> Rendered:
    lines = [t("ticket-answered-note", number=args["number"])]
    if args.get("text"):
        lines.append(t.raw(args["text"]))
    if args.get("has_file"):
        lines.append(t("ticket-answered-file"))
    return Rendered("\n\n".join(lines), owner_keyboard(t, args["number"]))


@renderer("ticket-moved-owner")
def _moved_owner(t: Translator, args: dict[str, Any]) -> Rendered:
    return Rendered(t(args["key"], number=args["number"], hours=args["hours"],
                      to=Markup(t(f"ticket-level-{args['level']}"))))


@renderer("ticket-moved-answerer")
def _moved_answerer(t: Translator, args: dict[str, Any]) -> Rendered:
    return Rendered(t("expert-ticket-moved", number=args["number"],
                      to=Markup(t(f"ticket-level-{args['level']}"))))
