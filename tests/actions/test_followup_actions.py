"""Typed choices and feedback once per topic in action_answer_knowledge (issue 16, items 4 and 5)."""

from rasa_sdk import Tracker

import actions.feedback_actions as feedback_actions
from actions.answer_actions import ActionAnswerKnowledge
from bot.answering.render import choice_payload
from bot.knowledge import load_knowledge
from bot.dialogue import feedback

KNOWLEDGE = load_knowledge("knowledge")
AVIS = KNOWLEDGE.dialogue.avis


def user(text, intent="faq", ranking=(), channel="rest"):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [],
             "response_selector": {"default": {"ranking": [{"intent_response_key": k, "confidence": c}
                                                           for k, c in ranking]}}}
    return {"event": "user", "text": text, "parse_data": parse, "input_channel": channel}


def bot(text, buttons=()):
    return {"event": "bot", "text": text, "data": {"buttons": list(buttons)}}


def tracker(events):
    latest = events[-1]["parse_data"]
    return Tracker("t", {}, latest, events, False, None, {}, "action_listen")


async def test_a_typed_number_picks_the_clarification_button(dispatcher):
    offered = [{"title": KNOWLEDGE.entries["alin_nud"].title, "payload": choice_payload("alin_nud")},
               {"title": KNOWLEDGE.entries["glossaire_nud"].title, "payload": choice_payload("glossaire_nud")}]
    events = [user("nud ?"), bot(KNOWLEDGE.messages.clarify, offered), user("2", intent="informer")]
    await ActionAnswerKnowledge().run(dispatcher, tracker(events), {})
    assert dispatcher.messages[0]["text"].startswith(KNOWLEDGE.answer_text("glossaire_nud", "tous").strip())


async def test_a_typed_non_to_the_feedback_question_is_a_thumbs_down(dispatcher, monkeypatch):
    recorded = []

    async def record(target, note, channel, reason=None):
        recorded.append((target, note, channel))
        return 7
    monkeypatch.setattr(feedback_actions.repository, "record_feedback", record)
    question, buttons = feedback.offer("visale_couple", AVIS)
    events = [user("visale pour un couple ?"), bot("…"), bot(question, buttons), user("non", intent="hors_sujet")]
    await ActionAnswerKnowledge().run(dispatcher, tracker(events), {})
    assert recorded == [("visale_couple", -1, "rest")]
    assert [m["text"] for m in dispatcher.messages] == [AVIS.ask_reason]


async def test_feedback_is_offered_once_per_topic(dispatcher):
    question, buttons = feedback.offer("visale_presentation", AVIS)
    ranking = [("faq/visale_couple", 0.95), ("faq/visale_demande", 0.01)]
    events = [user("c'est quoi visale"), bot("…"), bot(question, buttons), user("et à deux ?", ranking=ranking)]
    await ActionAnswerKnowledge().run(dispatcher, tracker(events), {})
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0].startswith(KNOWLEDGE.answer_text("visale_couple", "tous").strip()) and question not in texts
    fresh = type(dispatcher)()
    await ActionAnswerKnowledge().run(fresh, tracker([user("c'est quoi l'avance loca-pass ?"), bot("…"),
                                                      bot(question, buttons),
                                                      user("loca pass ?", ranking=[("faq/loca_pass", 0.95)])]), {})
    assert fresh.messages[-1]["text"] == question  # another aid: offered again
