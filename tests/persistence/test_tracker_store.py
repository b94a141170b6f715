"""The tracker store (bot/persistence/tracker_store.py) in process, on SQLite and PostgreSQL:
redaction on write only, pseudonymised sender ids, and database failures that are visible and
refused (never a made-up empty conversation, never a turn kept in memory to be written later)."""

import asyncio
import contextlib
import json
import logging
import time

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.persistence.config import PROJECT_ROOT, stored_sender_id
from bot.persistence.tracker_store import (RedactingSQLTrackerStore, TrackerStoreUnavailable, find_store,
                                           install_fail_fast)

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def user(text, intent="faq"):
    return UserUttered(text, {"name": intent, "confidence": 0.9},
                       parse_data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []})


def turn(tracker, text, answer="réponse"):
    for event in (user(text), ActionExecuted("action_answer_knowledge"), BotUttered(answer),
                  ActionExecuted("action_listen")):
        tracker.update(event)


def new_tracker(sender):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    return tracker


def stored_rows(engine, sender):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": stored_sender_id(sender)}).all()


@pytest.fixture
def store_url(database_url, monkeypatch):
    monkeypatch.setenv("DB_TIMEOUT_SECONDS", "1")
    return database_url


def make_store(url):
    return RedactingSQLTrackerStore(domain=DOMAIN, host=url, backoff=0.2)


async def test_stored_copy_is_redacted_and_the_live_tracker_is_not(store_url):
    store = make_store(store_url)
    tracker = new_tracker("twilio:+33612345678")
    turn(tracker, "mon mail est jean.dupont@gmail.com, et visale pour un couple ?")
    tracker.update(SlotSet("aide", "visale"))
    await store.save(tracker)
    assert tracker.latest_message.text.startswith("mon mail est jean.dupont@gmail.com")  # live: original
    rows = stored_rows(store.engine, "twilio:+33612345678")
    assert [r[0] for r in rows] == ["action", "user", "action", "bot", "action", "slot"]
    stored = json.loads(rows[1][1])
    assert stored["text"] == stored["parse_data"]["text"] == "mon mail est [courriel], et visale pour un couple ?"
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE sender_id LIKE '%3361%'")).scalar() == 0
    again = await store.retrieve("twilio:+33612345678")
    assert again.sender_id == "twilio:+33612345678" and again.get_slot("aide") == "visale"
    assert again.latest_message.text == "mon mail est [courriel], et visale pour un couple ?"
    turn(again, "et pour un étudiant ? 06 12 34 56 78")
    await store.save(again)  # only the new events are written
    rows = stored_rows(store.engine, "twilio:+33612345678")
    assert len(rows) == 10 and "06 12" not in rows[-4][1]
    assert store.health()["status"] == "ok"
    store.engine.dispose()


def test_start_up_with_the_database_down_does_not_hang(monkeypatch):
    monkeypatch.setenv("DB_TIMEOUT_SECONDS", "1")
    started = time.monotonic()
    store = RedactingSQLTrackerStore(domain=DOMAIN, host="postgresql://postgres@127.0.0.1:9/test")
    assert time.monotonic() - started < 10
    health = store.health()
    assert health["status"] == "degraded" and "OperationalError" in health["last_error"]


@contextlib.contextmanager
def outage(url):
    """The `events` table is locked by another connection: every read and write of the store times
    out (PostgreSQL: LOCK TABLE; SQLite: an exclusive transaction, in rollback-journal mode so that
    readers are blocked too)."""
    engine = sa.create_engine(url)
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        transaction = connection.begin()
        connection.execute(sa.text("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"))
    else:
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
        transaction = None
    try:
        yield
    finally:
        if transaction is not None:
            transaction.rollback()
        else:
            connection.exec_driver_sql("ROLLBACK")
        connection.close()
        engine.dispose()


