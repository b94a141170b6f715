"""The reply guard (bot/channels/reply_guard.py) in process: a turn that fails or says nothing
still gets a reply — the distress numbers, a FAQ answer, or `messages.unavailable`."""

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels import reply_guard
from bot.knowledge import load_knowledge

KNOWLEDGE = load_knowledge("knowledge")


def faq_parse(entry_id, confidence=0.95):
    return {"intent": {"name": "faq", "confidence": 0.9}, "entities": [],
            "response_selector": {"default": {"ranking": [
                {"intent_response_key": f"faq/{entry_id}", "confidence": confidence}]}}}


def test_fallback_replies_without_the_action_server():
    kind, reply = reply_guard.fallback_reply(faq_parse("visale_couple"), KNOWLEDGE, "tous")
    assert kind == "knowledge" and reply.text.startswith(KNOWLEDGE.answer_text("visale_couple", "tous").strip()[:40])
    kind, reply = reply_guard.fallback_reply(
        {"intent": {"name": "detresse"}, "entities": [{"entity": "situation_detresse", "value": "sans_abri"}]},
        KNOWLEDGE, "tous")
    assert kind == "distress" and "115" in reply.text
    assert reply_guard.fallback_reply({"intent": {"name": "eligibilite"}}, KNOWLEDGE, "tous") is None
    assert reply_guard.fallback_reply(None, KNOWLEDGE, "tous") is None


@pytest.mark.parametrize("behaviour", ["raises", "silent"])
async def test_guard_sends_something_when_a_turn_fails_or_says_nothing(monkeypatch, behaviour):
    async def on_new_message(message):
        if behaviour == "raises":
            raise RuntimeError("action failed")

    async def parse(text):
        return faq_parse("loca_pass") if "loca" in text else {"intent": {"name": "informer"}}

    monkeypatch.setattr(reply_guard, "_parse", parse)
    guarded = reply_guard.guard(on_new_message)
    output = CollectingOutputChannel()
    await guarded(UserMessage("c'est quoi loca pass", output, "u", input_channel="rest"))
    assert output.messages[0]["text"].startswith(KNOWLEDGE.answer_text("loca_pass", "tous").strip()[:40])
    output = CollectingOutputChannel()
    await guarded(UserMessage("24", output, "u", input_channel="rest"))
    assert [m["text"] for m in output.messages] == [KNOWLEDGE.messages.unavailable]


async def test_guard_stays_out_of_the_way_of_normal_turns():
    async def on_new_message(message):
        await message.output_channel.send_text_message(message.sender_id, "bonjour")

    output = CollectingOutputChannel()
    await reply_guard.guard(on_new_message)(UserMessage("salut", output, "u", input_channel="rest"))
    assert [m["text"] for m in output.messages] == ["bonjour"]
