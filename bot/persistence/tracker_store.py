"""Rasa's SQL tracker store, with redaction, pseudonymised sender ids and visible, buffered failures.

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
- **Failures are visible, not silently swallowed** by Rasa's `FailSafeTrackerStore` (which saves to
  memory and loses the turn): every failure is logged (`event=tracker_store.*`, no personal data)
  and counted in `health()`, served by the Rasa server at GET /webhooks/health.
  - A **save** that fails keeps the turn's events in a per-process buffer, in order, and a
    background task writes them as soon as the database answers again (`pending_events` in the
    health output until then). The buffered conversation continues from memory meanwhile.
  - A **read** that fails (and nothing buffered for that conversation) raises
    `TrackerStoreUnavailable`: the message is not processed on a made-up empty conversation, the
    channel tells the user the service is momentarily unavailable (bot/channels/reply_guard.py).
  - After a failure, the database is not tried again for `backoff` seconds (1 s, doubling up to 5 s)
    except by the background task, so that a hanging database does not block the event loop.
- Timeouts on every connection (bot/persistence/db.py), `pool_pre_ping` on PostgreSQL.

With several replicas, a turn buffered by one replica is written after the turns that another
replica wrote meanwhile (each turn stays whole; see docs/deployment.md).
"""

import asyncio
import itertools
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.exc import SQLAlchemyError

from bot.persistence.config import stored_reference, stored_sender_id, tracker_url
from bot.persistence.db import create_engine
from bot.persistence.logs import error_summary, log_event
from bot.persistence.redaction import redact_event

logger = logging.getLogger(__name__)

STORED_COUNT = "_stored_event_count"  # set on trackers read from the database
MAX_BACKOFF = 5.0
MAX_PENDING_EVENTS = 50_000  # beyond this, new turns are refused (the user is told) rather than buffered


class TrackerStoreUnavailable(RasaException):
    """The conversation could not be read: the message must not be processed (the user is told)."""


@dataclass
class _Pending:
    tracker: DialogueStateTracker  # the newest state of the conversation, kept in memory
    rows: List[Dict[str, Any]] = field(default_factory=list)  # serialised, redacted, in order
    since: float = field(default_factory=time.time)


