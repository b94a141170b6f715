"""Issue 15, item 4: the tracker database unreadable.

Before: the channels' helper (bot/channels/common.py `retrieve_tracker`) logged « Lecture de la
conversation twilio:+336… impossible » with a traceback — the sender id in clear, contrary to
docs/privacy.md — and `is_first_contact` took the unreadable conversation for a new one: the privacy
notice was sent again to a user who had it long ago.
After: a `conversation=` reference and the error class only; « unknown » (unreadable) is not « new »:
no privacy notice then (the message itself is refused, bot/channels/reply_guard.py)."""

import logging
import time
from types import SimpleNamespace

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.common import buttons_of_last_turn, is_first_contact, retrieve_tracker
from bot.persistence.config import PROJECT_ROOT, stored_sender_id
from bot.persistence.tracker_store import RedactingSQLTrackerStore, install_fail_fast

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
PHONE = "+33612345678"
SENDER = f"twilio:{PHONE}"


def app_with(store):
    agent = SimpleNamespace(tracker_store=FailSafeTrackerStore(store))
    install_fail_fast(agent)  # as the health channel does when the server starts
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))


async def test_unreadable_database_no_sender_id_in_the_logs_and_no_second_privacy_notice(tmp_path, monkeypatch,
                                                                                           caplog):
    monkeypatch.setenv("DB_TIMEOUT_SECONDS", "1")
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{path}", backoff=0.1)
    app = app_with(store)
    tracker = DialogueStateTracker(SENDER, DOMAIN.slots)
    for event in (ActionExecuted("action_listen"), UserUttered("bonjour", {"name": "salutation", "confidence": 1}),
                  ActionExecuted("action_listen")):
        tracker.update(event)
    await store.save(tracker)
    assert await is_first_contact(app, SENDER) is False  # known
    assert await is_first_contact(app, "twilio:+33698765432") is True  # new

    store.engine.dispose()
    for name in ("tracker.db", "tracker.db-wal", "tracker.db-shm"):  # the file damaged (a bad disk, a bad copy)
        if (tmp_path / name).exists():
            (tmp_path / name).write_bytes(b"not a database at all " * 200)
    caplog.set_level(logging.INFO)
    time.sleep(0.2)  # past the back-off: the database is tried
    assert await is_first_contact(app, SENDER) is False  # unknown is not new: no privacy notice again
    assert await is_first_contact(app, "twilio:+33698765432") is False  # nor to anybody while unreadable
    assert await retrieve_tracker(app, SENDER) is None
    assert await buttons_of_last_turn(app, SENDER) == []
    assert "channels.tracker_unreadable" in caplog.text
    for secret in (PHONE, SENDER, "698765432", stored_sender_id(SENDER), stored_sender_id(SENDER).split(":")[-1]):
        assert secret not in caplog.text, secret
    store.engine.dispose()
