"""Telegram against the running server: real Update payloads in, Bot API calls recorded by the local
fake out (TELEGRAM_API_URL)."""

import hashlib
import json

import pytest

from bot.channels.markup import comparable, telegram_callback_data
from bot.knowledge import load_knowledge
from tests.channels import fake_provider as fake
from tests.channels.helpers import new_chat_id, telegram_callback, telegram_exchange, telegram_post, telegram_update
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.e2e
AVIS = load_knowledge(PROJECT_ROOT / "knowledge").dialogue.avis  # the 👍 / 👎 texts (knowledge/dialogue.yml)


@pytest.fixture(scope="module")
def knowledge(stack):
    return load_knowledge(stack.knowledge_dir)


def is_feedback(keyboard) -> bool:
    return any(b["callback_data"].startswith("/feedback") or b["text"] in (AVIS.up, AVIS.down)
               for row in keyboard["inline_keyboard"] for b in row)


def answer_keyboard(provider_api, chat_id):
    """The last keyboard of an answer (the 👍 / 👎 one that follows it is left out)."""
    keyboards = [json.loads(c.params["reply_markup"]) for c in provider_api.telegram_messages(chat_id)
                 if c.params.get("reply_markup")]
    return [k for k in keyboards if not is_feedback(k)][-1]


@pytest.mark.parametrize("secret", [None, "", "mauvais-secret", fake.TELEGRAM_SECRET + "x"])
def test_updates_without_the_secret_token_are_refused(stack, provider_api, secret):
    chat_id = new_chat_id()
    response = telegram_post(stack, telegram_update(chat_id, "visale pour un couple ?"), secret=secret)
    assert response.status_code == 403
    assert provider_api.telegram_messages(chat_id) == []


def test_start_gets_privacy_notice_then_greeting(stack, provider_api, knowledge):
    chat_id = new_chat_id()
    sent = telegram_exchange(stack, provider_api, chat_id, "/start")
    assert len(sent) >= 2
    assert comparable(sent[0].params["text"]) == comparable(knowledge.messages.privacy)
    assert all(call.params["parse_mode"] == "HTML" for call in sent)
    assert sent[0].path == f"/bot{fake.TELEGRAM_TOKEN}/sendMessage"
    # the notice is only for the first contact
    later = telegram_exchange(stack, provider_api, chat_id, "visale pour un couple ?")
    assert not any(comparable(knowledge.messages.privacy) in comparable(c.params["text"]) for c in later)
    assert comparable(knowledge.answer_text("visale_couple", "tous")) in comparable(
        "\n".join(c.params["text"] for c in later))


def test_answer_is_html_with_links_and_inline_keyboard(stack, provider_api, knowledge):
    chat_id = new_chat_id()
    telegram_exchange(stack, provider_api, chat_id, "/start")
    sent = telegram_exchange(stack, provider_api, chat_id, "c'est quoi AL'in ?")
    text = "\n".join(call.params["text"] for call in sent)
    assert "<b>" in text and '<a href="https://' in text and "**" not in text and "<https://" not in text
    keyboards = [json.loads(c.params["reply_markup"]) for c in sent if c.params.get("reply_markup")]
    keyboards = [k for k in keyboards if not is_feedback(k)]  # then 👍 / 👎 (knowledge/dialogue.yml `avis`)
    assert keyboards, "the answer's related entries come as buttons"
    buttons = [b for row in keyboards[-1]["inline_keyboard"] for b in row]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    assert all(len(row) == 1 for row in keyboards[-1]["inline_keyboard"])


def test_button_press_answers_the_chosen_entry(stack, provider_api, knowledge):
    chat_id = new_chat_id()
    telegram_exchange(stack, provider_api, chat_id, "/start")
    telegram_exchange(stack, provider_api, chat_id, "c'est quoi AL'in ?")
    keyboard = answer_keyboard(provider_api, chat_id)
    titles = {entry.title for entry in knowledge.entries.values()}
    button = next(b for row in keyboard["inline_keyboard"] for b in row if b["text"] in titles)  # not the check
    chosen = next(entry_id for entry_id, entry in knowledge.entries.items() if entry.title == button["text"])
    before = len(provider_api.calls_where(lambda c: c.method == "answerCallbackQuery"))
    sent = telegram_exchange(stack, provider_api, chat_id, update=telegram_callback(chat_id, button["callback_data"]))
    assert comparable(knowledge.answer_text(chosen, "tous")) in comparable("\n".join(c.params["text"] for c in sent))
    assert len(provider_api.calls_where(lambda c: c.method == "answerCallbackQuery")) == before + 1


def test_digest_callback_data_is_resolved_from_the_conversation(stack, provider_api, knowledge):
    """Payloads longer than Telegram's 64 bytes travel as "#<digest>" (no entry id is that long
    today, so the digest of an offered short payload is sent): the channel finds the payload among
    the buttons the bot sent in this conversation, read from the tracker store."""
    chat_id = new_chat_id()
    telegram_exchange(stack, provider_api, chat_id, "c'est quoi AL'in ?")
    keyboard = answer_keyboard(provider_api, chat_id)
    button = keyboard["inline_keyboard"][-1][0]
    payload = button["callback_data"]
    digest = "#" + hashlib.sha256(payload.encode()).hexdigest()[:32]
    assert telegram_callback_data(payload + " " * 64).startswith("#")  # what a long payload would become
    chosen = next(entry_id for entry_id, entry in knowledge.entries.items() if entry.title == button["text"])
    sent = telegram_exchange(stack, provider_api, chat_id, update=telegram_callback(chat_id, digest))
    assert comparable(knowledge.answer_text(chosen, "tous")) in comparable("\n".join(c.params["text"] for c in sent))


def test_unknown_digest_is_ignored(stack, provider_api):
    chat_id = new_chat_id()
    sent = telegram_exchange(stack, provider_api, chat_id, update=telegram_callback(chat_id, "#" + "0" * 32))
    assert sent == []


def test_injection_in_a_message_is_escaped(stack, provider_api):
    chat_id = new_chat_id()
    sent = telegram_exchange(stack, provider_api, chat_id, "<b>gras</b> <img src=x onerror=alert(1)>")
    for call in sent:
        assert "<img" not in call.params["text"]


def test_non_text_updates_are_acknowledged(stack, provider_api):
    chat_id = new_chat_id()
    update = telegram_update(chat_id, "x")
    del update["message"]["text"]
    update["message"]["sticker"] = {"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1,
                                    "is_animated": False}
    assert telegram_post(stack, update).status_code == 200
    assert telegram_post(stack, {"update_id": 1}).status_code == 200
    assert telegram_post(stack, ["pas", "un", "objet"]).status_code == 400


def test_no_call_to_telegram_at_start_up_or_per_message(stack, provider_api):
    """Stock Rasa calls setWebhook at start-up (and fails offline) and getMe on every message."""
    telegram_exchange(stack, provider_api, new_chat_id(), "bonjour")
    assert provider_api.calls_where(lambda c: c.method in ("getMe", "setWebhook", "deleteWebhook")) == []
