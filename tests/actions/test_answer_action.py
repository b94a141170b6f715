"""action_answer_knowledge with rasa_sdk trackers and the project's real knowledge."""

import shutil


import actions.answer_actions as answer_actions
from actions.answer_actions import ActionAnswerKnowledge
from bot.knowledge import KnowledgeStore, load_knowledge
from tests.actions.conftest import load_tracker

KNOWLEDGE = load_knowledge("knowledge")


async def test_faq_answer_comes_from_knowledge_with_source_and_date(dispatcher, domain):
    tracker = load_tracker("faq_visale_couple")
    events = await ActionAnswerKnowledge().run(dispatcher, tracker, domain)
    # the topic is kept for a follow-up (bot/nlu/context.py)
    assert events == [{"event": "slot", "timestamp": None, "name": "sujet",
                       "value": {"entree": "visale_couple", "aide": "visale", "question": tracker.latest_message["text"]}}]
    message = dispatcher.messages[0]  # then « Cette réponse vous a-t-elle été utile ? » (issue 5)
    expected = KNOWLEDGE.answer_text("visale_couple", "tous").strip()
    assert message["text"].startswith(expected)
    assert "Source :" in message["text"]
    assert KNOWLEDGE.entries["visale_couple"].reviewed.strftime("%d/%m/%Y") in message["text"]


async def test_applicants_get_the_public_answer(dispatcher, domain):
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_contact_mel", "rest"), domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith(KNOWLEDGE.answer_text("contact_mel", "tous").strip())
    assert "christophe.robin@actionlogement.fr" not in text and "03.59" not in text


async def test_staff_channel_gets_the_professional_answer(dispatcher, domain):
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_contact_mel", "staff"), domain)
    assert dispatcher.messages[0]["text"].startswith(
        KNOWLEDGE.answer_text("contact_mel", "professionnels").strip())


async def test_unsure_answer_offers_choices_as_buttons(dispatcher, domain):
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_ambiguous"), domain)
    (message,) = dispatcher.messages
    assert message["text"] == KNOWLEDGE.messages.clarify
    titles = [button["title"] for button in message["buttons"]]
    assert titles == [KNOWLEDGE.entries["alin_nud"].title, KNOWLEDGE.entries["glossaire_nud"].title,
                      KNOWLEDGE.messages.clarify_none]
    assert message["buttons"][0]["payload"] == '/faq{"answer_id": "alin_nud"}'


async def test_broken_knowledge_keeps_last_valid_answer(dispatcher, domain, tmp_path, monkeypatch):
    root = tmp_path / "knowledge"
    shutil.copytree("knowledge", root)
    store = KnowledgeStore(root, tmp_path / "snap.json")
    monkeypatch.setattr(answer_actions, "knowledge_store", lambda: store)
    await ActionAnswerKnowledge().run(dispatcher, load_tracker("faq_visale_couple"), domain)
    (root / "faq" / "visale.yml").write_text("entries: [oups", encoding="utf-8")
    await store.refresh()  # what the action server's middleware does before each request (off the event loop)
    second = type(dispatcher)()
    await ActionAnswerKnowledge().run(second, load_tracker("faq_visale_couple"), domain)
    assert second.messages[0]["text"] == dispatcher.messages[0]["text"]
    assert store.status.errors and "visale.yml" in str(store.status.errors[0])
