"""Retention (bot/persistence/retention.py, `make purge`): old conversations and personal-data rows
are deleted, aggregated counts are kept; one conversation can be erased at once."""

import datetime as dt
import json
import os
import subprocess
import sys
import time

import sqlalchemy as sa

from bot.persistence import models
from bot.persistence.config import PROJECT_ROOT, stored_sender_id
from bot.persistence.db import create_engine
from bot.persistence.repository import Repository
from bot.persistence.retention import forget, purge

DAY = 86400


def add_events(engine, sender, ages_in_days, now=None):
    now = now or time.time()
    models.rasa_metadata.create_all(engine)
    with engine.begin() as connection:
        for age in ages_in_days:
            connection.execute(models.events.insert().values(
                sender_id=sender, type_name="user", timestamp=now - age * DAY, intent_name="faq",
                data=json.dumps({"event": "user", "text": "bonjour"})))


def senders(engine):
    with engine.connect() as connection:
        return sorted(r[0] for r in connection.execute(sa.select(models.events.c.sender_id)))


def test_purge_deletes_what_is_older_than_the_period_and_keeps_counts(database_url):
    repository = Repository.from_url(database_url)
    engine = repository.engine
    now = dt.datetime.now(dt.timezone.utc)
    add_events(engine, "ancienne", [45, 40])
    add_events(engine, "recente", [2, 0])
    add_events(engine, "longue", [35, 1])  # a conversation still in use keeps its recent events only
    repository.record_unanswered("vieille question", "fallback", 0.1, "rest", now=now - dt.timedelta(days=31))
    repository.record_unanswered("question récente", "clarify", 0.3, "rest", now=now - dt.timedelta(days=29))
    repository.count_eligibility_check("visale", "eligible", "rest", day=(now - dt.timedelta(days=60)).date())
    repository.record_feedback("visale_couple", -1, "rest", now=now - dt.timedelta(days=90))
    repository.record_referral("detresse", "sans_abri", "rest", now=now - dt.timedelta(days=90))

    result = purge(engine, repository, 30, now=now)

    assert (result.events_deleted, result.questions_deleted) == (3, 1)
    assert senders(engine) == ["longue", "recente", "recente"]
    assert [r["text"] for r in repository.unanswered()] == ["question récente"]
    assert repository.eligibility_counts() == [{"aid": "visale", "outcome": "eligible", "count": 1}]
    assert len(repository.feedback_rows()) == 1 and repository.referral_counts()[0]["count"] == 1
    with engine.connect() as connection:  # the daily count of the purged question stays
        assert connection.execute(sa.text("SELECT SUM(count) FROM bot_unanswered_daily")).scalar() == 2
    assert repository.last_purge()["events_deleted"] == 3
    assert purge(engine, repository, 30, now=now).events_deleted == 0  # idempotent
    engine.dispose()


def test_purge_without_conversations_table(sqlite_url):
    repository = Repository.from_url(sqlite_url)
    assert purge(repository.engine, repository, 30).events_deleted == 0


def test_forget_erases_one_conversation_stored_under_its_pseudonym(sqlite_url):
    engine = create_engine(sqlite_url)
    add_events(engine, stored_sender_id("twilio:+33612345678"), [0, 0])
    add_events(engine, "autre", [0])
    assert forget(engine, "twilio:+33612345678") == 2
    assert senders(engine) == ["autre"]


def test_make_purge_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    add_events(engine, "vieille", [12])
    add_events(engine, "neuve", [1])
    env = {**os.environ, "TRACKER_URL": url, "RETENTION_DAYS": "10", "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("BOT_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "bot.cli.purge"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"events_deleted": 1' in done.stdout and "10 jours" in done.stdout
    assert senders(engine) == ["neuve"]
    done = subprocess.run([sys.executable, "-m", "bot.cli.purge", "--forget", "neuve"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and senders(engine) == []
    engine.dispose()


def test_forget_after_a_key_change_finds_the_rows_stored_under_the_previous_key(sqlite_url, monkeypatch):
    """Issue 15, item 5: `--forget` with TRACKER_SENDER_KEY_PREVIOUS also erases what was stored under
    the old key, and the forms used before issue 15 (the REST id itself, a plain SHA-256)."""
    import hashlib

    old, new = "old-key-" + "o" * 40, "new-key-" + "n" * 40
    engine = create_engine(sqlite_url)
    sender = "twilio:+33612345678"
    add_events(engine, stored_sender_id(sender, old.encode()), [0, 0])
    add_events(engine, stored_sender_id(sender, new.encode()), [0])
    add_events(engine, "p:twilio:" + hashlib.sha256(sender.encode()).hexdigest()[:40], [3])  # before issue 15
    add_events(engine, "session-42", [0])  # a REST id as it was stored before issue 15
    add_events(engine, stored_sender_id("twilio:+33699999999", old.encode()), [0])  # someone else
    monkeypatch.setenv("TRACKER_SENDER_KEY", new)
    monkeypatch.setenv("TRACKER_SENDER_KEY_PREVIOUS", old)
    assert forget(engine, sender) == 4
    assert forget(engine, "session-42") == 1
    assert senders(engine) == [stored_sender_id("twilio:+33699999999", old.encode())]
    monkeypatch.delenv("TRACKER_SENDER_KEY_PREVIOUS")
    add_events(engine, stored_sender_id(sender, old.encode()), [0])
    assert forget(engine, sender) == 0  # without the previous key, its rows cannot be found
    engine.dispose()


def test_make_purge_forget_uses_the_servers_key(tmp_path):
    """The command computes the stored id with the same key as the servers (TRACKER_SENDER_KEY)."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    key = "k" * 48
    add_events(engine, stored_sender_id("staff:agent@ccas.fr:c1", key.encode()), [0, 0])
    env = {**os.environ, "TRACKER_URL": url, "TRACKER_SENDER_KEY": key, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot.cli.purge", "--forget", "staff:agent@ccas.fr:c1"], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 événement(s)" in done.stdout and senders(engine) == []
    engine.dispose()
