"""inbox: an index of the open updates by chat

Taking the next updates checks, for each, that no earlier update of the same chat is still
open. Without an index on the chat that check read every row the bot ever received (the inbox
keeps a week of them: ≈ 200,000 on the deadline day), once per update taken. The index holds
the open rows only (new, replying): a handful at any time.

Revision ID: 0023_inbox_open
Revises: 0022_console
Create Date: 2026-12-06 00:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_inbox_open'
down_revision = '0022_console'
branch_labels = None
depends_on = None

OPEN_SQL = "state IN ('new', 'replying')"


def upgrade() -> None:
    op.create_index('ix_inbox_open', 'inbox', ['platform', 'bot_id', 'chat_id', 'id'],
                    unique=False, postgresql_where=sa.text(OPEN_SQL),
                    sqlite_where=sa.text(OPEN_SQL))


def downgrade() -> None:
    op.drop_index('ix_inbox_open', table_name='inbox')
