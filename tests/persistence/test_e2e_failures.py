"""Failure behaviour against the session's real stack: the action server down (FAQ and distress
answers still come, anything else gets « service momentanément indisponible », never silence, and the
conversation goes on when it is back) and the Rasa server restarted in the middle of a form (the
form resumes where it was: the tracker is in SQL).

Each test stops one server of the shared stack and starts it again before it ends."""

import pytest
import requests

from bot.knowledge import load_knowledge
from bot.rules import fact
from tests.conftest import Conversation, flat

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")
UNAVAILABLE = flat(KNOWLEDGE.messages.unavailable)


def question(name: str) -> str:
    return flat(fact(name).question)


@pytest.fixture
def actions_down(stack):
    stack.stop_process("actions")
    try:
        yield
    finally:
        if "actions" not in stack.named:
            stack.start_actions()


def test_action_server_down_never_leaves_the_user_without_a_reply(stack, actions_down):
    conversation = Conversation(stack)
    # Distress and FAQ answers are served by the Rasa server itself (bot/channels/reply_guard.py).
    distress = conversation.send("on dort dans la voiture avec les enfants")
    assert distress and "115" in distress[0]["text"]
    faq = conversation.text("visale pour un couple ?")
    assert flat(KNOWLEDGE.answer_text("visale_couple", "tous"))[:80] in faq
    # What needs the action server gets a clear message, never an empty reply.
    assert conversation.text("suis-je éligible à mobili jeune ?") == UNAVAILABLE
    health = requests.get(f"{stack.rasa_url}/webhooks/health", timeout=30)
    assert health.status_code == 503
    assert health.json()["action_server"]["status"] == "down"
    assert health.json()["reply_guard"]["silent_turns"]["unavailable"] >= 1


def test_a_form_goes_on_after_the_action_server_comes_back(stack):
    conversation = Conversation(stack)
    assert question("bail_signe") in conversation.text("suis-je éligible à visale ? j'ai 35 ans")
    stack.stop_process("actions")
    try:
        assert conversation.text("pas encore signé") == UNAVAILABLE  # the answer could not be checked
    finally:
        stack.start_actions()
    after = conversation.text("pas encore signé")  # the same answer again: the form is where it was
    assert question("bail_signe") not in after and question("age") not in after
    assert UNAVAILABLE not in after and after
    assert requests.get(f"{stack.rasa_url}/webhooks/health", timeout=30).status_code == 200


def test_the_form_resumes_after_a_rasa_server_restart(stack):
    conversation = Conversation(stack)
    first = conversation.text("suis-je éligible à visale ? j'ai 35 ans")
    assert question("bail_signe") in first
    stack.stop_process("rasa")
    stack.start_rasa()
    after = conversation.text("pas encore signé")
    assert question("bail_signe") not in after and question("age") not in after  # not started over
    assert after and UNAVAILABLE not in after
