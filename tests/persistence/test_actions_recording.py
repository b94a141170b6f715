"""What the actions record (actions/recording.py, actions/feedback_actions.py), with rasa_sdk
trackers: unanswered questions, feedback offered and recorded, eligibility counts, referrals; and
a database failure never changes a reply."""

import copy

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_actions import ActionAnswerKnowledge
from actions.distress_actions import ActionDistress
from actions.eligibility_actions import ActionEligibilityVerdict
from actions.feedback_actions import ActionFeedback
from bot.dialogue import feedback
from bot.knowledge import load_knowledge
from bot.persistence import repository
from tests.actions.conftest import load_tracker, project_knowledge  # noqa: F401  (autouse: every action reads knowledge/)

AVIS = load_knowledge("knowledge").dialogue.avis


def with_text(name, text, channel="rest"):
    tracker = load_tracker(name, channel)
    state = tracker.current_state()
    state["latest_message"]["text"] = text
    return Tracker.from_dict(state)


def feedback_tracker(payload_entities, text="/feedback", events=()):
    return Tracker.from_dict({
        "sender_id": "t", "slots": {}, "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_message": {"text": text, "intent": {"name": "feedback", "confidence": 1.0},
                           "entities": [{"entity": k, "value": v} for k, v in payload_entities.items()]},
        "events": list(events) + [{"event": "user", "text": text, "input_channel": "staff",
                                   "parse_data": {"intent": {"name": "feedback"}}}],
    })


async def test_faq_answer_then_feedback_buttons(bot_database):
    dispatcher = CollectingDispatcher()
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_visale_couple"), {})
    answer, offer = dispatcher.messages
    assert "Source :" in answer["text"]  # the answer itself is unchanged
    assert offer["text"] == AVIS.question
    assert [b["payload"] for b in offer["buttons"]] == [feedback.payload("+", "visale_couple"),
                                                        feedback.payload("-", "visale_couple")]
    assert bot_database.unanswered() == []


@pytest.mark.parametrize("channel, offered", [("rest", True), ("staff", True), ("telegram", True), ("twilio", False)])
async def test_feedback_is_not_offered_by_sms(bot_database, channel, offered):
    dispatcher = CollectingDispatcher()
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_visale_couple", channel), {})
    assert (dispatcher.messages[-1]["text"] == AVIS.question) == offered


async def test_clarification_is_recorded_as_a_redacted_unanswered_question(bot_database):
    dispatcher = CollectingDispatcher()
    tracker = with_text("faq_ambiguous", "le nud ou le sne ? mon mail marie@exemple.fr")
    await ActionAnswerKnowledge().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1  # « Vouliez-vous dire… ? », no feedback buttons
    (row,) = bot_database.unanswered()
    assert row["decision"] == "clarify" and row["text"] == "le nud ou le sne ? mon mail [courriel]"
    assert row["channel"] == "rest" and row["candidates"].startswith("alin_nud")


def offered(target):
    """The bot's 👍 / 👎 message after an answer, as it is in the conversation's events."""
    question, buttons = feedback.offer(target, AVIS)
    return {"event": "bot", "text": question, "data": {"buttons": buttons}}


def clicked(entities):
    """An earlier click on a feedback button, as Rasa stores it."""
    return {"event": "user", "text": "/feedback", "parse_data": {
        "intent": {"name": "feedback"}, "entities": [{"entity": k, "value": v} for k, v in entities.items()]}}


