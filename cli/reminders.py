"""`pishkhan remind PERIOD [--dry-run]`, `pishkhan milestones PERIOD [--set …]` and
`pishkhan outbox status|unreachable`.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

import typer

STATUSES = ("queued", "waiting", "sending", "sent", "failed", "unreachable", "expired")


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The existing group `name`, or a new one."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(created, name=name)
    return created


def _tehran(instant: datetime, tz: Any) -> str:
    from scoring.calendar import format_jalali_numeric

    local = instant.astimezone(tz)
    return f"{format_jalali_numeric(instant, 'en', tz)} {local:%H:%M}"


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
    from cli.main import console, fail, settings, with_uow

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
    ) -> None:
        """Send the reminder due now for PERIOD (the scheduler does this by itself)."""
        from services import reminders

        config = settings()
        if at is not None and not dry_run:
            fail("--at only goes with --dry-run")
        try:
            now = _parse_at(at, config.tz) if at else datetime.now(UTC)
        except ValueError as error:  # JalaliDateError: one line, exit 2
            fail(str(error))
            raise
        if dry_run:
            outcome = with_uow(lambda uow: reminders.preview(uow, period, now, config.tz))
        else:
            outcome = with_uow(lambda uow: reminders.sweep_period_by_code(uow, period, now,
                                                                          config.tz))
        if not dry_run:
            if not outcome:
                console.print("nothing due now: every due reminder has been sent already")
            for result in outcome:
                console.print(f"{result.kind} {result.milestone}: {result.enqueued} messages "
                              f"queued ({result.unreachable} unreachable accounts skipped)")
            return
        for plan in outcome:
            _print_plan(plan, limit, config.tz)

    def _print_plan(plan: Any, limit: int, tz: Any) -> None:
        from collections import Counter

        from rich.table import Table

        from texts.notices import render as render_notice

        who = "owners" if plan.kind == "owners" else "staff (liaison-list deadline)"
        if plan.due is None:
            console.print(f"{plan.period_code} {who}: no reminder is due now")
            return
        due = f"{plan.due.key} (due {_tehran(plan.due.due_at, tz)} Tehran)"
        if plan.swept_at is not None:
            console.print(f"{plan.period_code} {who}: {due} was sent at "
                          f"{_tehran(plan.swept_at, tz)}; nothing would be sent now")
            return
        if plan.later_swept is not None:
            console.print(f"{plan.period_code} {who}: {due} is older than {plan.later_swept}, "
                          "which was sent already; nothing would be sent now")
            return
        platforms = Counter(m.platform for m in plan.messages)
        console.print(f"{plan.period_code} {who}: {due} would go to {len(plan.messages)} "
                      f"accounts ({', '.join(f'{p} {n}' for p, n in sorted(platforms.items()))}"
                      f"{'' if platforms else 'none'}); {plan.unreachable} unreachable skipped "
                      "(dry run: nothing written)")
        if not plan.messages:
            return
        table = Table(show_lines=True)
        for column in ("office", "to", "lang", "message"):
            table.add_column(column, overflow="fold")
        for message in plan.messages[:limit]:
            preview = render_notice(message.payload, None)["text"]
            table.add_row(message.office_code or "-", f"{message.platform}:{message.chat_id}",
                          message.locale, preview)
        console.print(table)
        if len(plan.messages) > limit:
            console.print(f"… and {len(plan.messages) - limit} more (--limit)")

    @period_app.command("milestones")
    def period_milestones(
        period: Annotated[str, typer.Argument(help="period code")],
        set_: Annotated[str | None, typer.Option(
            "--set", help="e.g. 'opened, 7d, 3d, 1d, last-day@09:00, 3h'")] = None,
    ) -> None:
        """Show (or replace) a period's reminder milestones, with their Tehran times."""
        from rich.table import Table

        from scoring import milestones as ms
        from services import reminders

        config = settings()
        wanted = None
        if set_ is not None:
            try:
                wanted = ms.parse_spec(set_)
            except ms.MilestoneError as exc:
                fail(str(exc))

        found = with_uow(lambda uow: reminders.milestones(uow, period, wanted))
        current = found.milestones
        table = Table(title=f"reminder milestones of {found.code}")
        for column in ("key", "when (Tehran)", "rule"):
            table.add_column(column)
        plan = {s.key: s for s in ms.schedule(found.opens_at, found.closes_at, current,
                                              config.tz)}
        for milestone in current:
            item = plan.get(milestone.key)
            rule = ", ".join(f"{k}={v}" for k, v in milestone.to_dict().items() if k != "key")
            table.add_row(milestone.key, _tehran(item.due_at, config.tz) if item else
                          "outside the window", rule)
        console.print(table)

    @outbox_app.command("status")
    def outbox_status() -> None:
        """Messages per platform: queued (and waiting to retry), sent, failed, unreachable."""
        from rich.table import Table

        from services.reminders import outbox_status as status

        counts = with_uow(lambda uow: status(uow, datetime.now(UTC)))
        table = Table(title="outbox")
        table.add_column("platform")
        for column in STATUSES:
            table.add_column(column, justify="right")
        for platform in sorted(counts):
            row = counts[platform]
            table.add_row(platform, *(str(row.get(column, 0)) for column in STATUSES))
        if not counts:
            table.add_row("-", *("0" for _ in STATUSES))
        console.print(table)
        console.print("queued includes waiting (backing off after an error); unreachable: the "
                      "user blocked the bot or never started it")

    @outbox_app.command("unreachable")
    def outbox_unreachable() -> None:
        """Offices nobody can reach: every linked account blocked the bot or never started it."""
        from rich.table import Table

        from services.reminders import unreachable_offices

        offices, unlinked = with_uow(unreachable_offices)
        table = Table(title=f"offices nobody can reach ({len(offices)})")
        for column in ("region", "office code", "office", "accounts", "since (Tehran)"):
            table.add_column(column)
        tz = settings().tz
        for office in offices:
            table.add_row(str(office.region_code), office.code, office.name,
                          ", ".join(office.accounts), _tehran(office.since, tz))
        console.print(table)
        console.print(f"{unlinked} offices have no linked account at all")
