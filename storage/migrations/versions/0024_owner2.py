"""declarations.review_started_at: a submission a reviewer has opened is under review

Revision ID: 0024_owner2
Revises: 0023_inbox_open
Create Date: 2026-12-06 00:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0024_owner2'
down_revision = '0023_inbox_open'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('declarations') as batch:
        batch.add_column(sa.Column('review_started_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('declarations') as batch:
        batch.drop_column('review_started_at')