async def test_feedback_up_down_and_reason(bot_database):
    dispatcher = CollectingDispatcher()
    await ActionFeedback().run(dispatcher, feedback_tracker({"note": "+", "cible": "visale_couple"},
                                                            events=[offered("visale_couple")]), {})
    assert dispatcher.messages[-1]["text"] == AVIS.thanks
    await ActionFeedback().run(dispatcher, feedback_tracker({"note": "-", "cible": "loca_pass"},
                                                            events=[offered("loca_pass")]), {})
    ask = dispatcher.messages[-1]
    assert ask["text"] == AVIS.ask_reason and len(ask["buttons"]) == len(AVIS.reasons)
    reason_payload = ask["buttons"][1]["payload"]
    assert '"ref":' in reason_payload and '"raison":"incomplete"' in reason_payload
    ref = int(reason_payload.rsplit('"ref":', 1)[1].rstrip("}"))
    history = [offered("loca_pass"), clicked({"note": "-", "cible": "loca_pass"}),
               {"event": "bot", "text": ask["text"], "data": {"buttons": ask["buttons"]}}]
    await ActionFeedback().run(dispatcher, feedback_tracker({"note": "-", "cible": "loca_pass",
                                                             "raison": "incomplete", "ref": ref}, events=history), {})
    assert dispatcher.messages[-1]["text"] == AVIS.thanks_reason
    rows = [(r["target"], r["rating"], r["reason"], r["channel"]) for r in bot_database.feedback_rows()]
    assert rows == [("visale_couple", 1, None, "staff"), ("loca_pass", -1, "incomplete", "staff")]


async def test_a_typed_thumb_goes_to_the_last_answer_offered(bot_database):
    offered = {"event": "bot", "text": AVIS.question,
               "data": {"buttons": feedback.offer("alin_nud", AVIS)[1]}}
    await ActionFeedback().run(CollectingDispatcher(), feedback_tracker({}, "👎", [offered]), {})
    assert [(r["target"], r["rating"]) for r in bot_database.feedback_rows()] == [("alin_nud", -1)]


async def test_feedback_only_for_an_answer_given_in_the_conversation_once(bot_database):
    """Issue 15, item 9: a forged payload recorded feedback for an answer the user never got (any
    target, e.g. a formula for the editors' CSV), a click could be repeated, and a reason could be
    set on another user's row through its `ref`."""
    run = ActionFeedback().run
    await run(CollectingDispatcher(), feedback_tracker({"note": "-", "cible": "=HYPERLINK(\"http://x\")"}), {})
    await run(CollectingDispatcher(), feedback_tracker({"note": "+", "cible": "loca_pass"},
                                                       events=[offered("visale_couple")]), {})
    assert bot_database.feedback_rows() == []  # never offered here: thanked, not recorded
    once = [offered("visale_couple"), clicked({"note": "+", "cible": "visale_couple"})]
    dispatcher = CollectingDispatcher()
    await run(dispatcher, feedback_tracker({"note": "-", "cible": "visale_couple"}, events=once), {})
    assert dispatcher.messages[-1]["text"] == AVIS.thanks and bot_database.feedback_rows() == []
    again = [offered("visale_couple")] * 2 + [clicked({"note": "+", "cible": "visale_couple"})]
    await run(CollectingDispatcher(), feedback_tracker({"note": "+", "cible": "visale_couple"}, events=again), {})
    assert [(r["target"], r["rating"]) for r in bot_database.feedback_rows()] == [("visale_couple", 1)]
    # someone else's 👎 (row `theirs`), completed with a forged reason payload
    theirs = bot_database.record_feedback("loca_pass", -1, "rest")
    mine = [offered("loca_pass"), clicked({"note": "-", "cible": "loca_pass"}),
            {"event": "bot", "text": AVIS.ask_reason, "data": {"buttons": feedback.reason_buttons("loca_pass",
                                                                                                     theirs + 1, AVIS)}}]
    await run(CollectingDispatcher(), feedback_tracker({"note": "-", "cible": "loca_pass", "raison": "erronee",
                                                        "ref": theirs}, events=mine), {})
    assert [r["reason"] for r in bot_database.feedback_rows() if r["target"] == "loca_pass"] == [None]
    used = mine + [clicked({"note": "-", "cible": "loca_pass", "raison": "erronee", "ref": theirs + 1})]
    assert not feedback.accepted(used + [clicked({})], feedback.FeedbackInput("-", "loca_pass", "pas_claire",
                                                                                theirs + 1))  # once


async def test_verdict_is_counted_and_offers_feedback(bot_database):
    dispatcher = CollectingDispatcher()
    await ActionEligibilityVerdict().run(dispatcher, load_tracker("form_complete_alin"), {})
    assert dispatcher.messages[-1]["buttons"][0]["payload"] == feedback.payload("+", "eligibilite:alin")
    (count,) = bot_database.eligibility_counts()
    assert count["aid"] == "alin" and count["count"] == 1 and count["outcome"] in ("non_eligible", "eligible",
                                                                                  "indetermine", "undetermined")


