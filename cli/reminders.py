"""`pishkhan remind PERIOD [--dry-run]`, `pishkhan milestones PERIOD [--set …]` and
`pishkhan outbox status|unreachable`.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

import typer

from cli.common import LangOption

STATUSES = ("queued", "waiting", "sending", "sent", "failed", "unreachable", "expired")


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The existing group `name`, or a new one."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(created, name=name)
    return created


def _parse_at(text: str, tz: Any) -> datetime:
    """«1404/08/10» or «1404/08/10 09:30», Tehran time, as a UTC instant."""
    from scoring.calendar import JalaliDateError, parse_jalali
    from scoring.text import to_ascii_digits

    parts = to_ascii_digits(text).split()
    day = parse_jalali(parts[0]) if parts else parse_jalali(text)
    clock = time(0, 0)
    if len(parts) == 2:
        try:
            hour, minute = (int(p) for p in parts[1].split(":"))
            clock = time(hour, minute)
        except ValueError:
            raise JalaliDateError(f"not a time (HH:MM): {parts[1]!r}") from None
    elif len(parts) > 2:
        raise JalaliDateError(f"not a Jalali date and time: {text!r}")
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def register(app: typer.Typer) -> None:
    from cli.common import (
        account,
        cell,
        jalali,
        label,
        language,
        print_table,
        said,
        say,
        words,
    )
    from cli.main import fail, settings, with_uow
    from texts.i18n import Markup

    outbox_app = _group(app, "outbox", "The outbox: messages waiting to be sent.")
    period_app = _group(app, "period", "Evaluation periods.")

    @app.command("remind")
    def remind(
        period: Annotated[str, typer.Argument(help="period code, e.g. 1404-H1")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only list who would be sent "
                                                                "what")] = False,
        at: Annotated[str | None, typer.Option(help="pretend it is this Tehran time "
                                                     "(1404/08/10 09:00); dry runs only")] = None,
        limit: Annotated[int, typer.Option(help="rows to list")] = 50,
        lang: LangOption = "en",
    ) -> None:
        """Send the reminder due now for PERIOD (the scheduler does this by itself)."""
        from scoring.calendar import JalaliDateError
        from services import reminders

        lang = language(lang)
        config = settings()
        if at is not None and not dry_run:
            fail(words(lang)("cli-at-needs-dry-run"), lang)
        try:
            now = _parse_at(at, config.tz) if at else datetime.now(UTC)
        except JalaliDateError as error:  # one line, exit 2
            fail(said(error, lang) if error.code else
                 words(lang)("cli-not-a-time", text=Markup(at or "")), lang)
            raise
        if dry_run:
            outcome = with_uow(lambda uow: reminders.preview(uow, period, now, config.tz),
                               lang=lang)
        else:
            outcome = with_uow(lambda uow: reminders.sweep_period_by_code(uow, period, now,
                                                                          config.tz), lang=lang)
        if not dry_run:
            if not outcome:
                say(lang, "cli-remind-nothing-due")
            for result in outcome:
                say(lang, "cli-remind-queued", kind=label(lang, "kind", result.kind),
                    milestone=_key(result.milestone, lang), count=result.enqueued,
                    unreachable=result.unreachable)
            return
        for plan in outcome:
            _print_plan(plan, limit, config.tz, lang)

    def _key(key: object, lang: str) -> Markup:
        """A milestone's key (7d, last-day@09:00) as typed, set apart in a Persian line."""
        from texts.i18n import isolate

        return Markup(isolate(str(key), lang) if lang == "fa" else str(key))

    def _print_plan(plan: Any, limit: int, tz: Any, lang: str) -> None:
        from collections import Counter

        from texts.notices import render as render_notice

        t = words(lang)
        head = {"code": Markup(plan.period_code), "who": label(lang, "audience", plan.kind)}
        if plan.due is None:
            say(lang, "cli-plan-none-due", **head)
            return
        due = {**head, "milestone": _key(plan.due.key, lang),
               "due": jalali(plan.due.due_at, lang, tz, clock=True)}
        if plan.swept_at is not None:
            say(lang, "cli-plan-sent", **due, sent=jalali(plan.swept_at, lang, tz, clock=True))
            return
        if plan.later_swept is not None:
            say(lang, "cli-plan-superseded", **due, later=_key(plan.later_swept, lang))
            return
        platforms = Counter(m.platform for m in plan.messages)
        comma = "، " if lang == "fa" else ", "
        spread = comma.join(f"{label(lang, 'platform', p)} {cell(n, lang)}"
                            for p, n in sorted(platforms.items())) or t("cli-none")
        say(lang, "cli-plan-would-send", **due, count=len(plan.messages),
            platforms=Markup(spread), unreachable=plan.unreachable)
        if not plan.messages:
            return
        print_table(lang, None, ("office", "to", "lang", "message"),
                    [(m.office_code or "-", account(lang, f"{m.platform}:{m.chat_id}"),
                      label(lang, "locale", m.locale), render_notice(m.payload, None)["text"])
                     for m in plan.messages[:limit]], show_lines=True)
        if len(plan.messages) > limit:
            say(lang, "cli-plan-more", count=len(plan.messages) - limit)

    @period_app.command("milestones")
    def period_milestones(
        period: Annotated[str, typer.Argument(help="period code")],
        set_: Annotated[str | None, typer.Option(
            "--set", help="e.g. 'opened, 7d, 3d, 1d, last-day@09:00, 3h'")] = None,
        lang: LangOption = "en",
    ) -> None:
        """Show (or replace) a period's reminder milestones, with their Tehran times."""
        from scoring import milestones as ms
        from services import reminders

        lang = language(lang)
        t = words(lang)
        config = settings()
        wanted = None
        if set_ is not None:
            try:
                wanted = ms.parse_spec(set_)
            except ms.MilestoneError as exc:  # its reasons are English only: name the input
                fail(str(exc) if lang == "en" else t("cli-milestones-bad", spec=Markup(set_)),
                     lang)

        found = with_uow(lambda uow: reminders.milestones(uow, period, wanted), lang=lang)
        plan = {s.key: s for s in ms.schedule(found.opens_at, found.closes_at,
                                              found.milestones, config.tz)}
        rows = []
        for milestone in found.milestones:
            item = plan.get(milestone.key)
            rule = {k: v for k, v in milestone.to_dict().items() if k != "key"}
            rows.append((_key(milestone.key, lang),
                         jalali(item.due_at, lang, config.tz, clock=True) if item
                         else t("cli-outside-window"),
                         ", ".join(t(f"cli-rule-{k}", value=Markup(str(v)) if lang == "en"
                                     else str(v)) for k, v in rule.items())))
        print_table(lang, t("cli-milestones-title", code=Markup(found.code)),
                    ("key", "when", "rule"), rows)

    @outbox_app.command("status")
    def outbox_status(lang: LangOption = "en") -> None:
        """Messages per platform: queued (and waiting to retry), sent, failed, unreachable."""
        from services.reminders import outbox_status as status

        lang = language(lang)
        counts = with_uow(lambda uow: status(uow, datetime.now(UTC)), lang=lang)
        rows: list[tuple[object, ...]] = [
            (label(lang, "platform", platform),
             *(counts[platform].get(column, 0) for column in STATUSES))
            for platform in sorted(counts)] or [("-", *(0 for _ in STATUSES))]
        print_table(lang, words(lang)("cli-outbox-title"), ("platform", *STATUSES), rows)
        say(lang, "cli-outbox-note")

    @outbox_app.command("unreachable")
    def outbox_unreachable(lang: LangOption = "en") -> None:
        """Offices nobody can reach: every linked account blocked the bot or never started it."""
        from services.reminders import unreachable_offices

        lang = language(lang)
        offices, unlinked = with_uow(unreachable_offices, lang=lang)
        tz = settings().tz
        print_table(lang, words(lang)("cli-unreachable-title", count=len(offices)),
                    ("region", "office-code", "office", "accounts", "since"),
                    [(office.region_code, office.code, office.name,
                      ", ".join(account(lang, a) for a in office.accounts),
                      jalali(office.since, lang, tz, clock=True)) for office in offices])
        say(lang, "cli-unreachable-unlinked", count=unlinked)