@contextlib.contextmanager
def write_lock(url):
    """Another connection holds the write lock of `events`, readers go on (SQLite: `BEGIN IMMEDIATE`
    in WAL mode, as a long purge or a backup; PostgreSQL: LOCK TABLE … IN EXCLUSIVE MODE)."""
    engine = sa.create_engine(url)
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        transaction = connection.begin()
        connection.execute(sa.text("LOCK TABLE events IN EXCLUSIVE MODE"))
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        transaction = None
    try:
        yield
    finally:
        if transaction is not None:
            transaction.rollback()
        else:
            connection.exec_driver_sql("ROLLBACK")
        connection.close()
        engine.dispose()


def user_texts(engine, sender):
    return [json.loads(r[1]).get("text") for r in stored_rows(engine, sender) if r[0] == "user"]


async def test_a_turn_that_cannot_be_written_is_refused_and_never_kept_in_memory(store_url, caplog):
    """Issue 15, item 8. Before: a failed save went to an in-memory buffer (lost in a crash), the
    conversation went on from it, and a background task wrote it later."""
    store = make_store(store_url)
    if store.engine.dialect.name == "sqlite":
        store.engine.dispose()  # the outage switches the file to a rollback journal: no open WAL connection
    tracker = new_tracker("conversation-a")
    turn(tracker, "bonjour")
    await store.save(tracker)
    tracker = await store.retrieve("conversation-a")
    caplog.set_level(logging.WARNING)
    with outage(store_url):
        turn(tracker, "visale pour un couple ?", "la réponse visale")
        with pytest.raises(TrackerStoreUnavailable):
            await store.save(tracker)  # refused: not buffered
        health = store.health()
        assert health["status"] == "degraded" and health["last_error"] and health["unsaved_turns"] == 1
        assert health["pending_events"] == 0
        assert "event=tracker_store.failed" in caplog.text and "event=tracker_store.turn_not_saved" in caplog.text
        assert "visale pour un couple" not in caplog.text and "conversation-a" not in caplog.text
        await asyncio.sleep(0.3)
        with pytest.raises(TrackerStoreUnavailable):  # not continued from memory either
            await store.retrieve("conversation-a")
    await asyncio.sleep(0.5)
    again = await store.retrieve("conversation-a")  # exactly what the database holds
    assert again.latest_message.text == "bonjour"
    assert store.health()["status"] == "ok"
    assert user_texts(store.engine, "conversation-a") == ["bonjour"]
    store.engine.dispose()


async def test_a_write_lock_refuses_the_turn_before_it_is_processed(store_url):
    """Reads work but writes wait (a purge, a backup, LOCK TABLE): the turn is refused when its
    conversation is read, before any reply is made, not after it was answered."""
    store = make_store(store_url)
    tracker = new_tracker("conversation-w")
    turn(tracker, "bonjour")
    await store.save(tracker)
    with write_lock(store_url):
        started = time.monotonic()
        with pytest.raises(TrackerStoreUnavailable):
            await store.retrieve("conversation-w")
        assert time.monotonic() - started < 5  # DB_TIMEOUT_SECONDS=1
        assert store.health()["unavailable_replies"] == 1
        assert not store.probe() and store.health()["status"] == "degraded"  # health sees it
        # Reading only (the channels' helpers: first contact, buttons) still works.
        await asyncio.sleep(0.5)
        assert (await store.retrieve_full_tracker("conversation-w")).latest_message.text == "bonjour"
    await asyncio.sleep(0.5)
    assert (await store.retrieve("conversation-w")).latest_message.text == "bonjour"
    assert store.probe() and store.health()["status"] == "ok"
    store.engine.dispose()


async def test_two_replicas_never_reorder_turns(store_url):
    """Issue 15, item 8. Before: replica A buffered turn 2 during a write lock, replica B stored turn
    3 once it was gone, then A's background task wrote turn 2: stored order 1, 3, 2."""
    replica_a, replica_b = make_store(store_url), make_store(store_url)
    tracker = new_tracker("conversation-r")
    turn(tracker, "tour 1")
    await replica_a.save(tracker)
    on_a = await replica_a.retrieve("conversation-r")
    with write_lock(store_url):
        turn(on_a, "tour 2")
        with pytest.raises(TrackerStoreUnavailable):
            await replica_a.save(on_a)
    await asyncio.sleep(0.5)
    on_b = await replica_b.retrieve("conversation-r")
    turn(on_b, "tour 3")
    await replica_b.save(on_b)
    await asyncio.sleep(1.5)  # whatever replica A might still hold would be written by now
    assert (await replica_a.retrieve("conversation-r")).latest_message.text == "tour 3"
    assert user_texts(replica_a.engine, "conversation-r") == ["tour 1", "tour 3"]
    replica_a.engine.dispose()
    replica_b.engine.dispose()


