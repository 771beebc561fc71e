"""Seed the expert directory with the three experts named in the H1 1404 announcement.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EXPERTS = [
    {"name": "سرکار خانم ثقفی", "phone": "021-89662920", "category": "declaration",
     "topic_fa": "خوداظهاری و ارزیابی", "topic_en": "Self-declaration and evaluation",
     "hours": "شنبه تا چهارشنبه ۸ تا ۱۶"},
    {"name": "آقای مهری", "phone": "021-89662908", "category": "technical",
     "topic_fa": "مشکلات فنی سامانه", "topic_en": "Technical problems",
     "hours": "شنبه تا چهارشنبه ۸ تا ۱۶"},
    {"name": "خانم رحمانی ثانی", "phone": "021-89662911", "category": "scoring",
     "topic_fa": "امتیاز و رتبه", "topic_en": "Scores and ranks",
     "hours": "شنبه تا چهارشنبه ۸ تا ۱۶"},
]


def upgrade() -> None:
    experts = sa.table("experts", sa.column("name", sa.String), sa.column("phone", sa.String),
                       sa.column("category", sa.String), sa.column("topic_fa", sa.String),
                       sa.column("topic_en", sa.String), sa.column("hours", sa.String))
    op.bulk_insert(experts, EXPERTS)


def downgrade() -> None:
    names = ", ".join(f"'{e['name']}'" for e in EXPERTS)
    op.execute(f"DELETE FROM experts WHERE name IN ({names})")
