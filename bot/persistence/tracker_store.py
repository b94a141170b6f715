"""Rasa's SQL tracker store, with redaction, pseudonymised sender ids and visible failures.

endpoints.yml:

    tracker_store:
      type: bot.persistence.tracker_store.RedactingSQLTrackerStore
      url: ${TRACKER_URL}          # sqlite:///var/tracker.db (default) or postgresql://…

Differences with `rasa.core.tracker_store.SQLTrackerStore` (same `events` table, same queries):

- **Redaction on write** (bot/persistence/redaction.py): user texts, parse-data texts, entity values
  and metadata are redacted in the stored copy only; the tracker the running turn works with keeps
  the original text. Every conversation is stored under a keyed hash of its channel and sender id
  (config.stored_sender_id), never under an e-mail, a phone number or an id chosen by a client.
- **Start-up never hangs**: the database is tried once; if it is down the server starts anyway, says
  so in its health output, and creates the table when the database comes back (Rasa's store loops
  every 5 s before the server even listens).
- **Failures are visible, never silently swallowed** by Rasa's `FailSafeTrackerStore` (which saves to
  memory and loses the turn), and **nothing is kept in memory to be written later** (a buffer would be
  lost in a crash and, with several replicas, written after turns another replica stored meanwhile:
  reordered). Every failure is logged (`event=tracker_store.*`, no personal data) and counted in
  `health()`, served by the Rasa server at GET /webhooks/health.
  - A turn starts by reading its conversation **and checking, in the same transaction, that it could
    be written** (SQLite: `BEGIN IMMEDIATE`, the write lock; PostgreSQL: `LOCK TABLE events IN ROW
    EXCLUSIVE MODE`, what an INSERT takes; both give up after `DB_TIMEOUT_SECONDS`). When either
    fails, `TrackerStoreUnavailable` is raised: the message is not processed (neither on a made-up
    empty conversation nor from memory), the channel tells the user the service is momentarily
    unavailable (bot/channels/reply_guard.py), and the user's next message continues the
    conversation exactly where the database has it.
  - A **save** that still fails (the database lost between the read and the end of the turn, within
    one turn) raises `TrackerStoreUnavailable` too: the turn is not stored, counted as
    `unsaved_turns`, logged as `event=tracker_store.turn_not_saved` (ERROR).
  - After a failure, the database is not tried again for `backoff` seconds (1 s, doubling up to 5 s):
    messages are refused at once meanwhile, without waiting for the database.
- **Never on the event loop** (issue 15, item 7): every database call (and the redaction of what is
  written) runs in this store's own thread pool (`DB_THREADS` threads), so that a database that hangs
  or a locked SQLite file delays the conversations that wait for it, not the whole server: other
  conversations, the FAQ and distress answers of bot/channels/reply_guard.py and GET /webhooks/health
  go on meanwhile. Waits are bounded: `DB_TIMEOUT_SECONDS` for the database itself (busy timeout,
  statement and lock timeouts, bot/persistence/db.py), as long again in the pool's queue (past that
  the call is not made: the message is refused), and half a second for the lock in the health probe.
- Timeouts on every connection (bot/persistence/db.py), `pool_pre_ping` on PostgreSQL.
- No count query on each save: a tracker read from the database knows how many of its events are
  stored (`_stored_event_count`); only a tracker made elsewhere is counted.
"""

import asyncio
import itertools
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import SQLAlchemyError

from bot.persistence.config import db_timeout_seconds, stored_reference, stored_sender_id, tracker_url
from bot.persistence.db import create_engine
from bot.persistence.logs import error_summary, log_event
from bot.persistence.redaction import redact_event

logger = logging.getLogger(__name__)

STORED_COUNT = "_stored_event_count"  # set on trackers read from (or written to) the database
MAX_BACKOFF = 5.0
DB_THREADS = 8  # at most this many database calls at once (PostgreSQL's pool holds 5 + 10 connections)
PROBE_LOCK_WAIT = 0.5  # seconds the health probe waits for the write lock


