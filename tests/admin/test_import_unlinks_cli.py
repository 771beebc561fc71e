"""`pishkhan offices import` says how many accounts a change of licence holder unlinked."""

from __future__ import annotations

from pathlib import Path

from tests.admin.test_accounts_cli import app, linked, runner
from tests.services.test_identity import _offices_file

__all__ = ["linked"]


def test_the_import_prints_the_accounts_a_new_holder_unlinked(linked: None,
                                                              tmp_path: Path) -> None:
    changed = _offices_file(tmp_path, holder_name="مریم احمدی", holder_phone="09121234567")
    result = runner.invoke(app, ["offices", "import", str(changed)])
    assert result.exit_code == 0, result.output
    assert "2 accounts unlinked: the registry names another licence holder" in result.output
    again = runner.invoke(app, ["offices", "import", str(changed)])  # nothing changes now
    assert again.exit_code == 0, again.output
    assert "unlinked" not in again.output


def test_a_dry_run_unlinks_nobody_and_says_nothing_of_it(linked: None, tmp_path: Path) -> None:
    changed = _offices_file(tmp_path, holder_name="مریم احمدی", holder_phone="09121234567")
    result = runner.invoke(app, ["offices", "import", "--dry-run", str(changed)])
    assert result.exit_code == 0, result.output
    assert "unlinked" not in result.output
