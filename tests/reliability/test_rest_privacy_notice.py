"""Issue 15, item 10: no privacy notice on the first contact of the public REST channel.

Before: Telegram and Twilio sent knowledge/dialogue.yml `messages.privacy` before the first answer,
the README said every channel did, but the public REST channel answered a new sender's first
message with the answer only. After: the first reply to a sender starts with the notice (marked
`"notice": "privacy"`), then the answer; never again in that conversation, and not on a refused
request (400)."""

import uuid

import requests

from bot.knowledge import load_knowledge
from tests.conftest import flat


def post(stack, sender, message):
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                         timeout=60)


def test_the_first_rest_reply_starts_with_the_privacy_notice(stack):
    privacy = flat(load_knowledge(stack.knowledge_dir).messages.privacy)
    sender = f"notice-{uuid.uuid4().hex[:10]}"
    assert post(stack, sender, "   ").status_code == 400  # refused: no notice, and not a contact yet
    first = post(stack, sender, "c'est quoi visale ?")
    assert first.status_code == 200
    messages = first.json()
    assert flat(messages[0]["text"]) == privacy and messages[0]["notice"] == "privacy"
    assert messages[0]["recipient_id"] == sender
    answer = flat(" ".join(m.get("text") or "" for m in messages[1:]))
    assert "visale" in answer.lower(), "the answer follows the notice"
    again = post(stack, sender, "c'est quoi le loca pass ?").json()
    assert all(privacy != flat(m.get("text") or "") and "notice" not in m for m in again), again


def test_each_new_rest_sender_gets_the_notice_once(stack):
    privacy = flat(load_knowledge(stack.knowledge_dir).messages.privacy)
    for _ in range(2):
        sender = f"notice-{uuid.uuid4().hex[:10]}"
        replies = [post(stack, sender, text).json() for text in ("bonjour", "merci", "bonjour")]
        notices = [m for reply in replies for m in reply if flat(m.get("text") or "") == privacy]
        assert len(notices) == 1 and replies[0][0].get("notice") == "privacy", replies
