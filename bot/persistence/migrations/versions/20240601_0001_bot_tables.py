"""The bot's own tables: unanswered questions, feedback, eligibility checks, referrals, purge runs.

Revision ID: 0001
Revises:
Create Date: 2024-06-01

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_unanswered_questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("candidates", sa.String(255), nullable=True),
    )
    op.create_index("ix_bot_unanswered_questions_created_at", "bot_unanswered_questions", ["created_at"])
    op.create_table(
        "bot_unanswered_daily",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("decision", sa.String(16), primary_key=True),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "bot_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("target", sa.String(128), nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
    )
    op.create_index("ix_bot_feedback_created_at", "bot_feedback", ["created_at"])
    op.create_index("ix_bot_feedback_target", "bot_feedback", ["target"])
    op.create_table(
        "bot_eligibility_checks",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("aid", sa.String(64), primary_key=True),
        sa.Column("outcome", sa.String(32), primary_key=True),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "bot_referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
    )
    op.create_index("ix_bot_referrals_created_at", "bot_referrals", ["created_at"])
    op.create_table(
        "bot_purge_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ran_at", UTC_DATETIME, nullable=False),
        sa.Column("cutoff", UTC_DATETIME, nullable=False),
        sa.Column("events_deleted", sa.Integer, nullable=False),
        sa.Column("questions_deleted", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("bot_purge_runs", "bot_referrals", "bot_eligibility_checks", "bot_feedback",
                  "bot_unanswered_daily", "bot_unanswered_questions"):
        op.drop_table(table)
