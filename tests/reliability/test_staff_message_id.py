"""Issue 15, item 10: the widget re-sent a message already processed after its client timeout.

Before: the staff channel had no way to know a re-send from a new message: after the widget's
30 s timeout (a slow turn, a proxy) it posted « 34 » again and the bot took it as the answer to the
next question too. After: the widget sends a `message_id` with each message, the same on its
re-sends; the staff channel processes an id once per conversation and answers a repeat with the
first delivery's reply (bot/channels/staff.py, bot/channels/dedup.py)."""

import concurrent.futures
import uuid

from bot.channels.staff import staff_sender_id
from tests.channels.helpers import staff_post, staff_token
from tests.reliability.test_faults import stored_user_texts

START = "suis-je éligible à visale ? j'ai 35 ans"


def test_a_resent_message_is_processed_once_and_gets_the_first_reply(stack):
    token, conversation = staff_token(), f"mid-{uuid.uuid4().hex[:8]}"
    assert staff_post(stack, START, conversation, token, message_id=uuid.uuid4().hex).status_code == 200
    answer_id = uuid.uuid4().hex
    first = staff_post(stack, "pas encore signé", conversation, token, message_id=answer_id)
    assert first.status_code == 200 and first.json()
    again = staff_post(stack, "pas encore signé", conversation, token, message_id=answer_id)  # the widget's re-send
    assert again.status_code == 200 and again.json() == first.json()
    assert stored_user_texts(stack, staff_sender_id("agent@ccas.fr", conversation)) == [START, "pas encore signé"]
    other = staff_post(stack, "pas encore signé", f"mid-{uuid.uuid4().hex[:8]}", token, message_id=answer_id)
    assert other.status_code == 200 and other.json() != first.json()  # the id is per conversation


def test_resends_arriving_while_the_first_runs_are_processed_once(stack):
    token, conversation = staff_token(), f"mid-{uuid.uuid4().hex[:8]}"
    message_id = uuid.uuid4().hex
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: staff_post(stack, START, conversation, token, message_id=message_id),
                                range(3)))
    assert [r.status_code for r in replies] == [200] * 3
    assert replies[0].json() and all(r.json() == replies[0].json() for r in replies)
    assert stored_user_texts(stack, staff_sender_id("agent@ccas.fr", conversation)) == [START]


def test_a_malformed_message_id_is_refused(stack):
    for bad in ("short", "x" * 65, "a b c d e f", 12345678, ["abcdefgh"]):
        response = staff_post(stack, "bonjour", None, staff_token(), message_id=bad)
        assert response.status_code == 400 and "message_id" in response.json()["error"], bad


def test_the_widget_sends_one_id_per_message_kept_on_resends(stack):
    import requests
    script = requests.get(f"{stack.rasa_url}/webhooks/staff/widget.js", timeout=10).text
    assert "message_id: id" in script and "if (!entry.id) { entry.id = messageId(); save(); }" in script
