"""The lock store: in memory for one Rasa process, Redis (with atomic tickets) for several replicas.

endpoints.yml:

    lock_store:
      type: bot.persistence.lock_store.ConfiguredLockStore
      url: ${LOCK_STORE_URL}        # "" = in memory (one process); redis://127.0.0.1:6379/1 = shared
      key_prefix: ${LOCK_STORE_PREFIX}

Rasa serialises the messages of one conversation with a ticket lock. Its `RedisLockStore` issues
tickets with a read-modify-write of one Redis key (GET, then SET) that is not atomic: two replicas
receiving messages of the same conversation at the same moment can both get ticket 0 and process
them concurrently, interleaving or losing events (RasaHQ/rasa#9213; the fix went to Rasa Pro only).
`AtomicRedisLockStore` does every read-modify-write of a lock inside a Redis transaction (WATCH /
MULTI / EXEC, retried on conflict) and gives the key a TTL, so a crashed replica never leaves a
conversation locked for longer than the ticket lifetime.

Both stores lock the conversation's **stored id** (config.stored_sender_id, the tracker store's key):
`lock()` turns the sender id into it once, so that two sender ids stored under the same conversation
can never be processed at the same time, and Redis keys and values never hold a phone number or an
e-mail address. The other methods take that id as it is.
"""

import json
import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text
from urllib.parse import urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import (DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, LOCK_LIFETIME, InMemoryLockStore, LockError,
                                  RedisLockStore)

from bot.persistence.config import stored_sender_id
from bot.persistence.logs import error_summary, log_event

logger = logging.getLogger(__name__)
KEY_TTL_MARGIN = 60  # seconds kept beyond the longest ticket


class StoredIdLocks:
    """Mixin: `lock(sender_id)` locks the conversation's stored id (what Rasa calls for each message)."""

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(stored_sender_id(conversation_id), lock_lifetime, wait_time_in_seconds) as ticket:
            yield ticket


class StoredIdInMemoryLockStore(StoredIdLocks, InMemoryLockStore):
    """Rasa's in-memory lock store (one Rasa process), keyed by stored ids."""


class AtomicRedisLockStore(StoredIdLocks, RedisLockStore):
    """Rasa's RedisLockStore with atomic ticket operations (see the module docstring)."""

    def __init__(self, url: Text, key_prefix: Optional[Text] = None,
                 socket_timeout: float = DEFAULT_SOCKET_TIMEOUT_IN_SECONDS) -> None:
        import redis

        self.red = redis.StrictRedis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
        self.key_prefix = "lock:"
        if key_prefix:
            self._set_key_prefix(key_prefix)
        self.url = url
        self._ttl = 60 + KEY_TTL_MARGIN
        super(RedisLockStore, self).__init__()

    def _key(self, conversation_id: Text) -> Text:
        return self.key_prefix + conversation_id  # already the stored id (see lock())

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        raw = self.red.get(self._key(conversation_id))
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def delete_lock(self, conversation_id: Text) -> None:
        self.red.delete(self._key(conversation_id))

    def _update(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Optional[TicketLock]]) -> Any:
        """Apply `change` to the stored lock atomically; `change` returns the lock to save or None to
        delete it. Returns what `change` put in `self._result`."""
        key = self._key(conversation_id)
        outcome = {}

        def transaction(pipe) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new = change(lock)
            outcome["value"] = getattr(change, "result", None)
            pipe.multi()
            if new is None or not new.tickets:
                pipe.delete(key)
            else:
                pipe.set(key, new.dumps(), ex=self._ttl)

        self.red.transaction(transaction, key)
        return outcome.get("value")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = 60) -> int:
        self._ttl = int(max(self._ttl, lock_lifetime + KEY_TTL_MARGIN))

        def change(lock: Optional[TicketLock]) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            change.result = lock.issue_ticket(lock_lifetime)
            return lock

        try:
            return self._update(conversation_id, change)
        except Exception as exc:
            log_event(logger, logging.ERROR, "lock_store.failed", operation="issue_ticket", error=error_summary(exc))
            raise LockError(f"Error while acquiring lock. Error:\n{error_summary(exc)}")

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._update(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._update(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # finish_serving deletes the key when no ticket is left, in the same transaction.
        self.finish_serving(conversation_id, ticket_number)

    def save_lock(self, lock: TicketLock) -> None:
        self.red.set(self._key(lock.conversation_id), lock.dumps(), ex=self._ttl)

    def ping(self) -> bool:
        return bool(self.red.ping())


class ConfiguredLockStore:
    """Factory named in endpoints.yml: Redis when a URL is configured, in memory otherwise."""

    def __new__(cls, endpoint_config: Any = None, **_: Any):
        url = (getattr(endpoint_config, "url", None) or "").strip()
        kwargs = getattr(endpoint_config, "kwargs", None) or {}
        if not url:
            return StoredIdInMemoryLockStore()
        scheme = urlsplit(url).scheme
        if scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"LOCK_STORE_URL : adresse Redis attendue (redis://hôte:port/base), reçu « {scheme} »")
        store = AtomicRedisLockStore(url, key_prefix=str(kwargs.get("key_prefix") or "") or None,
                                     socket_timeout=float(kwargs.get("socket_timeout") or DEFAULT_SOCKET_TIMEOUT_IN_SECONDS))
        store.ping()  # fail at start-up rather than on the first message
        return store


def lock_store_health(lock_store: Any) -> dict:
    if isinstance(lock_store, AtomicRedisLockStore):
        try:
            lock_store.ping()
            return {"type": "redis", "status": "ok"}
        except Exception as exc:
            return {"type": "redis", "status": "down", "error": error_summary(exc)}
    if isinstance(lock_store, InMemoryLockStore):
        return {"type": "in_memory", "status": "ok"}
    return {"type": type(lock_store).__name__, "status": "unknown"}