async def test_no_count_query_when_saving_a_tracker_read_from_the_database(store_url):
    """Issue 19's profile: a count query on each save. A tracker read from the database knows how
    many of its events are stored; the save writes the new ones only, without counting."""
    store = make_store(store_url)
    tracker = new_tracker("conversation-c")
    turn(tracker, "bonjour")
    await store.save(tracker)  # a new conversation: counted once
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    tracker = await store.retrieve("conversation-c")
    turn(tracker, "visale ?")
    await store.save(tracker)
    turn(tracker, "et loca pass ?")  # the same tracker saved again (Rasa does it in some paths)
    await store.save(tracker)
    sa.event.remove(store.engine, "before_cursor_execute", record)
    assert not [s for s in statements if "count(" in s.lower()], statements
    assert user_texts(store.engine, "conversation-c") == ["bonjour", "visale ?", "et loca pass ?"]
    assert len(stored_rows(store.engine, "conversation-c")) == 13
    store.engine.dispose()


async def test_rasa_failsafe_lets_the_refusal_through(store_url):
    store = make_store(store_url)
    tracker = new_tracker("someone")
    turn(tracker, "bonjour")
    await store.save(tracker)

    class Agent:
        tracker_store = FailSafeTrackerStore(store)

    agent = Agent()
    assert find_store(agent) is store
    assert install_fail_fast(agent) and install_fail_fast(agent)  # idempotent
    store._retry_at = time.monotonic() + 60  # as after a failure: the database is not tried
    with pytest.raises(TrackerStoreUnavailable):
        await agent.tracker_store.get_or_create_tracker("someone")
    # Without the hook, Rasa would have gone on with a new, empty conversation:
    plain = FailSafeTrackerStore(store)
    assert (await plain.get_or_create_tracker("someone")).latest_message.text is None
    store.engine.dispose()


async def test_a_locked_database_does_not_block_the_event_loop(store_url):
    """Issue 15, item 7. Before: the store's database calls ran on the event loop, so a lock (here
    held for longer than DB_TIMEOUT_SECONDS=1) froze everything for as long as each call waited: the
    other conversations, the health route. Now they wait in the store's threads, each at most
    DB_TIMEOUT_SECONDS, concurrently; the loop goes on; the health probe waits half a second."""
    store = make_store(store_url)
    for sender in ("locked-a", "locked-b", "locked-c"):
        tracker = new_tracker(sender)
        turn(tracker, "bonjour")
        await store.save(tracker)
    lags = []

    async def ticker(stop):
        while not stop.is_set():
            before = time.monotonic()
            await asyncio.sleep(0.02)
            lags.append(time.monotonic() - before - 0.02)

    with write_lock(store_url):
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(stop))
        started = time.monotonic()
        results = await asyncio.gather(*(store.retrieve(s) for s in ("locked-a", "locked-b", "locked-c")),
                                       return_exceptions=True)
        elapsed = time.monotonic() - started
        probe_started = time.monotonic()
        healthy = await asyncio.get_running_loop().run_in_executor(None, store.probe)
        probe_time = time.monotonic() - probe_started
        stop.set()
        await ticking
    assert all(isinstance(r, TrackerStoreUnavailable) for r in results), results  # each refused...
    assert elapsed < 2.5, elapsed  # ...after its own bounded wait, the three at once (not 3 × 1 s)
    assert max(lags) < 0.3, max(lags)  # the event loop never waited for the database
    assert not healthy and probe_time < 1.5, probe_time
    await asyncio.sleep(1.2)  # past the back-off
    assert (await store.retrieve("locked-b")).latest_message.text == "bonjour"
    store.engine.dispose()
