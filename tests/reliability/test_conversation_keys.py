"""Issue 15, item 1 (and 5): conversation takeover across channels.

Before: the public REST channel accepted the sender id `p:twilio:<hash>` — the stored id of a Twilio
conversation, a plain SHA-256 without TRACKER_SENDER_KEY — and `stored_sender_id` returned any id
beginning with `p:` unchanged, so a REST client read and continued that conversation; the lock was
taken on the raw id, so staff and REST messages on that id were processed at the same time.
After: the stored id is an HMAC of (channel, sender) with a key that always exists (generated into
var/ when TRACKER_SENDER_KEY is not set), every sender id is mapped (none passes unchanged), and the
lock store locks the stored id."""

import asyncio
import hashlib
import json
import os
import stat
import string

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.common import RESERVED_SENDER_PREFIXES
from bot.channels.limits import REST_SENDER_ID
from bot.persistence import config
from bot.persistence.config import PROJECT_ROOT, conversation_key, stored_sender_id
from bot.persistence.lock_store import AtomicRedisLockStore, ConfiguredLockStore
from bot.persistence.tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
TWILIO = "twilio:+33612345678"
CHANNEL_IDS = [TWILIO, "telegram:123456789", "staff:agent@ccas.fr:dossier-42"]


def rest_may_send(sender: str) -> bool:
    """What the public REST channel lets through (bot/channels/public_rest.py)."""
    return bool(REST_SENDER_ID.fullmatch(sender)) and not sender.lower().startswith(RESERVED_SENDER_PREFIXES)


def tracker_with_verdict(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (ActionExecuted("action_listen"),
                  UserUttered("visale ?", {"name": "faq", "confidence": 0.9}),
                  SlotSet("aide", "visale"), ActionExecuted("action_listen")):
        tracker.update(event)
    return tracker


@pytest.mark.parametrize("sender", CHANNEL_IDS)
def test_a_stored_id_sent_on_rest_is_another_conversation(sender):
    stored = stored_sender_id(sender)
    assert rest_may_send(stored)  # the attack: REST accepts this id...
    assert stored_sender_id(stored) != stored  # ...but it is never stored under itself
    # nor under the form it had before issue 15 (plain SHA-256 of the sender id)
    legacy = f"p:{sender.split(':', 1)[0]}:{hashlib.sha256(sender.encode()).hexdigest()[:40]}"
    assert stored_sender_id(legacy) != stored_sender_id(sender)


ANY_ID = st.text(string.ascii_letters + string.digits + "._@:+=-", min_size=1, max_size=60)


@settings(max_examples=300 * int(os.environ.get("FUZZ_SCALE", "1")), deadline=None)
@given(rest=ANY_ID, channel=st.sampled_from(["twilio", "telegram", "staff"]), other=ANY_ID)
def test_no_rest_sender_id_gives_another_channels_stored_id(tally, rest, channel, other):
    tally["conversation key pairs"] += 1
    if not rest_may_send(rest):
        return
    assert stored_sender_id(rest).startswith("p:rest:")
    assert stored_sender_id(rest) != stored_sender_id(f"{channel}:{other}")
    assert stored_sender_id(rest) != conversation_key(channel, rest)


def test_the_key_exists_by_default_and_is_kept_in_var(tmp_path, monkeypatch):
    path = tmp_path / "var" / "tracker-sender-key"
    monkeypatch.delenv("TRACKER_SENDER_KEY", raising=False)
    monkeypatch.setenv("TRACKER_SENDER_KEY_FILE", str(path))
    key = config.sender_key()
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) >= 32
    assert config.sender_key() == key == path.read_text().strip().encode()
    plain = hashlib.sha256(TWILIO.encode()).hexdigest()[:40]
    assert plain not in stored_sender_id(TWILIO)  # keyed: not recomputable without the file
    monkeypatch.setenv("TRACKER_SENDER_KEY", "production-key-" + "x" * 32)
    assert config.sender_key() == b"production-key-" + b"x" * 32  # production: the environment
    assert stored_sender_id(TWILIO) != stored_sender_id(TWILIO, key)
    assert config.DEFAULT_SENDER_KEY_FILE == PROJECT_ROOT / "var" / "tracker-sender-key"


def test_make_run_passes_the_generated_key(tmp_path, monkeypatch):
    """`make run` (bot/cli/serve.py) gives the servers the key of var/, as it does the JWT secret."""
    from bot.cli import serve
    path = tmp_path / "key"
    assert serve.dev_sender_key(path) == serve.dev_sender_key(path) == path.read_text().strip()


async def test_rest_cannot_read_or_continue_a_twilio_conversation(sqlite_url):
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=sqlite_url)
    await store.save(tracker_with_verdict(TWILIO))
    assert (await store.retrieve(TWILIO)).get_slot("aide") == "visale"
    forged = stored_sender_id(TWILIO)
    assert rest_may_send(forged)
    assert await store.retrieve(forged) is None  # the REST client sees a new, empty conversation
    await store.save(tracker_with_verdict(forged))
    with store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all()
    assert len(rows) == 2 and len((await store.retrieve(TWILIO)).events) == 4  # untouched
    store.engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'tracker.db'}"


async def test_the_in_memory_lock_is_taken_on_the_stored_id():
    store = ConfiguredLockStore()
    async with store.lock(TWILIO):
        assert store.get_lock(stored_sender_id(TWILIO)) is not None
        assert store.get_lock(TWILIO) is None
        assert TWILIO not in json.dumps(list(store.conversation_locks))
    assert store.get_lock(stored_sender_id(TWILIO)) is None


async def test_one_stored_id_one_lock_whatever_the_sender_id(monkeypatch):
    """Two sender ids of one conversation (here: both mapped to one stored id) are serialised."""
    monkeypatch.setattr("bot.persistence.lock_store.stored_sender_id", lambda sender: "p:one:conversation")
    store = ConfiguredLockStore()
    inside, overlaps = [], []

    async def message(sender):
        async with store.lock(sender, wait_time_in_seconds=0.01):
            overlaps.append(len(inside))
            inside.append(sender)
            await asyncio.sleep(0.02)
            inside.remove(sender)

    await asyncio.gather(*(message(s) for s in ["staff:a@b.fr:c", "p:staff:x"] * 10))
    assert overlaps == [0] * 20


def test_redis_keys_and_values_hold_the_stored_id(redis_prefix):
    url, prefix = redis_prefix
    store = AtomicRedisLockStore(url, key_prefix=prefix)

    async def hold():
        async with store.lock(TWILIO):
            keys = [k.decode() for k in store.red.scan_iter(f"{prefix}*")]
            return keys, [store.red.get(k).decode() for k in keys]

    keys, values = asyncio.run(hold())
    assert keys == [f"{prefix}:lock:{stored_sender_id(TWILIO)}"]
    assert "3361" not in keys[0] and "3361" not in values[0]


@pytest.fixture
def redis_prefix():
    from tests.persistence.conftest import REDIS_URL
    import redis
    import uuid
    client = redis.StrictRedis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.fail(f"Redis is needed on {REDIS_URL} (TEST_REDIS_URL): {exc}")
    prefix = f"assistanttest{uuid.uuid4().hex[:10]}"
    yield REDIS_URL, prefix
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
