"""durable: the embedded SQLite's inbox in a file of its own

On SQLite, `storage.db` attaches `<name>-inbox.db` to every connection (as `inbox_file`) and
creates the inbox there (this creates it too); this moves the rows from the main file's `inbox` and drops it, so that
the unqualified name `inbox` is the attached one (see `storage.db.inbox_path` for why).
Downgraded, the rows go back to the main file and the attached table is dropped.
PostgreSQL: nothing (its locks are per row).

Revision ID: 0025_durable
Revises: 0024_owner2
Create Date: 2026-12-06 00:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.db import inbox_ddl
from storage.models import UTCDateTime

revision = '0025_durable'
down_revision = '0024_owner2'
branch_labels = None
depends_on = None

OPEN_SQL = "state IN ('new', 'replying')"
COLUMNS = ("id, platform, bot_id, update_id, chat_id, payload, received_at, state, attempts, "
           "due_at, lease_until, last_error, done_at")


def _attached() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    return any(row[1] == "inbox_file" for row in bind.exec_driver_sql("PRAGMA database_list"))


def upgrade() -> None:
    if not _attached():
        return
    for statement in inbox_ddl():  # (a connection opened before a downgrade has none)
        op.execute(statement)
    op.execute(f"INSERT OR IGNORE INTO inbox_file.inbox ({COLUMNS}) "
               f"SELECT {COLUMNS} FROM main.inbox")
    op.execute("DROP INDEX IF EXISTS main.ix_inbox_state_due_at")
    op.execute("DROP INDEX IF EXISTS main.ix_inbox_open")
    op.execute("DROP TABLE main.inbox")


def downgrade() -> None:
    if not _attached():
        return
    op.create_table('inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=10), nullable=False),
    sa.Column('bot_id', sa.BigInteger(), nullable=False),
    sa.Column('update_id', sa.BigInteger(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('lease_until', UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('done_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox')),
    sa.UniqueConstraint('platform', 'bot_id', 'update_id', name=op.f('uq_inbox_platform')),
    schema='main')
    op.create_index('ix_inbox_state_due_at', 'inbox', ['state', 'due_at'], unique=False,
                    schema='main')
    op.create_index('ix_inbox_open', 'inbox', ['platform', 'bot_id', 'chat_id', 'id'],
                    unique=False, schema='main', sqlite_where=sa.text(OPEN_SQL))
    op.execute(f"INSERT INTO main.inbox ({COLUMNS}) SELECT {COLUMNS} FROM inbox_file.inbox")
    op.execute("DROP TABLE inbox_file.inbox")
