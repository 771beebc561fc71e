"""reminder sweeps

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminder_sweeps',
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('milestone', sa.String(length=30), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('swept_at', UTCDateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_reminder_sweeps_period_id_periods'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('period_id', 'kind', 'milestone', name=op.f('pk_reminder_sweeps'))
    )


def downgrade() -> None:
    op.drop_table('reminder_sweeps')