class QueueTimeout(SQLAlchemyError):
    """A database call waited too long for a thread of the pool: it is not made."""


class TrackerStoreUnavailable(RasaException):
    """The conversation could not be read or written: the message is refused (the user is told)."""


@dataclass
class StoreHealth:
    status: str = "ok"
    last_error: Optional[str] = None
    last_error_at: Optional[float] = None
    last_ok_at: Optional[float] = None
    failures: int = 0
    unavailable_replies: int = 0
    unsaved_turns: int = 0
    dropped_turns: int = 0


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store that redacts before writing and reports database failures, refusing turns
    it could not store rather than keeping them in memory."""

    def __init__(self, domain=None, host: Optional[Text] = None, url: Optional[Text] = None, event_broker=None,
                 backoff: float = 1.0, **kwargs: Any) -> None:
        # SQLTrackerStore.__init__ is not called: it builds its own engine without timeouts and loops
        # forever while the database is down. What its methods need is set here.
        kwargs.pop("flush_interval", None)  # a setting of the former write buffer
        self.url = url or host or tracker_url()
        self.engine = create_engine(self.url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)
        self.health_state = StoreHealth()
        self._unreadable: set = set()
        self._lock = threading.RLock()
        self._tables_ready = False
        self._base_backoff = float(backoff)
        self._backoff = float(backoff)
        self._retry_at = 0.0
        self._timeout = db_timeout_seconds()
        self._executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="tracker-db")
        try:
            self._ensure_tables()
            self._succeeded()
        except SQLAlchemyError as exc:
            self._failed(exc, "startup")

    # --- state ------------------------------------------------------------------------------

    def _ensure_tables(self) -> None:
        if self._tables_ready:
            return
        try:
            self.Base.metadata.create_all(self.engine)
        except sa.exc.ProgrammingError:
            # Several replicas starting together may race to create the table; re-check.
            if not sa.inspect(self.engine).has_table(self.SQLEvent.__tablename__):
                raise
        try:  # for the retention purge (DELETE … WHERE timestamp < cut-off)
            with self.engine.begin() as connection:
                connection.execute(sa.text("CREATE INDEX IF NOT EXISTS events_timestamp_idx ON events (timestamp)"))
        except sa.exc.ProgrammingError:  # another replica created it at the same moment
            pass
        self._tables_ready = True

    def _succeeded(self) -> None:
        with self._lock:
            recovered = self.health_state.status != "ok"
            self.health_state.last_ok_at = time.time()
            self.health_state.status = "ok"
            self._backoff = self._base_backoff
            self._retry_at = 0.0
        if recovered:
            log_event(logger, logging.WARNING, "tracker_store.recovered", failures=self.health_state.failures)

    def _failed(self, error: BaseException, operation: str, stored: Optional[str] = None) -> None:
        with self._lock:
            first = self.health_state.status == "ok"
            self.health_state.status = "degraded"
            self.health_state.failures += 1
            self.health_state.last_error = error_summary(error)
            self.health_state.last_error_at = time.time()
            if not self._circuit_open():  # calls that were already waiting do not lengthen the back-off
                self._retry_at = time.monotonic() + self._backoff
                self._backoff = min(MAX_BACKOFF, self._backoff * 2)
        log_event(logger, logging.ERROR if first else logging.WARNING, "tracker_store.failed", operation=operation,
                  conversation=stored_reference(stored) if stored else None, error=self.health_state.last_error)

    def _circuit_open(self) -> bool:
        return time.monotonic() < self._retry_at

    def pending_events(self) -> int:
        """Always 0: nothing is kept in memory to be written later (kept for the health output)."""
        return 0

    def health(self) -> Dict[str, Any]:
        """What the health endpoint shows: status, last error, refused and unsaved turns."""
        with self._lock:
            state = self.health_state
            return {
                "status": state.status,
                "dialect": self.engine.dialect.name,
                "last_error": state.last_error,
                "last_error_at": state.last_error_at,
                "last_ok_at": state.last_ok_at,
                "failures": state.failures,
                "pending_events": 0,
                "unavailable_replies": state.unavailable_replies,
                "unsaved_turns": state.unsaved_turns,
                "dropped_turns": state.dropped_turns,
            }

    def _check_writable(self, connection: Any, wait: Optional[float] = None) -> None:
        """Take, in the current transaction, the lock a write of `events` needs (released with it);
        `wait`: at most this long for it (default: DB_TIMEOUT_SECONDS)."""
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            if wait is not None:
                connection.execute(sa.text(f"PRAGMA busy_timeout = {int(wait * 1000)}"))
            try:
                connection.execute(sa.text("BEGIN IMMEDIATE"))
            finally:
                if wait is not None:  # the pooled connection keeps its usual busy timeout
                    connection.execute(sa.text(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}"))
        elif dialect == "postgresql":
            if wait is not None:  # for this transaction only
                connection.execute(sa.text(f"SET LOCAL lock_timeout = {int(wait * 1000)}"))
            connection.execute(sa.text(f"LOCK TABLE {self.SQLEvent.__tablename__} IN ROW EXCLUSIVE MODE"))

    def probe(self) -> bool:
        """One round trip to the database, writability included (the health endpoint, from a worker
        thread): it waits at most PROBE_LOCK_WAIT for a lock, so that health answers during one."""
        try:
            self._ensure_tables()
            with self.session_scope() as session:
                self._check_writable(session, wait=min(PROBE_LOCK_WAIT, self._timeout))
                session.execute(sa.text("SELECT 1"))
                session.rollback()
        except SQLAlchemyError as exc:
            self._failed(exc, "probe")
            return False
        self._succeeded()
        return True

    async def _in_thread(self, function: Any, *args: Any) -> Any:
        """Run `function(*args, deadline=…)` in the store's thread pool; `deadline`: past it, the
        function must not start its database work (it raises QueueTimeout)."""
        deadline = time.monotonic() + self._timeout
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: function(*args, deadline=deadline))

    @staticmethod
    def _check_queue(deadline: Optional[float]) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise QueueTimeout("attente d'un fil de la base de données trop longue")

    # --- reading ----------------------------------------------------------------------------

    async def keys(self) -> Iterable[Text]:
        """The stored conversation ids (pseudonymised ones cannot be turned back into sender ids)."""
        def stored_ids(deadline: Optional[float] = None) -> List[Text]:
            self._check_queue(deadline)
            with self.session_scope() as session:
                return [sender_id for (sender_id,) in session.query(self.SQLEvent.sender_id).distinct().all()]
        return await self._in_thread(stored_ids)

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        stored = stored_sender_id(sender_id)
        if self._circuit_open():
            self._refuse(stored, "circuit_open")
        # The latest session is what a turn reads before it writes: check it could be written too.
        events = await self._in_thread(self._read, stored, fetch_events_from_all_sessions,
                                       not fetch_events_from_all_sessions)
        if not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_COUNT, len(tracker.events))
        return tracker

    def _read(self, stored: str, full: bool, check_writable: bool,
              deadline: Optional[float] = None) -> List[Dict[str, Any]]:
        operation = "retrieve"
        try:
            self._check_queue(deadline)
            self._ensure_tables()
            with self.session_scope() as session:
                if check_writable:
                    operation = "write_check"
                    self._check_writable(session)
                    operation = "retrieve"
                # The `data` column only (Rasa's same query, ordered by id): no ORM object per event.
                rows = self._event_query(session, stored, full).with_entities(self.SQLEvent.data).all()
                events = [json.loads(data) for (data,) in rows]
                session.rollback()  # releases the write lock at once
        except SQLAlchemyError as exc:
            self._failed(exc, operation, stored)
            self._refuse(stored, "write_locked" if operation == "write_check" else "read_failed")
        self._succeeded()
        with self._lock:
            self._unreadable.discard(stored)
        return events

    def _refuse(self, stored: str, reason: str) -> None:
        with self._lock:
            self._unreadable.add(stored)
            self.health_state.unavailable_replies += 1
        log_event(logger, logging.WARNING, "tracker_store.message_refused", reason=reason,
                  conversation=stored_reference(stored))
        raise TrackerStoreUnavailable("conversation momentanément indisponible (base de données)")

    # --- writing ----------------------------------------------------------------------------

    def _rows(self, tracker: DialogueStateTracker, stored: str, start: int) -> List[Dict[str, Any]]:
        rows = []
        for event in itertools.islice(tracker.events, start, len(tracker.events)):
            data = redact_event(event.as_dict())
            rows.append({
                "sender_id": stored,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            })
        return rows

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        stored = stored_sender_id(tracker.sender_id)
        with self._lock:
            made_up = stored in self._unreadable and not hasattr(tracker, STORED_COUNT)
        if made_up:
            # Made up by FailSafeTrackerStore after a failed read: writing it would corrupt the real one.
            with self._lock:
                self.health_state.dropped_turns += 1
            log_event(logger, logging.ERROR, "tracker_store.turn_dropped", conversation=stored_reference(stored),
                      reason="conversation_unreadable")
            return
        if self._circuit_open():
            self._not_saved(stored, "circuit_open", tracker)
        written = await self._in_thread(self._write, tracker, stored, getattr(tracker, STORED_COUNT, None))
        setattr(tracker, STORED_COUNT, written)

    def _write(self, tracker: DialogueStateTracker, stored: str, start: Optional[int],
               deadline: Optional[float] = None) -> int:
        """Insert the events of `tracker` from `start` on (counted when unknown); the number stored.
        Runs in a worker thread: the turn's tracker is not changed by Rasa meanwhile (it awaits this)."""
        try:
            self._check_queue(deadline)
            self._ensure_tables()
            with self.session_scope() as session:
                if start is None:  # a tracker not read from the database (a new conversation)
                    start = self._event_query(session, stored, fetch_events_from_all_sessions=False).count()
                rows = self._rows(tracker, stored, start)
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                    session.commit()
        except SQLAlchemyError as exc:
            self._failed(exc, "save", stored)
            self._not_saved(stored, "write_failed", tracker)
        self._succeeded()
        return len(tracker.events)

    def _not_saved(self, stored: str, reason: str, tracker: DialogueStateTracker) -> None:
        with self._lock:
            self.health_state.unsaved_turns += 1
        log_event(logger, logging.ERROR, "tracker_store.turn_not_saved", conversation=stored_reference(stored),
                  reason=reason)
        raise TrackerStoreUnavailable("tour non enregistré (base de données indisponible)")


