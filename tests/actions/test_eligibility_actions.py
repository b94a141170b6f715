"""The form's validation action and the verdict action, with rasa_sdk trackers from JSON fixtures.

As in Rasa's financial-demo, each test compares the whole list of events the action returns.
"""

import actions.eligibility_actions as eligibility_actions
from actions.eligibility_actions import ActionEligibilityVerdict, ValidateEligibiliteForm
from bot.answering.render import render_entry
from bot.dialogue import feedback
from bot.dialogue.turn import CheckState
from bot.eligibility.replies import fact_question
from bot.rules import fact, load_rules
from tests.actions.conftest import load_tracker, said

DOMAIN = {"slots": {}, "forms": {"eligibilite_form": {"required_slots": ["aide"]}}}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value, "timestamp": None}


async def test_out_of_range_age_is_refused_and_asked_again(dispatcher):
    events = await ValidateEligibiliteForm().run(dispatcher, load_tracker("form_age_answer"), DOMAIN)
    state = CheckState("mobili_jeune", "age", False, "age", [("Je ne sais pas",
                                                                '/informer{"reponse": "age:\\"inconnu\\""}')], 2, 1)
    assert events == [slot("situation", {"faits": {"nb_titulaires_bail": {"valeur": 1, "origine": "deduit",
                                                                           "confiance": 1.0}}, "tiers": False}),
                      slot("aide", "mobili_jeune"), slot("verification", state.as_dict()),
                      slot("requested_slot", "question")]
    refused = load_rules().facts.validate("age", 250)  # (None, the « trop_grand » text of knowledge/eligibilite/faits.yml)
    assert refused[0] is None and refused[1]
    assert said(dispatcher) == [(refused[1], []), (fact("age").question, [{"title": state.options[0][0],
                                                                          "payload": state.options[0][1]}])]


async def test_verdict_names_the_deciding_criterion_and_resets_the_check(dispatcher):
    events = await ActionEligibilityVerdict().run(dispatcher, load_tracker("form_complete_alin"), {})
    assert events == [slot("aide", None), slot("verification", None), slot("verifiees", ["alin"])]
    base = eligibility_actions.knowledge_store().current()
    texts = base.dialogue.eligibilite
    (text, buttons), offer = said(dispatcher)
    assert buttons == [{"title": texts.another_aid, "payload": "/eligibilite"},
                       {"title": texts.start_over, "payload": "/recommencer"}]
    assert offer == feedback.offer("eligibilite:alin", base.dialogue.avis)
    # the deciding criterion with the value given (8 employees), from the rules' texts
    assert "(ici : 8 salariés)" in text and "indicatif" in text and "règles relues le" in text


async def test_a_request_to_talk_to_someone_is_answered_not_checked(dispatcher):
    """The classifier took « passez moi un conseiller » for an eligibility request (the word
    « conseiller »); no aid, no fact, and the selector is sure of a FAQ entry without a check."""
    store = eligibility_actions.knowledge_store()
    events = await ValidateEligibiliteForm().run(dispatcher, load_tracker("eligibility_request_to_talk_to_someone"),
                                                 DOMAIN)
    # answered as a question, whose topic is kept for a follow-up (bot/nlu/context.py)
    assert events == [slot("sujet", {"entree": "parler_conseiller", "aide": None, "question": "passez moi un conseiller"}),
                      {"event": "active_loop", "name": None, "timestamp": None}, slot("requested_slot", None)]
    answer = store.current().answer_text("parler_conseiller", "tous").split("\n")[0]
    assert answer and answer in dispatcher.messages[0]["text"]


async def test_an_eligibility_request_without_aid_asks_which_aid_or_all(dispatcher):
    """No firm FAQ entry (and the best one is below `question_over_check`): the check starts with the menu."""
    events = await ValidateEligibiliteForm().run(dispatcher, load_tracker("eligibility_request_without_aid"), DOMAIN)
    messages = eligibility_actions.knowledge_store().current().dialogue.eligibilite
    menu = dispatcher.messages[-1]
    assert menu["text"] == messages.ask_aid and menu["buttons"][0]["title"] == messages.screening_button
    state = CheckState(asking="aide", options=[(b["title"], b["payload"]) for b in menu["buttons"]])
    assert events == [slot("situation", {"faits": {"nb_titulaires_bail": {"valeur": 1, "origine": "deduit",
                                                                           "confiance": 1.0}}, "tiers": False}),
                      slot("aide", None), slot("verification", state.as_dict()), slot("requested_slot", "question")]


