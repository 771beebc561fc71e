"""`pishkhan period create|edit|cancel|extend`: an overlapping window exits non-zero with one
line in the operator's language (Persian or English) and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from typer.testing import CliRunner

from cli.main import app
from scoring.calendar import format_jalali_numeric, utcnow
from storage.models import AuditLog, Outbox, Period
from tests.integration.test_cli import count, env  # noqa: F401  (the fixture)

runner = CliRunner()


def day(offset: int) -> str:
    return format_jalali_numeric(utcnow() + timedelta(days=offset), "en")


def test_an_overlapping_period_is_refused_in_one_line(env: str) -> None:  # noqa: F811
    ok = runner.invoke(app, ["period", "create", "P1", "--opens", day(-3), "--closes", day(10)])
    assert ok.exit_code == 0, ok.output
    audited = count(env, AuditLog)
    for lang, words, one, two in (("en", "overlaps", "P1", "P2"),
                                  ("fa", "هم‌پوشانی", "P۱", "P۲")):
        refused = runner.invoke(app, ["period", "create", "P2", "--opens", day(5), "--closes",
                                      day(40), "--lang", lang])
        assert refused.exit_code == 2, refused.output
        lines = [line for line in refused.output.splitlines() if line.strip()]
        assert len(lines) == 1 and words in lines[0], refused.output
        assert one in lines[0] and two in lines[0]
    assert count(env, Period) == 1 and count(env, AuditLog) == audited


def test_edit_cancel_and_extend_from_the_command_line(env: str) -> None:  # noqa: F811
    assert runner.invoke(app, ["period", "create", "P1", "--opens", day(-3), "--closes",
                               day(10)]).exit_code == 0
    assert runner.invoke(app, ["period", "create", "P2", "--opens", day(30), "--closes",
                               day(60)]).exit_code == 0
    edited = runner.invoke(app, ["period", "edit", "P2", "--opens", day(31)])
    assert edited.exit_code == 0 and day(31) in edited.output, edited.output
    started = runner.invoke(app, ["period", "cancel", "P1", "--reason", "x", "--lang", "fa"])
    assert started.exit_code == 2 and "آغاز شده" in started.output
    extended = runner.invoke(app, ["period", "extend", "P1", "--closes", day(12),
                                   "--reason", "network outage"])
    assert extended.exit_code == 0 and day(12) in extended.output, extended.output
    cancelled = runner.invoke(app, ["period", "cancel", "P2", "--reason", "duplicate"])
    assert cancelled.exit_code == 0, cancelled.output
    assert count(env, Period) == 1 and count(env, Outbox) == 0  # nobody linked yet
