"""The form's validation action and the verdict action, with rasa_sdk trackers from JSON fixtures."""

import pytest

import actions.eligibility_actions as eligibility_actions
from actions.eligibility_actions import ActionEligibilityVerdict, ValidateEligibiliteForm
from bot.knowledge import KnowledgeStore
from bot.rules import fact
from tests.actions.conftest import load_tracker

DOMAIN = {"slots": {}, "forms": {"eligibilite_form": {"required_slots": ["aide"]}}}


@pytest.fixture(autouse=True)
def project_knowledge(monkeypatch, tmp_path):
    store = KnowledgeStore("knowledge", tmp_path / "snapshot.json")
    monkeypatch.setattr(eligibility_actions, "knowledge_store", lambda: store)


async def test_out_of_range_age_is_refused_and_asked_again(dispatcher):
    events = await ValidateEligibiliteForm().run(dispatcher, load_tracker("form_age_answer"), DOMAIN)
    assert {"event": "slot", "name": "age", "value": None, "timestamp": None} in events
    texts = [m["text"] for m in dispatcher.messages]
    assert "250" in texts[0] and texts[-1] == fact("age").question
    assert events[-1]["name"] == "requested_slot" and events[-1]["value"] == "age"


async def test_verdict_names_the_deciding_criterion_and_resets_the_aid(dispatcher):
    events = await ActionEligibilityVerdict().run(dispatcher, load_tracker("form_complete_alin"), {})
    text = dispatcher.messages[0]["text"]
    assert "AL'in" in text and "8 salariés" in text and "indicatif" in text
    assert [e["name"] for e in events] == ["aide", "fait_precedent"] and events[0]["value"] is None


async def test_a_request_to_talk_to_someone_is_answered_not_checked(dispatcher):
    """The classifier took « passez moi un conseiller » for an eligibility request (the word
    « conseiller »); no aid, no fact, and the selector is sure of a FAQ entry without a check."""
    store = eligibility_actions.knowledge_store()
    events = await ValidateEligibiliteForm().run(dispatcher, load_tracker("eligibility_request_to_talk_to_someone"),
                                                 DOMAIN)
    assert events == [{"event": "active_loop", "name": None, "timestamp": None},
                      {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None}]
    answer = store.current().answer_text("parler_conseiller", "tous").split("\n")[0]
    assert answer and answer in dispatcher.messages[0]["text"]


async def test_an_eligibility_request_without_aid_asks_which_aid(dispatcher):
    """No firm FAQ entry (and the best one is below `question_over_check`): the check starts."""
    events = await ValidateEligibiliteForm().run(dispatcher, load_tracker("eligibility_request_without_aid"), DOMAIN)
    assert events[-1] == {"event": "slot", "name": "requested_slot", "value": "aide", "timestamp": None}
    ask_aid = eligibility_actions.knowledge_store().current().dialogue.eligibilite.ask_aid
    assert dispatcher.messages[-1]["text"] == ask_aid and dispatcher.messages[-1]["buttons"]
