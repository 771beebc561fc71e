"""audit append-only: the audit log refuses UPDATE and DELETE

Issue 21: nothing in the database can change the audit log once written. A trigger on each
backend refuses UPDATE, DELETE (and TRUNCATE on PostgreSQL) on `audit_log`. The one change let
through is the foreign key's own ON DELETE SET NULL: when an account is deleted its rows keep
every column but `actor_account_id` (the `actor` label still names who it was).

Revision ID: 0010_audit
Revises: 0009
Create Date: 2026-12-05 21:10:00.000000
"""
from alembic import op

revision = '0010_audit'
down_revision = '0009'
branch_labels = None
depends_on = None

_SAME = ("id", "at", "actor", "action", "entity", "entity_id", "old", "new", "reason")

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_account_id IS NULL
       AND OLD.actor_account_id IS NOT NULL
       AND ({", ".join(f"NEW.{c}" for c in _SAME)})
           IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in _SAME)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$
"""

_SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _SAME)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            f"WHEN NOT (NEW.actor_account_id IS NULL AND OLD.actor_account_id IS NOT NULL "
            f"AND {_SQLITE_UNCHANGED}) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END")
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
