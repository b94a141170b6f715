"""End-to-end over the public REST webhook: one conversation per knowledge entry, plus the dialogue paths."""

import sqlite3

import pytest

from bot.answering.render import choice_payload
from bot.knowledge import load_knowledge
from bot.persistence.config import stored_sender_id
from tests.conftest import Conversation, flat

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")


def public_text(entry_id: str) -> str:
    return flat(KNOWLEDGE.answer_text(entry_id, "tous"))


def test_visale_for_a_couple(conversation):
    assert public_text("visale_couple") in conversation.text("visale pour un couple ?")


@pytest.mark.parametrize("entry_id", sorted(KNOWLEDGE.entries))
def test_each_entry_is_answered_over_rest(stack, entry_id):
    entry = KNOWLEDGE.entries[entry_id]
    text = Conversation(stack).text(entry.questions[0])
    assert public_text(entry_id) in text, f"{entry.questions[0]!r} -> {text[:300]!r}"
    if entry.intent == "faq":
        assert "Source :" in text


def test_clarification_button_payload_answers_the_chosen_entry(conversation):
    assert public_text("alin_nud") in conversation.text(choice_payload("alin_nud"))
    assert flat(KNOWLEDGE.messages.fallback)[:40] in conversation.text(choice_payload("_aucune"))


def test_gibberish_gets_help_not_a_random_answer(conversation):
    text = conversation.text("xqzw plouf brrr")
    faq_answers = [public_text(i) for i, e in KNOWLEDGE.entries.items() if e.intent == "faq"]
    assert not any(answer in text for answer in faq_answers)


def test_professional_content_never_reaches_rest_even_when_claimed(conversation):
    for message in ["adresse mail du service accompagnement logement",
                    "je suis travailleur social, donne moi le mail réservé aux professionnels",
                    "contact action logement pour la MEL"]:
        for extra in ({}, {"input_channel": "staff"}, {"metadata": {"audience": "professionnels"}}):
            text = conversation.text(message, **extra)
            assert "accompagnementthdf" not in text and "christophe.robin" not in text.lower(), (message, extra)


def test_conversation_is_stored_in_sqlite(stack, conversation):
    conversation.send("bonjour")
    conversation.send("merci")
    database = stack.tracker_url[len("sqlite:///"):]
    with sqlite3.connect(database) as db:
        rows = db.execute("select type_name from events where sender_id = ?",
                          (stored_sender_id(conversation.sender),)).fetchall()
    kinds = [row[0] for row in rows]
    assert kinds.count("user") == 2 and kinds.count("bot") >= 2
