"""console: one-time login links, sessions, and the queue's index

Revision ID: 0022_console
Revises: 0011_result_versions
Create Date: 2026-12-05 21:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0022_console'
down_revision = '0011_result_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('console_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_console_links_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_links_token_hash'))
    )
    op.create_table('console_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', UTCDateTime(), nullable=False),
    sa.Column('ended_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_console_sessions_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_sessions_token_hash'))
    )
    op.create_index(op.f('ix_console_sessions_account_id'), 'console_sessions', ['account_id'],
                    unique=False)
    op.create_index('ix_declarations_queue', 'declarations',
                    ['period_id', 'status', 'submitted_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_declarations_queue', table_name='declarations')
    op.drop_index(op.f('ix_console_sessions_account_id'), table_name='console_sessions')
    op.drop_table('console_sessions')
    op.drop_table('console_links')
