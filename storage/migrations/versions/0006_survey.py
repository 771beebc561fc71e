"""citizens' satisfaction survey: links, services, ratings, flags

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-23 07:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_services',
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('title_fa', sa.String(length=100), nullable=False),
    sa.Column('title_en', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_survey_services'))
    )
    op.create_table('survey_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=24), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_survey_links_office_id_offices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_links')),
    sa.UniqueConstraint('token', name=op.f('uq_survey_links_token'))
    )
    op.create_index(op.f('ix_survey_links_office_id'), 'survey_links', ['office_id'], unique=False)
    op.create_table('survey_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('first_at', UTCDateTime(), nullable=False),
    sa.Column('last_at', UTCDateTime(), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_survey_flags_office_id_offices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_survey_flags_period_id_periods'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['accounts.id'], name=op.f('fk_survey_flags_reviewed_by_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_flags'))
    )
    op.create_index('ix_survey_flags_office_period', 'survey_flags', ['office_id', 'period_id'], unique=False)
    op.create_table('survey_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('platform', sa.String(length=10), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('extra_fee', sa.Boolean(), nullable=True),
    sa.Column('new_account', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=True),
    sa.Column('replaced', sa.Integer(), nullable=False),
    sa.Column('rated_at', UTCDateTime(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_survey_ratings_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flag_id'], ['survey_flags.id'], name=op.f('fk_survey_ratings_flag_id_survey_flags'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_survey_ratings_office_id_offices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_survey_ratings_period_id_periods'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_ratings')),
    sa.UniqueConstraint('period_id', 'office_id', 'phone', name=op.f('uq_survey_ratings_period_id'))
    )
    op.create_index('ix_survey_ratings_account_at', 'survey_ratings', ['account_id', 'rated_at'], unique=False)
    op.create_index(op.f('ix_survey_ratings_flag_id'), 'survey_ratings', ['flag_id'], unique=False)
    op.create_index('ix_survey_ratings_office_at', 'survey_ratings', ['office_id', 'rated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_survey_ratings_office_at', table_name='survey_ratings')
    op.drop_index(op.f('ix_survey_ratings_flag_id'), table_name='survey_ratings')
    op.drop_index('ix_survey_ratings_account_at', table_name='survey_ratings')
    op.drop_table('survey_ratings')
    op.drop_index('ix_survey_flags_office_period', table_name='survey_flags')
    op.drop_table('survey_flags')
    op.drop_index(op.f('ix_survey_links_office_id'), table_name='survey_links')
    op.drop_table('survey_links')
    op.drop_table('survey_services')
