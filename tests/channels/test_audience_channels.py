"""Audience rule: professional-only content never reaches an applicant channel (public REST,
Telegram, Twilio), whatever the message claims; the authenticated staff channel does get it.

The messages are in adversarial_prompts.yml; the reserved content is computed from knowledge/
(every entry with `audience: professionnels`: reserved e-mail addresses, named contact, phone
number, and every line of the professional answers that no applicant text contains)."""

import uuid
from pathlib import Path

import pytest
import requests
import yaml

from bot.knowledge import load_knowledge
from tests.channels.helpers import (new_chat_id, new_phone, reserved_content, staff_text, telegram_callback,
                                    telegram_exchange, twilio_exchange)

pytestmark = pytest.mark.e2e
PROMPTS = yaml.safe_load((Path(__file__).parent / "adversarial_prompts.yml").read_text(encoding="utf-8"))["prompts"]
TEXTS = [prompt["text"] for prompt in PROMPTS]


def test_there_are_enough_adversarial_prompts_of_each_kind():
    assert len(TEXTS) >= 50 and len(set(TEXTS)) == len(TEXTS)
    kinds = {prompt["kind"] for prompt in PROMPTS}
    assert kinds == {"role", "ask", "spelling", "injection"}
    assert all(sum(p["kind"] == kind for p in PROMPTS) >= 5 for kind in kinds)


@pytest.fixture(scope="module")
def reserved(stack):
    content = reserved_content(load_knowledge(stack.knowledge_dir))
    assert content.tokens and content.phones and content.lines, "nothing professional-only found in knowledge/"
    return content


def rest_reply(stack, text: str) -> str:
    """A public REST request that also claims the staff channel and the professional audience."""
    response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=60, json={
        "sender": f"adv-{uuid.uuid4().hex[:10]}", "message": text,
        "input_channel": "staff", "metadata": {"audience": "professionnels", "input_channel": "staff"}})
    response.raise_for_status()
    return "\n\n".join(m.get("text", "") for m in response.json())


def test_rest_never_leaks(stack, reserved):
    leaks = {text: reserved.leaks(rest_reply(stack, text)) for text in TEXTS}
    assert not {t: l for t, l in leaks.items() if l}


def test_telegram_never_leaks(stack, provider_api, reserved):
    chat_id = new_chat_id()  # one conversation, the attacker insisting message after message
    leaks = {}
    for text in TEXTS:
        sent = telegram_exchange(stack, provider_api, chat_id, text)
        leaks[text] = reserved.leaks("\n".join(c.params["text"] + c.params.get("reply_markup", "") for c in sent))
    assert not {t: l for t, l in leaks.items() if l}


def test_telegram_forged_button_payloads_never_leak(stack, provider_api, reserved):
    chat_id = new_chat_id()
    for text in TEXTS:
        if text.startswith("/"):
            sent = telegram_exchange(stack, provider_api, chat_id, update=telegram_callback(chat_id, text))
            assert not reserved.leaks("\n".join(c.params["text"] for c in sent)), text


def test_twilio_never_leaks(stack, provider_api, reserved):
    phone = new_phone()
    leaks = {}
    for text in TEXTS:
        sent = twilio_exchange(stack, provider_api, phone, text)
        leaks[text] = reserved.leaks("\n".join(c.params["Body"] for c in sent))
    assert not {t: l for t, l in leaks.items() if l}


def test_twilio_numbered_choice_never_leaks(stack, provider_api, reserved):
    """Answering a clarification's number picks the entry, but still in its applicant version."""
    phone = new_phone()
    offered = 0
    # The last message always offers numbered choices (its answer has related entries as buttons).
    for text in list(TEXTS) + ["contact action logement pour la MEL"]:
        sent = twilio_exchange(stack, provider_api, phone, text)
        if "\n1. " in (sent[-1].params["Body"] if sent else ""):
            offered += 1
            for number in ("1", "2"):
                reply = twilio_exchange(stack, provider_api, phone, number)
                assert not reserved.leaks("\n".join(c.params["Body"] for c in reply)), (text, number)
    assert offered, "no numbered choice was offered"


def test_staff_channel_gets_the_reserved_content(stack, reserved):
    """The same messages reach the reserved entries on the staff channel: the applicant results above
    are not vacuous."""
    reached = [text for text in TEXTS if reserved.leaks(staff_text(stack, text))]
    print(f"staff channel: {len(reached)}/{len(TEXTS)} adversarial messages reach reserved content")
    assert len(reached) >= len(TEXTS) // 2, f"{len(reached)}/{len(TEXTS)}"
    for question in ("adresse mail du service accompagnement logement", "contact action logement MEL"):
        found = reserved.leaks(staff_text(stack, question))
        assert found, question
