"""The lock store (bot/persistence/lock_store.py): in memory without a URL, Redis with atomic tickets."""

import asyncio
import threading

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.persistence.lock_store import AtomicRedisLockStore, ConfiguredLockStore, lock_store_health


def test_no_url_means_in_memory():
    assert isinstance(ConfiguredLockStore(EndpointConfig(url="")), InMemoryLockStore)
    assert isinstance(ConfiguredLockStore(None), InMemoryLockStore)
    with pytest.raises(ValueError):
        ConfiguredLockStore(EndpointConfig(url="http://127.0.0.1:6379"))


def test_tickets_are_unique_across_instances_and_threads(redis_prefix):
    url, prefix = redis_prefix
    stores = [ConfiguredLockStore(EndpointConfig(url=url, key_prefix=prefix)) for _ in range(2)]
    assert all(isinstance(s, AtomicRedisLockStore) for s in stores)
    tickets, errors = [], []

    def take(store):
        try:
            for _ in range(20):
                tickets.append(store.issue_ticket("conversation", 60))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(stores[i % 2],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(tickets) == list(range(120))  # no ticket given twice (Rasa's RedisLockStore: #9213)
    assert stores[0].red.ttl(stores[0]._key("conversation")) > 0  # never left locked forever
    for number in range(120):
        stores[number % 2].cleanup("conversation", number)
    assert stores[0].get_lock("conversation") is None
    assert lock_store_health(stores[0]) == {"type": "redis", "status": "ok"}


async def test_messages_of_one_conversation_are_processed_one_at_a_time(redis_prefix):
    url, prefix = redis_prefix
    replicas = [ConfiguredLockStore(EndpointConfig(url=url, key_prefix=prefix)) for _ in range(2)]
    inside, overlaps, order = [0], [], []

    async def handle(index):
        async with replicas[index % 2].lock("conversation", wait_time_in_seconds=0.02):
            inside[0] += 1
            overlaps.append(inside[0])
            order.append(index)
            await asyncio.sleep(0.05)
            inside[0] -= 1

    await asyncio.gather(*(handle(i) for i in range(8)))
    assert max(overlaps) == 1 and sorted(order) == list(range(8))
    assert replicas[0].get_lock("conversation") is None


def test_unreachable_redis_fails_at_start_up():
    with pytest.raises(Exception):
        ConfiguredLockStore(EndpointConfig(url="redis://127.0.0.1:9/0", socket_timeout=1))
