"""action_answer_knowledge with rasa_sdk trackers and the project's real knowledge.

As in Rasa's financial-demo, each test compares the whole list of events and of messages; the expected
texts come from knowledge/ (an editor's rewording changes both sides)."""

import re
import shutil

import actions.answer_actions as answer_actions
from actions.answer_actions import ActionAnswerKnowledge
from bot.answering.render import choice_payload, render_entry, source_line
from bot.dialogue import feedback
from bot.knowledge import KnowledgeStore, load_knowledge
from tests.actions.conftest import load_tracker, said

KNOWLEDGE = load_knowledge("knowledge")


def answered(entry_id, audience):
    reply = render_entry(KNOWLEDGE.entries[entry_id], KNOWLEDGE, audience)
    return reply.text, reply.buttons


def feedback_offer(target):
    return feedback.offer(target, KNOWLEDGE.dialogue.avis)


def topic(entry_id, aid, question):
    return [{"event": "slot", "timestamp": None, "name": "sujet",
             "value": {"entree": entry_id, "aide": aid, "question": question}}]


async def test_faq_answer_comes_from_knowledge_with_source_and_date(dispatcher, domain):
    tracker = load_tracker("faq_visale_couple")
    events = await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
    # the topic is kept for a follow-up (bot/nlu/context.py), then « utile ? » (issue 5)
    assert events == topic("visale_couple", "visale", tracker.latest_message["text"])
    assert said(dispatcher) == [answered("visale_couple", "tous"), feedback_offer("visale_couple")]
    entry = KNOWLEDGE.entries["visale_couple"]
    text = dispatcher.messages[0]["text"]
    assert text.startswith(KNOWLEDGE.answer_text("visale_couple", "tous").strip())
    assert text.endswith(source_line(entry, KNOWLEDGE)) and KNOWLEDGE.messages.source in source_line(entry, KNOWLEDGE)
    assert entry.reviewed.strftime("%d/%m/%Y") in text


async def test_applicants_get_the_public_answer(dispatcher, domain):
    tracker = load_tracker("faq_contact_mel", "rest")
    events = await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
    assert events == topic("contact_mel", None, tracker.latest_message["text"])
    assert said(dispatcher) == [answered("contact_mel", "tous"), feedback_offer("contact_mel")]
    professional = KNOWLEDGE.answer_text("contact_mel", "professionnels")
    addresses = set(re.findall(r"[\w.-]+@[\w.-]+\.\w+", professional))
    assert addresses and not any(address in dispatcher.messages[0]["text"] for address in addresses)


async def test_staff_channel_gets_the_professional_answer(dispatcher, domain):
    tracker = load_tracker("faq_contact_mel", "staff")
    events = await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
    assert events == topic("contact_mel", None, tracker.latest_message["text"])
    assert said(dispatcher) == [answered("contact_mel", "professionnels"), feedback_offer("contact_mel")]
    assert dispatcher.messages[0]["text"].startswith(KNOWLEDGE.answer_text("contact_mel", "professionnels").strip())


async def test_unsure_answer_offers_choices_as_buttons(dispatcher, domain):
    events = await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_ambiguous"), domain)
    assert events == []
    assert said(dispatcher) == [(KNOWLEDGE.messages.clarify, [
        {"title": KNOWLEDGE.entries["alin_nud"].title, "payload": '/faq{"answer_id": "alin_nud"}'},
        {"title": KNOWLEDGE.entries["glossaire_nud"].title, "payload": choice_payload("glossaire_nud")},
        {"title": KNOWLEDGE.messages.clarify_none, "payload": choice_payload("_aucune")}])]


async def test_broken_knowledge_keeps_last_valid_answer(dispatcher, domain, tmp_path, monkeypatch):
    root = tmp_path / "knowledge"
    shutil.copytree("knowledge", root)
    store = KnowledgeStore(root, tmp_path / "snap.json")
    monkeypatch.setattr(answer_actions, "knowledge_store", lambda: store)
    first = await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_visale_couple"), domain)
    (root / "faq" / "visale.yml").write_text("entries: [oups", encoding="utf-8")
    await store.refresh()  # what the action server's middleware does before each request (off the event loop)
    second = type(dispatcher)()
    again = await ActionAnswerKnowledge().run(second, load_tracker("faq_visale_couple"), domain)
    assert (again, said(second)) == (first, said(dispatcher)) == (
        topic("visale_couple", "visale", "visale pour un couple ?"),
        [answered("visale_couple", "tous"), feedback_offer("visale_couple")])
    assert store.status.errors and "visale.yml" in str(store.status.errors[0])
