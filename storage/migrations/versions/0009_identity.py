"""identity: survey ratings verified or not; staff invites

Survey ratings: verified (the number was the sender's own contact) or not.

A rating whose number came on a card that did not say it was the sender's is kept as
`unverified` and never counted; the unique key becomes (period, office, phone, verified), so an
unverified rating never replaces a verified one. Existing rows: verified when the rating's
account has that number as its own (proven) number; the others, in periods not yet published,
stop counting (published results stay as published).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 19:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('region_code', sa.Integer(), nullable=True),
    sa.Column('province', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['province'], ['provinces.name'], name=op.f('fk_staff_invites_province_provinces')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_staff_invites_region_code_regions')),
    sa.ForeignKeyConstraint(['used_by'], ['accounts.id'], name=op.f('fk_staff_invites_used_by_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invites')),
    sa.UniqueConstraint('code', name=op.f('uq_staff_invites_code'))
    )
    with op.batch_alter_table('survey_ratings') as batch:
        batch.add_column(sa.Column('verified', sa.Boolean(), server_default=sa.true(),
                                   nullable=False))
        batch.drop_constraint('uq_survey_ratings_period_id', type_='unique')
        batch.create_unique_constraint('uq_survey_ratings_period_id',
                                       ['period_id', 'office_id', 'phone', 'verified'])
    op.execute(sa.text(
        "UPDATE survey_ratings SET verified = false WHERE NOT EXISTS (SELECT 1 FROM accounts "
        "WHERE accounts.id = survey_ratings.account_id AND accounts.phone = survey_ratings.phone)"))
    op.execute(sa.text(
        "UPDATE survey_ratings SET status = 'unverified' WHERE verified = false "
        "AND status = 'counted' AND period_id IN (SELECT id FROM periods "
        "WHERE published_at IS NULL)"))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM survey_ratings WHERE verified = false"))
    with op.batch_alter_table('survey_ratings') as batch:
        batch.drop_constraint('uq_survey_ratings_period_id', type_='unique')
        batch.create_unique_constraint('uq_survey_ratings_period_id',
                                       ['period_id', 'office_id', 'phone'])
        batch.drop_column('verified')
    op.drop_table('staff_invites')
