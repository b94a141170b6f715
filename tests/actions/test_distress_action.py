"""action_distress: the situation's numbers first, the staff complement only on the staff channel."""

import pytest

import actions.distress_actions as distress_actions
from actions.distress_actions import ActionDistress
from bot.knowledge import KnowledgeStore, load_knowledge
from tests.actions.conftest import load_tracker

KNOWLEDGE = load_knowledge("knowledge")


@pytest.fixture(autouse=True)
def project_knowledge(monkeypatch, tmp_path):
    store = KnowledgeStore("knowledge", tmp_path / "snapshot.json")
    monkeypatch.setattr(distress_actions, "knowledge_store", lambda: store)


async def test_applicant_gets_the_115_first(dispatcher, domain):
    await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "rest"), domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith(KNOWLEDGE.situation("sans_abri").answer.strip()[:60])
    assert "115" in text and KNOWLEDGE.situation("sans_abri").staff_answer.strip()[:40] not in text


async def test_staff_also_gets_the_support_service_lead_time(dispatcher, domain):
    await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "staff"), domain)
    assert KNOWLEDGE.situation("sans_abri").staff_answer.strip()[:40] in dispatcher.messages[0]["text"]
