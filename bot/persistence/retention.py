"""Retention: delete conversations and personal-data rows older than RETENTION_DAYS (default 30).

What is deleted (docs/privacy.md):
- tracker events (Rasa's `events` table) whose timestamp is older than the cut-off: a conversation
  silent for longer disappears entirely; one still in use keeps only its recent events (sessions
  expire after 60 minutes, so an ongoing session is never cut);
- `bot_unanswered_questions` rows (redacted question texts) older than the cut-off.
What is kept: the aggregated counts (`bot_unanswered_daily`, `bot_eligibility_checks`) and the rows
without text or conversation id (`bot_feedback`, `bot_referrals`).

`forget(sender_id)` deletes one person's conversation at once (right to erasure), whatever its age,
under the current key and the previous one.
Run by `make purge` (python -m bot.cli.purge) and periodically by the action server.
"""

import datetime as dt
import logging
import time
from dataclasses import asdict, dataclass
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.persistence import models
from bot.persistence.config import all_stored_ids
from bot.persistence.logs import log_event
from bot.persistence.repository import Repository, utcnow

logger = logging.getLogger(__name__)
BATCH = 5000  # rows per DELETE, so that a large purge never holds the database for long


@dataclass(frozen=True)
class PurgeResult:
    cutoff: str
    events_deleted: int
    questions_deleted: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def _has_table(engine: Engine, name: str) -> bool:
    return sa.inspect(engine).has_table(name)


def _delete_in_batches(engine: Engine, table: sa.Table, condition) -> int:
    total = 0
    while True:
        with engine.begin() as connection:
            ids = [row[0] for row in connection.execute(sa.select(table.c.id).where(condition).limit(BATCH))]
            if not ids:
                return total
            total += connection.execute(table.delete().where(table.c.id.in_(ids))).rowcount
        if len(ids) < BATCH:
            return total


def purge(tracker_engine: Engine, repository: Repository, days: int, now: Optional[dt.datetime] = None) -> PurgeResult:
    """Delete what is older than `days` days; return what was deleted."""
    started = time.monotonic()
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=days)
    events_deleted = 0
    if _has_table(tracker_engine, models.events.name):
        events_deleted = _delete_in_batches(tracker_engine, models.events,
                                            models.events.c.timestamp < cutoff.timestamp())
    repository.ensure_schema()
    questions = models.unanswered_questions
    questions_deleted = _delete_in_batches(repository.engine, questions, questions.c.created_at < cutoff)
    with repository.engine.begin() as connection:
        connection.execute(models.purge_runs.insert().values(
            ran_at=now, cutoff=cutoff, events_deleted=events_deleted, questions_deleted=questions_deleted))
    result = PurgeResult(cutoff.isoformat(), events_deleted, questions_deleted, round(time.monotonic() - started, 3))
    log_event(logger, logging.INFO, "retention.purged", days=days, cutoff=result.cutoff,
              events_deleted=events_deleted, questions_deleted=questions_deleted, seconds=result.seconds)
    return result


def forget(tracker_engine: Engine, sender_id: str) -> int:
    """Delete every event of one conversation (given as the channel's sender id); return the count.

    The rows stored under the current key, under TRACKER_SENDER_KEY_PREVIOUS (after a key change), and
    in the forms used before issue 15 are all found."""
    if not _has_table(tracker_engine, models.events.name):
        return 0
    ids = all_stored_ids(sender_id)
    with tracker_engine.begin() as connection:
        deleted = connection.execute(models.events.delete().where(models.events.c.sender_id.in_(ids))).rowcount
    log_event(logger, logging.INFO, "retention.forgotten", events_deleted=deleted)
    return deleted
