"""Issue 15, item 10: a 20 MB file in knowledge/ stalled every message for 10 s.

Before: the store read and parsed any file, however large, inside `current()`, on the event loop
of the action server (and of the Rasa server for the dialogue texts): while a 20 MB file was parsed,
no message of anybody was answered, and a file still being copied was parsed again at each change.
After: a file over `KNOWLEDGE_MAX_FILE_BYTES` (2 Mo) is refused unread, with a French error naming
it, and the last valid content is served; a reload runs in the store's own thread (`refresh`, called
by both servers before each request), and `current()` on the event loop never reads the files while
a version is served."""

import asyncio
import os
import shutil
import time
import uuid

import pytest
import requests

from bot.knowledge import KnowledgeStore, load_knowledge
from bot.knowledge import store as store_module
from bot.knowledge.loader import read_tree
from tests.conftest import PROJECT_ROOT, Conversation, flat

FAQ = "visale pour un couple ?"
MAX_FILE_BYTES = 2 * 1024 * 1024  # the documented default


def huge_yaml(megabytes: int) -> str:
    """Valid YAML (comments only), `megabytes` MB of it."""
    line = "# " + "x" * 97 + "\n"
    return line * (megabytes * 1024 * 1024 // len(line))


@pytest.fixture
def knowledge(tmp_path):
    root = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", root)
    return root


def touch_later(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_file_over_the_limit_is_refused_unread_with_its_name_and_the_last_version_served(knowledge, tmp_path):
    store = KnowledgeStore(knowledge, tmp_path / "snapshot.json")
    served = store.current()
    big = knowledge / "faq" / "enorme.yml"
    big.write_text(huge_yaml(20), encoding="utf-8")
    start = time.monotonic()
    assert store.current() is served  # the last valid content
    assert time.monotonic() - start < 1.0, "the 20 MB file was read and parsed"
    [error] = store.status.errors
    assert "faq/enorme.yml" in str(error) and "trop volumineux" in str(error) and "2 Mo au plus" in str(error)
    assert store.status.entries == len(served.entries) and store.status.as_dict()["valid"] is False
    with pytest.raises(Exception) as refused:  # `make validate` and bot/rules read the tree the same way
        read_tree(knowledge)
    assert "enorme.yml" in str(refused.value) and "20 Mo" in str(refused.value)

    big.unlink()
    visale = knowledge / "faq" / "visale.yml"  # a real file made larger, under the limit: accepted
    visale.write_text(visale.read_text(encoding="utf-8") + huge_yaml(1), encoding="utf-8")
    assert 1024 * 1024 < visale.stat().st_size < MAX_FILE_BYTES
    store.current()
    assert store.status.errors == [] and store.status.entries == len(served.entries)


def test_the_limit_is_configurable(knowledge, tmp_path, monkeypatch):
    monkeypatch.setenv("KNOWLEDGE_MAX_FILE_BYTES", "1000")
    store = KnowledgeStore(knowledge, tmp_path / "snapshot.json")
    with pytest.raises(Exception) as refused:
        store.current()  # every real file is larger: nothing valid, each named
    assert "dialogue.yml" in str(refused.value) and "detresse.yml" in str(refused.value)


async def test_a_reload_does_not_hold_the_event_loop(knowledge, tmp_path, monkeypatch):
    store = KnowledgeStore(knowledge, tmp_path / "snapshot.json")
    served = store.current()
    real_load = store_module.load_files

    def slow_load(*args, **kwargs):  # a large (but allowed) file: 1.5 s to parse
        time.sleep(1.5)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(store_module, "load_files", slow_load)
    dialogue = knowledge / "dialogue.yml"
    dialogue.write_text(dialogue.read_text(encoding="utf-8").replace("Information :", "Information modifiée :"),
                        encoding="utf-8")
    touch_later(dialogue)

    lags = []

    async def ticker():
        for _ in range(30):
            before = time.monotonic()
            await asyncio.sleep(0.05)
            lags.append(time.monotonic() - before - 0.05)

    ticking = asyncio.ensure_future(ticker())
    await asyncio.sleep(0.1)
    start = time.monotonic()
    assert store.current() is served  # on the loop, a version served: no reading here
    assert time.monotonic() - start < 0.2
    await store.refresh()  # waits for the reload, the loop free meanwhile
    assert store.current() is not served and "Information modifiée" in store.current().messages.privacy
    await ticking
    assert max(lags) < 0.3, f"the event loop was held {max(lags):.2f} s"


def test_a_20_mb_file_neither_stalls_the_servers_nor_changes_the_answers(stack):
    conversation = Conversation(stack, f"bigfile-{uuid.uuid4().hex[:8]}")
    expected = conversation.text(FAQ)
    big = stack.knowledge_dir / "faq" / "zz-enorme.yml"
    try:
        big.write_text(huge_yaml(20), encoding="utf-8")
        for _ in range(3):
            start = time.monotonic()
            assert Conversation(stack).text(FAQ) == expected
            assert time.monotonic() - start < 5.0
        status = requests.get(f"{stack.action_url}/knowledge/status", timeout=10).json()
        assert status["valid"] is False and status["entries"] > 0
        assert any("zz-enorme.yml" in e and "trop volumineux" in e for e in status["errors"]), status["errors"]
        health = requests.get(f"{stack.rasa_url}/webhooks/health", timeout=10).json()["knowledge"]
        assert any("zz-enorme.yml" in e for e in health["errors"]), health
        privacy = flat(load_knowledge(PROJECT_ROOT / "knowledge").messages.privacy)
        first = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=30, json={
            "sender": f"bigfile-{uuid.uuid4().hex[:8]}", "message": "bonjour"}).json()
        assert flat(first[0]["text"]) == privacy  # the Rasa server's dialogue texts: the last valid ones
    finally:
        big.unlink(missing_ok=True)
    assert Conversation(stack).text(FAQ) == expected  # a new conversation: feedback is asked once per topic
