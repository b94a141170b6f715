"""The tracker store (bot/persistence/tracker_store.py) in process, on SQLite and PostgreSQL:
redaction on write only, pseudonymised sender ids, and database failures that are visible,
buffered, caught up, or refused (never a made-up empty conversation)."""

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
    return RedactingSQLTrackerStore(domain=DOMAIN, host=url, backoff=0.2, flush_interval=0.2)


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


async def test_a_failed_save_is_buffered_logged_and_caught_up(store_url, caplog):
    store = make_store(store_url)
    if store.engine.dialect.name == "sqlite":
        store.engine.dispose()  # the outage switches the file to a rollback journal: no open WAL connection
    tracker = new_tracker("conversation-a")
    turn(tracker, "bonjour")
    await store.save(tracker)
    tracker = await store.retrieve("conversation-a")
    other = new_tracker("conversation-b")
    turn(other, "merci")
    await store.save(other)
    caplog.set_level(logging.WARNING)
    with outage(store_url):
        turn(tracker, "visale pour un couple ?", "la réponse visale")
        await store.save(tracker)  # does not raise: the turn is kept in memory
        health = store.health()
        assert health["status"] == "degraded" and health["pending_events"] == 4
        assert health["pending_conversations"] == 1 and health["last_error"]
        assert "event=tracker_store.failed" in caplog.text and "event=tracker_store.buffered" in caplog.text
        assert "visale pour un couple" not in caplog.text and "conversation-a" not in caplog.text
        # The conversation goes on from the buffered state...
        await asyncio.sleep(0.3)
        buffered = await store.retrieve("conversation-a")
        assert buffered.latest_message.text == "visale pour un couple ?"
        turn(buffered, "et loca pass ?")
        await store.save(buffered)
        assert store.health()["pending_events"] == 8
        # ...but a conversation that cannot be read is refused, not restarted empty.
        await asyncio.sleep(0.3)
        with pytest.raises(TrackerStoreUnavailable):
            await store.retrieve("conversation-b")
    deadline = time.monotonic() + 15
    while store.health()["pending_events"] and time.monotonic() < deadline:
        store.flush()
        await asyncio.sleep(0.2)
    health = store.health()
    assert health["status"] == "ok" and health["pending_events"] == 0 and health["flushed_events"] == 8
    texts = [json.loads(r[1]).get("text") for r in stored_rows(store.engine, "conversation-a") if r[0] == "user"]
    assert texts == ["bonjour", "visale pour un couple ?", "et loca pass ?"]  # nothing lost, in order
    assert (await store.retrieve("conversation-b")).latest_message.text == "merci"
    assert "event=tracker_store.flushed" in caplog.text
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