async def test_a_why_question_outside_a_check_is_answered_not_taken_for_why_do_you_ask(dispatcher):
    store = eligibility_actions.knowledge_store()
    from actions.eligibility_actions import ActionExplainQuestion
    tracker = load_tracker("why_outside_a_check")
    events = await ActionExplainQuestion().run(dispatcher, tracker, {})
    assert events == [slot("sujet", {"entree": "scoring_refus", "aide": None, "question": tracker.latest_message["text"]})]
    message = dispatcher.messages[0]  # then « Cette réponse vous a-t-elle été utile ? »
    assert message["text"].startswith(store.current().answer_text("scoring_refus", "tous").strip()[:80])
    assert message["text"] != store.current().dialogue.eligibilite.nothing_asked


async def test_a_bare_why_outside_a_check_says_nothing_was_asked(dispatcher):
    import json as json_module
    from rasa_sdk import Tracker
    from actions.eligibility_actions import ActionExplainQuestion
    state = json_module.loads((__import__("pathlib").Path(__file__).parent / "trackers" / "why_outside_a_check.json")
                              .read_text(encoding="utf-8"))
    state["latest_message"]["text"] = "pourquoi vous me demandez ça ?"
    events = await ActionExplainQuestion().run(dispatcher, Tracker.from_dict(state), {})
    assert events == [] and [m["text"] for m in dispatcher.messages] == [
        eligibility_actions.knowledge_store().current().dialogue.eligibilite.nothing_asked]


async def test_a_question_of_its_own_during_a_check_is_answered_then_the_question_is_asked_again(dispatcher):
    """« qui a droit à Visale ? » while Visale's check asks whether the lease is signed: the classifier said
    `eligibilite` (no digression rule answers that intent), so the form answers it, then asks again."""
    store = eligibility_actions.knowledge_store()
    tracker = load_tracker("form_question_of_its_own")
    events = await ValidateEligibiliteForm().run(dispatcher, tracker, DOMAIN)
    rules, messages = load_rules(), store.current().dialogue.eligibilite
    question = fact_question(rules.facts["bail_signe"], messages, rules)
    state = CheckState("visale", "bail_signe", False, "bail_signe", [(b["title"], b["payload"]) for b in question.buttons],
                       2, 1)
    assert events == [slot("sujet", {"entree": "visale_eligibilite", "aide": "visale",
                                     "question": tracker.latest_message["text"]}),
                      slot("verification", state.as_dict()), slot("requested_slot", "question")]
    answer = render_entry(store.current().entries["visale_eligibilite"], store.current(), "tous")
    offered = [b for b in answer.buttons if not b["payload"].startswith("/eligibilite")]  # no second check offered
    assert len(offered) == len(answer.buttons) - 1
    assert said(dispatcher) == [(answer.text, offered), (question.text, question.buttons)]


async def test_a_bare_why_after_an_answer_asks_the_reason_of_that_answer(dispatcher):
    """« pourquoi ? » right after the answer on « one offer at a time »: that answer again (it gives the
    reason), not « je ne vous ai pas posé de question »."""
    store = eligibility_actions.knowledge_store()
    from actions.eligibility_actions import ActionExplainQuestion
    tracker = load_tracker("why_after_an_answer")
    events = await ActionExplainQuestion().run(dispatcher, tracker, {})
    entry = store.current().entries["alin_une_offre"]
    assert events == [slot("sujet", {"entree": "alin_une_offre", "aide": "alin", "question": entry.title})]
    answer = render_entry(entry, store.current(), "tous")
    assert said(dispatcher) == [(answer.text, answer.buttons),
                                feedback.offer("alin_une_offre", store.current().dialogue.avis)]