@dataclass
class StoreHealth:
    status: str = "ok"
    last_error: Optional[str] = None
    last_error_at: Optional[float] = None
    last_ok_at: Optional[float] = None
    failures: int = 0
    unavailable_replies: int = 0
    flushed_events: int = 0
    dropped_turns: int = 0


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store that redacts before writing and reports and survives database outages."""

    def __init__(self, domain=None, host: Optional[Text] = None, url: Optional[Text] = None, event_broker=None,
                 backoff: float = 1.0, flush_interval: float = 1.0, **kwargs: Any) -> None:
        # SQLTrackerStore.__init__ is not called: it builds its own engine without timeouts and loops
        # forever while the database is down. What its methods need is set here.
        self.url = url or host or tracker_url()
        self.engine = create_engine(self.url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        TrackerStore.__init__(self, domain, event_broker, **kwargs)
        self.health_state = StoreHealth()
        self._pending: Dict[str, _Pending] = {}
        self._unreadable: set = set()
        self._lock = threading.RLock()
        self._flush_lock = threading.Lock()
        self._tables_ready = False
        self._base_backoff = float(backoff)
        self._backoff = float(backoff)
        self._retry_at = 0.0
        self._flush_interval = float(flush_interval)
        self._flusher: Optional[asyncio.Task] = None
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
            self._backoff = self._base_backoff
            self._retry_at = 0.0
            if not self._pending:
                self.health_state.status = "ok"
        if recovered and not self._pending:
            log_event(logger, logging.WARNING, "tracker_store.recovered", flushed_events=self.health_state.flushed_events)

    def _failed(self, error: BaseException, operation: str, stored: Optional[str] = None) -> None:
        with self._lock:
            first = self.health_state.status == "ok"
            self.health_state.status = "degraded"
            self.health_state.failures += 1
            self.health_state.last_error = error_summary(error)
            self.health_state.last_error_at = time.time()
            self._retry_at = time.monotonic() + self._backoff
            self._backoff = min(MAX_BACKOFF, self._backoff * 2)
        log_event(logger, logging.ERROR if first else logging.WARNING, "tracker_store.failed", operation=operation,
                  conversation=stored_reference(stored) if stored else None, error=self.health_state.last_error,
                  pending_events=self.pending_events())
        self._schedule_flush()

    def _circuit_open(self) -> bool:
        return time.monotonic() < self._retry_at

    def pending_events(self) -> int:
        with self._lock:
            return sum(len(p.rows) for p in self._pending.values())

    def health(self) -> Dict[str, Any]:
        """What the health endpoint shows: status, last error, what is waiting to be written."""
        with self._lock:
            state = self.health_state
            oldest = min((p.since for p in self._pending.values()), default=None)
            return {
                "status": state.status,
                "dialect": self.engine.dialect.name,
                "last_error": state.last_error,
                "last_error_at": state.last_error_at,
                "last_ok_at": state.last_ok_at,
                "failures": state.failures,
                "pending_conversations": len(self._pending),
                "pending_events": sum(len(p.rows) for p in self._pending.values()),
                "pending_since": oldest,
                "flushed_events": state.flushed_events,
                "unavailable_replies": state.unavailable_replies,
                "dropped_turns": state.dropped_turns,
            }

    def probe(self) -> bool:
        """One round trip to the database (used by the health endpoint and the background task)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            self._ensure_tables()
        except SQLAlchemyError as exc:
            self._failed(exc, "probe")
            return False
        self._succeeded()
        return True

    # --- reading ----------------------------------------------------------------------------

    async def keys(self) -> Iterable[Text]:
        """The stored conversation ids (pseudonymised ones cannot be turned back into sender ids)."""
        return await super().keys()

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        stored = stored_sender_id(sender_id)
        if stored in self._pending:
            # This replica holds unwritten turns of this conversation: write them first, else go on
            # from the buffered state (the newest one).
            if self._circuit_open() or not self._flush_one(stored):
                return self._pending_copy(stored)
        if self._circuit_open():
            self._refuse(stored, "circuit_open")
        try:
            self._ensure_tables()
            with self.session_scope() as session:
                rows = self._event_query(session, stored, fetch_events_from_all_sessions).all()
                events = [json.loads(row.data) for row in rows]
        except SQLAlchemyError as exc:
            self._failed(exc, "retrieve", stored)
            self._refuse(stored, "read_failed")
        self._succeeded()
        self._unreadable.discard(stored)
        if not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            setattr(tracker, STORED_COUNT, len(tracker.events))
        return tracker

    def _refuse(self, stored: str, reason: str) -> None:
        with self._lock:
            self._unreadable.add(stored)
            self.health_state.unavailable_replies += 1
        log_event(logger, logging.WARNING, "tracker_store.message_refused", reason=reason,
                  conversation=stored_reference(stored))
        raise TrackerStoreUnavailable("conversation momentanément illisible (base de données indisponible)")

    def _pending_copy(self, stored: str) -> DialogueStateTracker:
        with self._lock:
            tracker = self._pending[stored].tracker.copy()
        setattr(tracker, STORED_COUNT, len(tracker.events))
        return tracker

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
        if stored in self._pending:
            self._buffer(tracker, stored)
            return
        if stored in self._unreadable and not hasattr(tracker, STORED_COUNT):
            # Made up by FailSafeTrackerStore after a failed read: writing it would corrupt the real one.
            with self._lock:
                self.health_state.dropped_turns += 1
            log_event(logger, logging.ERROR, "tracker_store.turn_dropped", conversation=stored_reference(stored),
                      reason="conversation_unreadable")
            return
        if self._circuit_open():
            self._buffer(tracker, stored)
            return
        try:
            self._ensure_tables()
            with self.session_scope() as session:
                stored_count = self._event_query(session, stored, fetch_events_from_all_sessions=False).count()
                rows = self._rows(tracker, stored, stored_count)
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                    session.commit()
        except SQLAlchemyError as exc:
            self._failed(exc, "save", stored)
            self._buffer(tracker, stored)
            return
        self._succeeded()

    def _buffer(self, tracker: DialogueStateTracker, stored: str) -> None:
        """Keep the events of this turn that are not in the database, in order, for the flusher."""
        with self._lock:
            pending = self._pending.get(stored)
            if pending is None:
                start = getattr(tracker, STORED_COUNT, 0)
            else:
                start = min(getattr(tracker, STORED_COUNT, len(pending.tracker.events)), len(tracker.events))
            rows = self._rows(tracker, stored, start)
            if not rows:
                return
            if self.pending_events() + len(rows) > MAX_PENDING_EVENTS:
                self.health_state.dropped_turns += 1
                log_event(logger, logging.ERROR, "tracker_store.turn_dropped", conversation=stored_reference(stored),
                          reason="buffer_full", events=len(rows))
                return
            if pending is None:
                pending = self._pending[stored] = _Pending(tracker=tracker.copy())
            else:
                pending.tracker = tracker.copy()
            pending.rows.extend(rows)
            self.health_state.status = "degraded"
        log_event(logger, logging.WARNING, "tracker_store.buffered", conversation=stored_reference(stored),
                  events=len(rows), pending_events=self.pending_events())
        self._schedule_flush()

    def _flush_one(self, stored: str) -> bool:
        """Write one conversation's buffered events; True when nothing is left for it."""
        with self._flush_lock:  # the background task and a message of this conversation may both try
            return self._flush_one_locked(stored)

    def _flush_one_locked(self, stored: str) -> bool:
        with self._lock:
            pending = self._pending.get(stored)
            rows = list(pending.rows) if pending else []
        if not rows:
            with self._lock:
                self._pending.pop(stored, None)
            return True
        try:
            self._ensure_tables()
            with self.engine.begin() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), rows)
        except SQLAlchemyError as exc:
            self._failed(exc, "flush", stored)
            return False
        with self._lock:
            pending = self._pending.get(stored)
            if pending is not None:
                del pending.rows[:len(rows)]  # rows buffered meanwhile stay for the next round
                if not pending.rows:
                    del self._pending[stored]
            self.health_state.flushed_events += len(rows)
        log_event(logger, logging.WARNING, "tracker_store.flushed", conversation=stored_reference(stored), events=len(rows))
        self._succeeded()
        return stored not in self._pending

    def flush(self) -> bool:
        """Write everything buffered (in the order of the conversations' first failure); True if done."""
        with self._lock:
            order = sorted(self._pending, key=lambda s: self._pending[s].since)
        for stored in order:
            if not self._flush_one(stored):
                return False
        if not self._pending:
            self._succeeded()
        return True

    def _schedule_flush(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (tests, scripts): flush() is called by hand
        if self._flusher is None or self._flusher.done():
            self._flusher = loop.create_task(self._flush_loop())

    async def _flush_loop(self) -> None:
        """Until the buffer is empty and the database answers: probe, then flush, in a worker thread."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(max(self._flush_interval, self._retry_at - time.monotonic()))
            try:
                healthy = await loop.run_in_executor(None, self.probe)
                if healthy and await loop.run_in_executor(None, self.flush):
                    return
            except Exception as exc:  # never let the task die silently
                log_event(logger, logging.ERROR, "tracker_store.flusher_error", error=error_summary(exc))


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
