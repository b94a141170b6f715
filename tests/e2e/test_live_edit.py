"""Editing knowledge/ while the bot runs: valid edits are live on the next message, broken ones are refused."""

import os

import pytest
import requests

from bot.knowledge import load_knowledge
from tests.conftest import Conversation, flat

pytestmark = pytest.mark.e2e
QUESTION = "visale pour un couple ?"


def touch(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def visale_file(stack):
    path = stack.knowledge_dir / "faq" / "visale.yml"
    original = path.read_bytes()
    yield path
    path.write_bytes(original)
    touch(path)


def test_answer_edit_is_live_without_retraining(conversation, visale_file):
    old = load_knowledge(visale_file.parent.parent).answer_text("visale_couple", "tous").strip()
    first_line = old.splitlines()[0]
    assert flat(first_line) in conversation.text(QUESTION)
    visale_file.write_text(visale_file.read_text(encoding="utf-8").replace(first_line, "Réponse modifiée en direct."),
                           encoding="utf-8")
    touch(visale_file)
    text = conversation.text(QUESTION)
    assert "Réponse modifiée en direct." in text and flat(first_line) not in text


def test_broken_edit_is_refused_and_old_answer_kept(stack, conversation, visale_file):
    before = conversation.text(QUESTION)
    visale_file.write_text(visale_file.read_text(encoding="utf-8").replace("    answer:", "    answr:", 1),
                           encoding="utf-8")
    touch(visale_file)
    # a new conversation: the feedback question is asked once per topic, so the same sender's second reply differs
    assert Conversation(stack).text(QUESTION) == before
    status = requests.get(f"{stack.action_url}/knowledge/status", timeout=10).json()
    assert status["valid"] is False and status["entries"] > 0
    assert any("faq/visale.yml, ligne" in error and "answr" in error for error in status["errors"])
