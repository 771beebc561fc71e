"""result versions: a correction after publishing makes a new version of an office's result

Revision ID: 0011_result_versions
Revises: 0010_audit
Create Date: 2026-12-05 21:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_result_versions'
down_revision = '0010_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_column('version')
