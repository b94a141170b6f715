"""Writes and reads of the bot's own tables (models.py); no Rasa import.

The actions call the `record_*` coroutines at the bottom: each runs in a worker thread (SQLAlchemy
is synchronous), and a failure is logged (`event=bot_db.write_failed`) and swallowed — recording
never breaks or delays a reply by more than the database timeout. Free text is redacted here,
whatever the caller passed.
"""

import asyncio
import datetime as dt
import functools
import logging
import threading
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.persistence import models
from bot.persistence.config import bot_database_url
from bot.persistence.db import create_engine, dialect_of
from bot.persistence.logs import error_summary, log_event
from bot.persistence.redaction import redact

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
UNKNOWN_CHANNEL = "inconnu"
DECISIONS = ("fallback", "clarify", "low_confidence", "out_of_scope")
REFERRAL_REASONS = ("conseiller", "detresse", "saisine")  # saisine: a draft to the support service


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: Optional[dt.datetime]) -> Optional[dt.datetime]:
    """SQLite returns naive datetimes: they were written in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


def _channel(channel: Optional[str]) -> str:
    return (channel or UNKNOWN_CHANNEL)[:32]


class Repository:
    """The bot's tables in one database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, migrate: bool = True):
        self.engine = engine
        self.url: Optional[str] = None
        self.migrate = migrate
        self._schema_ready = False
        self._lock = threading.Lock()
        self.last_error: Optional[str] = None
        self.last_error_at: Optional[float] = None

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> "Repository":
        repository = cls(create_engine(url), **kwargs)
        repository.url = url
        return repository

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        """Alembic upgrade, once per process (retried on the next call if it failed)."""
        if self._schema_ready or not self.migrate:
            return
        with self._lock:
            if not self._schema_ready:
                from bot.persistence.migrate import upgrade
                upgrade(self.engine)
                self._schema_ready = True

    def _run(self, operation: str, work: Callable[[sa.engine.Connection], Any]) -> Any:
        try:
            self.ensure_schema()
            with self.engine.begin() as connection:
                result = work(connection)
        except Exception as exc:
            self.last_error, self.last_error_at = error_summary(exc), time.time()
            raise
        self.last_error = None
        return result

    # --- writes -------------------------------------------------------------------------------

    def record_unanswered(self, text: str, decision: str, confidence: float, channel: Optional[str],
                          candidates: Sequence[str] = (), now: Optional[dt.datetime] = None) -> None:
        if decision not in DECISIONS:
            raise ValueError(f"decision: {decision!r} not in {DECISIONS}")
        now = now or utcnow()
        stored = (redact(text or "") or "")[:MAX_TEXT]

        def work(connection):
            connection.execute(models.unanswered_questions.insert().values(
                created_at=now, channel=_channel(channel), decision=decision, confidence=float(confidence or 0.0),
                text=stored, candidates=",".join(candidates)[:255] or None))
            self._increment(connection, models.unanswered_daily,
                            {"day": now.date(), "decision": decision, "channel": _channel(channel)})

        self._run("record_unanswered", work)

    def record_feedback(self, target: str, rating: int, channel: Optional[str], reason: Optional[str] = None,
                        now: Optional[dt.datetime] = None) -> int:
        if rating not in (1, -1):
            raise ValueError("rating: +1 or -1")

        def work(connection):
            result = connection.execute(models.feedback.insert().values(
                created_at=now or utcnow(), channel=_channel(channel), target=target[:128], rating=rating,
                reason=reason))
            return int(result.inserted_primary_key[0])

        return self._run("record_feedback", work)

    def set_feedback_reason(self, feedback_id: int, target: str, reason: str) -> bool:
        """Add the reason to a 👎 given earlier (only once, only for the same answer)."""

        def work(connection):
            table = models.feedback
            result = connection.execute(table.update().where(
                (table.c.id == int(feedback_id)) & (table.c.target == target) & (table.c.rating == -1)
                & table.c.reason.is_(None)).values(reason=reason))
            return result.rowcount == 1

        return self._run("set_feedback_reason", work)

    def count_eligibility_check(self, aid: str, outcome: str, channel: Optional[str],
                                day: Optional[dt.date] = None) -> None:
        key = {"day": day or utcnow().date(), "aid": aid[:64], "outcome": outcome[:32], "channel": _channel(channel)}
        self._run("count_eligibility_check", lambda c: self._increment(c, models.eligibility_checks, key))

    def record_referral(self, reason: str, topic: str, channel: Optional[str],
                        now: Optional[dt.datetime] = None) -> None:
        if reason not in REFERRAL_REASONS:
            raise ValueError(f"reason: {reason!r} not in {REFERRAL_REASONS}")
        self._run("record_referral", lambda c: c.execute(models.referrals.insert().values(
            created_at=now or utcnow(), reason=reason, topic=(topic or "general")[:128], channel=_channel(channel))))

    @staticmethod
    def _increment(connection, table: sa.Table, key: Dict[str, Any]) -> None:
        """count += 1 for the row `key` (created at 1), atomically (INSERT … ON CONFLICT DO UPDATE,
        which both SQLite and PostgreSQL support)."""
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif connection.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - other databases: update, else insert
            where = sa.and_(*(table.c[name] == value for name, value in key.items()))
            if not connection.execute(table.update().where(where).values(count=table.c.count + 1)).rowcount:
                connection.execute(table.insert().values(**key, count=1))
            return
        statement = insert(table).values(**key, count=1)
        connection.execute(statement.on_conflict_do_update(
            index_elements=list(key), set_={"count": table.c.count + 1}))

    # --- reads (report, health) ----------------------------------------------------------------

    def unanswered(self, since: Optional[dt.datetime] = None) -> List[Dict[str, Any]]:
        table = models.unanswered_questions
        query = sa.select(table).order_by(table.c.created_at)
        if since is not None:
            query = query.where(table.c.created_at >= since)
        rows = self._run("unanswered", lambda c: [dict(r._mapping) for r in c.execute(query)])
        for row in rows:
            row["created_at"] = as_utc(row["created_at"])
        return rows

    def feedback_rows(self, since: Optional[dt.datetime] = None) -> List[Dict[str, Any]]:
        table = models.feedback
        query = sa.select(table).order_by(table.c.created_at)
        if since is not None:
            query = query.where(table.c.created_at >= since)
        return self._run("feedback_rows", lambda c: [dict(r._mapping) for r in c.execute(query)])

    def eligibility_counts(self) -> List[Dict[str, Any]]:
        table = models.eligibility_checks
        query = sa.select(table.c.aid, table.c.outcome, sa.func.sum(table.c.count).label("count")) \
            .group_by(table.c.aid, table.c.outcome).order_by(table.c.aid, table.c.outcome)
        return self._run("eligibility_counts", lambda c: [dict(r._mapping) for r in c.execute(query)])

    def referral_counts(self) -> List[Dict[str, Any]]:
        table = models.referrals
        query = sa.select(table.c.reason, table.c.topic, sa.func.count().label("count")) \
            .group_by(table.c.reason, table.c.topic).order_by(sa.func.count().desc())
        return self._run("referral_counts", lambda c: [dict(r._mapping) for r in c.execute(query)])

    def last_purge(self) -> Optional[Dict[str, Any]]:
        table = models.purge_runs
        query = sa.select(table).order_by(table.c.id.desc()).limit(1)
        rows = self._run("last_purge", lambda c: [dict(r._mapping) for r in c.execute(query)])
        if not rows:
            return None
        row = rows[0]
        return {"ran_at": as_utc(row["ran_at"]).isoformat(), "cutoff": as_utc(row["cutoff"]).isoformat(),
                "events_deleted": row["events_deleted"], "questions_deleted": row["questions_deleted"]}

    def health(self) -> Dict[str, Any]:
        """Reachability and schema revision (for /status of the action server)."""
        from bot.persistence.migrate import current_revision, head_revision
        report: Dict[str, Any] = {"dialect": self.dialect, "ok": False}
        try:
            self.ensure_schema()
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            report["revision"] = current_revision(self.engine)
            report["ok"] = report["revision"] == head_revision()
            report["last_purge"] = self.last_purge()
        except Exception as exc:
            report["error"] = error_summary(exc)
        report["last_write_error"] = self.last_error
        return report


