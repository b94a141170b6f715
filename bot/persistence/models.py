"""The bot's own tables (created and changed only by the Alembic migrations in migrations/).

Personal data: only `bot_unanswered_questions.text` (a user's question, already redacted), purged
after RETENTION_DAYS. The other tables hold no text and no conversation id: knowledge entry ids,
aid names, outcomes, channel names, times and counts.

`events` mirrors the table of Rasa's SQL tracker store (created by Rasa, not by Alembic), for the
purge and the report, so that neither needs to import Rasa.
"""

import sqlalchemy as sa

metadata = sa.MetaData()

UTC_DATETIME = sa.DateTime(timezone=True)

unanswered_questions = sa.Table(
    "bot_unanswered_questions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTC_DATETIME, nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),  # fallback, clarify, low_confidence, out_of_scope
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("text", sa.Text, nullable=False),  # redacted
    sa.Column("candidates", sa.String(255), nullable=True),  # entry ids offered, comma-separated
)

unanswered_daily = sa.Table(
    "bot_unanswered_daily", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("decision", sa.String(16), primary_key=True),
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

feedback = sa.Table(
    "bot_feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTC_DATETIME, nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("target", sa.String(128), nullable=False, index=True),  # entry id or "eligibilite:<aid>"
    sa.Column("rating", sa.SmallInteger, nullable=False),  # +1 / -1
    sa.Column("reason", sa.String(32), nullable=True),  # a code of bot/knowledge/schema.py FEEDBACK_REASONS
)

eligibility_checks = sa.Table(
    "bot_eligibility_checks", metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("aid", sa.String(64), primary_key=True),
    sa.Column("outcome", sa.String(32), primary_key=True),
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

referrals = sa.Table(
    "bot_referrals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTC_DATETIME, nullable=False, index=True),
    sa.Column("reason", sa.String(32), nullable=False),  # "conseiller", "detresse" or "saisine"
    sa.Column("topic", sa.String(128), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
)

purge_runs = sa.Table(
    "bot_purge_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ran_at", UTC_DATETIME, nullable=False),
    sa.Column("cutoff", UTC_DATETIME, nullable=False),
    sa.Column("events_deleted", sa.Integer, nullable=False),
    sa.Column("questions_deleted", sa.Integer, nullable=False),
)

# Rasa's table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), never created from here.
rasa_metadata = sa.MetaData()
events = sa.Table(
    "events", rasa_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
