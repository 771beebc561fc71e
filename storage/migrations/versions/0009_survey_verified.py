"""survey ratings: verified (the number was the sender's own contact) or not

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

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
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
