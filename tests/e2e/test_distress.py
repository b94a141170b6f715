"""Distress first, on the public REST channel: numbers before anything else, never a FAQ answer."""

import os

import pytest
import yaml

from bot.knowledge import load_knowledge
from tests.conftest import Conversation, flat

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")


def first_line(situation_id: str) -> str:
    return flat(KNOWLEDGE.situation(situation_id).answer.splitlines()[0])


@pytest.mark.parametrize("message, situation", [
    ("on dort dans la voiture avec les enfants", "sans_abri"),
    ("j'ai envie d'en finir", "suicide"),
    ("mon mari me frappe, je peux avoir visale pour partir ?", "violences"),
    ("on est expulsés demain matin, alin peut nous aider ?", "expulsion_coupure"),
])
def test_distress_gets_the_numbers_first(stack, message, situation):
    reply = Conversation(stack).send(message)
    assert flat(reply[0]["text"]).startswith(first_line(situation)), reply[0]["text"][:200]
    text = flat(" ".join(m.get("text", "") for m in reply))
    faq_answers = [flat(KNOWLEDGE.answer_text(i, "tous")) for i, e in KNOWLEDGE.entries.items()]
    assert not any(answer in flat(reply[0]["text"]) for answer in faq_answers)  # the numbers come alone, first
    assert "accompagnementthdf" not in text  # the applicant channel never gets professional content


def test_near_miss_gets_the_faq_answer(conversation):
    text = conversation.text("le délai d'urgence de 48 h c'est quoi ?")
    assert flat(KNOWLEDGE.answer_text("accompagnement_delais", "tous"))[:60] in text


def test_conversation_continues_after_distress(conversation):
    conversation.send("je n'ai nulle part où dormir ce soir")
    assert flat(KNOWLEDGE.answer_text("loca_pass", "tous"))[:60] in conversation.text(choice("loca_pass"))


def choice(entry_id):
    from bot.answering.render import choice_payload
    return choice_payload(entry_id)


def test_new_cue_added_by_an_editor_works_without_retraining(stack):
    path = stack.knowledge_dir / "detresse.yml"
    original = path.read_bytes()
    try:
        data = yaml.safe_load(original)
        message = "zorglub quintuple vortex"  # nonsense the model has never seen
        assert not Conversation(stack).text(message).startswith(first_line("sans_abri"))
        sans_abri = next(s for s in data["situations"] if s["id"] == "sans_abri")
        sans_abri["cues"].append("quintuple vortex")
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert Conversation(stack).text(message).startswith(first_line("sans_abri"))
    finally:
        path.write_bytes(original)
