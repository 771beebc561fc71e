"""inbox: answered_at, so an update done but not answered (killed before its reply) is re-run

Revision ID: 0023_inbox_answered
Revises: 0022_console
Create Date: 2026-12-05 22:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0023_inbox_answered'
down_revision = '0022_console'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbox') as batch:
        batch.add_column(sa.Column('answered_at', UTCDateTime(), nullable=True))
    # What was done before this revision was answered (or is past answering): never re-run it.
    op.execute("UPDATE inbox SET answered_at = done_at WHERE state = 'done'")


def downgrade() -> None:
    with op.batch_alter_table('inbox') as batch:
        batch.drop_column('answered_at')