async def test_distress_and_asking_for_a_person_are_referrals(bot_database):
    await ActionDistress().run(CollectingDispatcher(), load_tracker("distress_sans_abri"), {})
    tracker = load_tracker("faq_visale_couple")
    state = copy.deepcopy(tracker.current_state())
    state["events"][-1]["parse_data"] = copy.deepcopy(state["latest_message"])  # as Rasa stores it
    state["events"].append({"event": "user", "text": "je veux parler à quelqu'un", "input_channel": "rest",
                            "parse_data": {"intent": {"name": "faq"}}})
    state["latest_message"]["response_selector"]["default"]["ranking"] = [
        {"intent_response_key": "faq/parler_conseiller", "confidence": 0.95}]
    await ActionAnswerKnowledge().run(CollectingDispatcher(), Tracker.from_dict(state), {})
    assert {(r["reason"], r["topic"]) for r in bot_database.referral_counts()} == {
        ("detresse", "sans_abri"), ("conseiller", "visale_couple")}


async def test_a_database_failure_never_changes_the_reply(monkeypatch, caplog):
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    monkeypatch.setenv("DB_TIMEOUT_SECONDS", "1")
    repository.reset_default_repository()
    try:
        working, failing = CollectingDispatcher(), CollectingDispatcher()
        await ActionAnswerKnowledge().run(failing, load_tracker("faq_ambiguous"), {})
        await ActionFeedback().run(failing, feedback_tracker({"note": "-", "cible": "loca_pass"},
                                                                 events=[offered("loca_pass")]), {})
        await ActionEligibilityVerdict().run(failing, load_tracker("form_complete_alin"), {})
        assert "event=bot_db.write_failed" in caplog.text
    finally:
        repository.reset_default_repository()
    monkeypatch.delenv("BOT_DATABASE_URL")
    assert [m["text"] for m in failing.messages][:2] == [
        m["text"] for m in (await _reference_messages(working))][:2]


async def _reference_messages(dispatcher):
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_ambiguous"), {})
    await ActionFeedback().run(dispatcher, feedback_tracker({"note": "-", "cible": "loca_pass"},
                                                            events=[offered("loca_pass")]), {})
    return dispatcher.messages


async def test_the_catch_all_out_of_scope_answer_and_unsure_answers_are_listed(bot_database):
    state = copy.deepcopy(load_tracker("faq_visale_couple").current_state())
    state["latest_message"]["text"] = "ma voisine fait trop de bruit"
    state["latest_message"]["intent"] = {"name": "hors_sujet", "confidence": 0.9}
    state["latest_message"]["response_selector"]["default"]["ranking"] = [
        {"intent_response_key": "hors_sujet/hs_general", "confidence": 0.8}]
    dispatcher = CollectingDispatcher()
    await ActionAnswerKnowledge().run(dispatcher, Tracker.from_dict(state), {})
    assert len(dispatcher.messages) == 1  # the redirection, no feedback buttons
    state["latest_message"]["text"] = "visale en couple peut-être ?"
    state["latest_message"]["intent"] = {"name": "faq", "confidence": 0.9}
    state["latest_message"]["response_selector"]["default"]["ranking"] = [
        {"intent_response_key": "faq/visale_couple", "confidence": 0.45},
        {"intent_response_key": "faq/visale_eligibilite", "confidence": 0.05}]
    await ActionAnswerKnowledge().run(CollectingDispatcher(), Tracker.from_dict(state), {})
    assert [(r["decision"], r["text"]) for r in bot_database.unanswered()] == [
        ("out_of_scope", "ma voisine fait trop de bruit"), ("low_confidence", "visale en couple peut-être ?")]


async def test_a_referral_drafted_for_the_support_service_is_counted_without_content(bot_database):
    from actions.referral_actions import ActionPrepareReferral
    await ActionPrepareReferral().run(CollectingDispatcher(), load_tracker("referral_after_check"), {})
    await ActionPrepareReferral().run(CollectingDispatcher(), load_tracker("referral_after_check", "rest"), {})
    assert [(r["reason"], r["topic"], r["count"]) for r in bot_database.referral_counts()] == [
        ("saisine", "verification", 1)]
