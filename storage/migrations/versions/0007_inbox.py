"""the inbox: updates kept before they are acknowledged

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 18:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    sa.UniqueConstraint('platform', 'bot_id', 'update_id', name=op.f('uq_inbox_platform'))
    )
    op.create_index('ix_inbox_state_due_at', 'inbox', ['state', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_inbox_state_due_at', table_name='inbox')
    op.drop_table('inbox')