def find_store(agent_or_app: Any) -> Optional[RedactingSQLTrackerStore]:
    """Our store behind Rasa's wrappers, from a Sanic app or an Agent (None if not configured)."""
    agent = getattr(getattr(agent_or_app, "ctx", None), "agent", None) or agent_or_app
    store = getattr(agent, "tracker_store", None)
    for _ in range(3):
        if isinstance(store, RedactingSQLTrackerStore):
            return store
        store = getattr(store, "_tracker_store", None)
    return None


def install_fail_fast(agent_or_app: Any) -> bool:
    """Make Rasa's FailSafeTrackerStore let `TrackerStoreUnavailable` through (instead of silently
    starting an empty conversation in memory). Idempotent; True when installed."""
    agent = getattr(getattr(agent_or_app, "ctx", None), "agent", None) or agent_or_app
    wrapper = getattr(agent, "tracker_store", None)
    if not isinstance(wrapper, FailSafeTrackerStore) or find_store(agent) is None:
        return False
    if getattr(wrapper, "_fail_fast_installed", False):
        return True

    def on_error(error: Exception) -> None:
        if isinstance(error, TrackerStoreUnavailable):
            raise error
        log_event(logger, logging.ERROR, "tracker_store.unexpected_error", error=error_summary(error))

    wrapper._on_tracker_store_error = on_error
    wrapper._fail_fast_installed = True
    return True