_default: Optional[Repository] = None
_default_lock = threading.Lock()


def default_repository() -> Repository:
    """The process's repository, on BOT_DATABASE_URL (else TRACKER_URL, else var/tracker.db)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Repository.from_url(bot_database_url())
        return _default


def reset_default_repository() -> None:
    """Forget the process's repository (tests, or after the environment changed)."""
    global _default
    with _default_lock:
        if _default is not None:
            _default.engine.dispose()
        _default = None


async def run_safely(operation: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a repository call in a worker thread; log and return None if it fails."""
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(None, functools.partial(call, *args, **kwargs))
    except Exception as exc:
        log_event(logger, logging.WARNING, "bot_db.write_failed", operation=operation, error=error_summary(exc))
        return None


async def record_unanswered(text: str, decision: str, confidence: float, channel: Optional[str],
                            candidates: Iterable[str] = ()) -> None:
    await run_safely("record_unanswered", lambda: default_repository().record_unanswered(
        text, decision, confidence, channel, list(candidates)))


async def record_feedback(target: str, rating: int, channel: Optional[str]) -> Optional[int]:
    return await run_safely("record_feedback", lambda: default_repository().record_feedback(target, rating, channel))


async def set_feedback_reason(feedback_id: int, target: str, reason: str) -> Optional[bool]:
    return await run_safely("set_feedback_reason",
                            lambda: default_repository().set_feedback_reason(feedback_id, target, reason))


async def count_eligibility_check(aid: str, outcome: str, channel: Optional[str]) -> None:
    await run_safely("count_eligibility_check",
                     lambda: default_repository().count_eligibility_check(aid, outcome, channel))


async def record_referral(reason: str, topic: str, channel: Optional[str]) -> None:
    await run_safely("record_referral", lambda: default_repository().record_referral(reason, topic, channel))


def describe_url(url: str) -> str:
    """A URL for messages and health output: dialect and database, never a password."""
    from sqlalchemy.engine import make_url
    from bot.persistence.db import normalise_url
    parsed = make_url(normalise_url(url))
    if dialect_of(url) == "sqlite":
        return f"sqlite:///{parsed.database or ''}"
    return parsed.render_as_string(hide_password=True).split("?", 1)[0]
