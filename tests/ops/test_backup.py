"""`pishkhan backup` copies the embedded database while it is in use; `pishkhan restore` puts
it back: the same rows, and the evidence files with them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from demo.local import DATA

runner = CliRunner()
TABLES = ("regions", "offices", "periods", "alembic_version")


def rows(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as conn:
        found = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}
    conn.close()
    return found


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "var" / "pishkhan.db"
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("PISHKHAN_EVIDENCE_DIR", str(tmp_path / "var" / "evidence"))
    for name in ("PISHKHAN_BALE_TOKEN", "PISHKHAN_TELEGRAM_TOKEN", "PISHKHAN_EVIDENCE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    for args in (["regions", "import", str(DATA / "demo_regions.csv")],
                 ["offices", "import", str(DATA / "demo_offices.csv")],
                 ["period", "create", "1402-H1", "--opens", "1402/01/15", "--closes",
                  "1402/02/15"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return database


def test_backup_then_restore_gives_the_same_rows(db: Path, tmp_path: Path) -> None:
    evidence = tmp_path / "var" / "evidence" / "ab" / "cd"
    evidence.mkdir(parents=True)
    (evidence / ("abcd" + "0" * 60)).write_bytes(b"%PDF- a file")
    before = rows(db)
    assert before["offices"] and before["periods"]

    # A reader holds the database open (as the running bot does) while the backup is made.
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM offices").fetchone()
    result = runner.invoke(app, ["backup", str(tmp_path / "backups" / "b.db"), "--evidence",
                                 str(tmp_path / "backups" / "evidence")])
    reader.rollback()
    reader.close()
    assert result.exit_code == 0, result.output

    # Everything after the backup is lost on restore: an extra period, the evidence folder.
    assert runner.invoke(app, ["period", "create", "1402-H2", "--opens", "1402/07/15",
                               "--closes", "1402/08/15"]).exit_code == 0
    assert rows(db) != before
    import shutil

    shutil.rmtree(tmp_path / "var" / "evidence")

    refused = runner.invoke(app, ["restore", str(tmp_path / "backups" / "b.db")])
    assert refused.exit_code == 2 and "--yes" in refused.output
    result = runner.invoke(app, ["restore", str(tmp_path / "backups" / "b.db"), "--yes",
                                 "--evidence", str(tmp_path / "backups" / "evidence")])
    assert result.exit_code == 0, result.output
    assert rows(db) == before
    assert (evidence / ("abcd" + "0" * 60)).read_bytes() == b"%PDF- a file"
    # And the application opens the restored database (its schema at the head).
    assert runner.invoke(app, ["period", "list"]).exit_code == 0


def test_restore_refuses_what_is_not_a_backup(db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    before = rows(db)
    result = runner.invoke(app, ["restore", str(junk), "--yes"])
    assert result.exit_code == 2 and "not a SQLite database" in result.output
    assert rows(db) == before


def test_backup_on_postgresql_points_to_pg_dump(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", "postgresql+asyncpg://u@127.0.0.1:1/x")
    result = runner.invoke(app, ["backup", str(tmp_path / "b.db")])
    assert result.exit_code == 2 and "pg_dump" in result.output
    assert not (tmp_path / "b.db").exists()


def test_restore_with_evidence_refuses_when_the_evidence_is_in_the_object_store(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backup_file = tmp_path / "backups" / "b.db"
    assert runner.invoke(app, ["backup", str(backup_file)]).exit_code == 0
    assert runner.invoke(app, ["period", "create", "1402-H2", "--opens", "1402/07/15",
                               "--closes", "1402/08/15"]).exit_code == 0
    saved = tmp_path / "backups" / "evidence" / "ab" / "cd"
    saved.mkdir(parents=True)
    (saved / ("abcd" + "0" * 60)).write_bytes(b"%PDF- a file")
    before = rows(db)
    monkeypatch.setenv("PISHKHAN_EVIDENCE_BACKEND", "s3")
    result = runner.invoke(app, ["restore", str(backup_file), "--yes", "--evidence",
                                 str(tmp_path / "backups" / "evidence")])
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1, message
    assert "object store" in message and "own tools" in message
    assert rows(db) == before  # the database is not replaced
    assert not (tmp_path / "var" / "evidence").exists()  # and nothing copied into the folder


def test_backup_with_evidence_refuses_before_copying_when_the_store_is_s3(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PISHKHAN_EVIDENCE_BACKEND", "s3")
    result = runner.invoke(app, ["backup", str(tmp_path / "b.db"), "--evidence",
                                 str(tmp_path / "copy")])
    assert result.exit_code == 2 and "object store" in result.output
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "copy").exists()
