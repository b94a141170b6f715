"""Twilio SMS / WhatsApp against the running server: signed form posts in, REST API calls recorded by
the local fake out (TWILIO_API_URL). The test stack sets TWILIO_MAX_LENGTH=320 to exercise splitting."""

import base64
import re

import pytest

from bot.channels.markup import comparable
from bot.channels.sms import is_gsm
from bot.knowledge import load_knowledge
from tests.channels import fake_provider as fake
from tests.channels.helpers import new_phone, twilio_exchange, twilio_form, twilio_post, twilio_signature

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def knowledge(stack):
    return load_knowledge(stack.knowledge_dir)


def bodies(calls):
    return [call.params["Body"] for call in calls]


def test_unsigned_or_badly_signed_requests_are_refused(stack, provider_api):
    phone = new_phone()
    form = twilio_form(phone, "visale pour un couple ?")
    cases = {
        "no signature": None,
        "empty": "",
        "garbage": "abc",
        "other auth token": twilio_signature(form, token="0" * 32),
        "other URL": twilio_signature(form, url="https://evil.example/webhooks/twilio/webhook"),
        "body changed after signing": twilio_signature({**form, "Body": "bonjour"}),
    }
    for case, signature in cases.items():
        assert twilio_post(stack, form, signature).status_code == 403, case
    tampered = {**form, "From": new_phone()}
    assert twilio_post(stack, tampered, twilio_signature(form)).status_code == 403
    assert provider_api.twilio_messages(phone) == []


def test_first_contact_gets_privacy_notice_then_plain_answer(stack, provider_api, knowledge):
    phone = new_phone()
    sent = twilio_exchange(stack, provider_api, phone, "visale pour un couple ?")
    texts = bodies(sent)
    # the notice and the answer in one text (parts over the test stack's 320 characters, numbered in order)
    assert [re.match(r"^\((\d+)/(\d+)\) ", t).groups() for t in texts] == [
        (str(i), str(len(texts))) for i in range(1, len(texts) + 1)]
    privacy = comparable(knowledge.messages.privacy)
    assert comparable("\n".join(texts)).startswith(privacy)
    answer = knowledge.answer_text("visale_couple", "tous").strip().splitlines()
    assert comparable(answer[0]) in comparable("\n".join(texts))
    assert comparable(answer[-1]) not in comparable("\n".join(texts))  # cut to fit in 3 SMS…
    more = knowledge.messages.sms_more.format(lien="www.visale.fr")
    assert f"\n{more} (vérifié le " in "\n".join(texts)  # …with one short link to the rest and the source
    assert all(is_gsm(text) for text in texts)  # GSM-7 characters only (« » and ô are not)
    for call in sent:
        assert call.params["From"] == fake.TWILIO_NUMBER and call.params["To"] == phone
        assert call.auth == "Basic " + base64.b64encode(
            f"{fake.TWILIO_ACCOUNT_SID}:{fake.TWILIO_AUTH_TOKEN}".encode()).decode()
        assert call.path == f"/2010-04-01/Accounts/{fake.TWILIO_ACCOUNT_SID}/Messages.json"
    for text in texts:
        assert "**" not in text and "<https" not in text and "](" not in text
    later = bodies(twilio_exchange(stack, provider_api, phone, "c'est quoi visale ?"))
    assert privacy not in comparable("\n".join(later))


def test_long_answers_are_split_in_numbered_parts_under_the_limit(stack, provider_api):
    phone = new_phone()
    twilio_exchange(stack, provider_api, phone, "bonjour")
    texts = bodies(twilio_exchange(stack, provider_api, phone, "c'est quoi mobili jeune ?"))
    assert len(texts) > 1
    assert all(len(text) <= fake.TWILIO_MAX_LENGTH for text in texts)
    numbered = [t for t in texts if re.match(r"^\(\d+/\d+\) ", t)]
    assert numbered, texts
    markers = [re.match(r"^\((\d+)/(\d+)\) ", t).groups() for t in numbered]
    total = markers[0][1]
    assert [m[0] for m in markers] == [str(i) for i in range(1, int(total) + 1)]
    assert all(not text.endswith((" le", " de", " à")) for text in texts)  # cut on sentence or clause ends


def test_buttons_become_numbered_choices_and_a_digit_picks_one(stack, provider_api, knowledge):
    phone = new_phone()
    first = bodies(twilio_exchange(stack, provider_api, phone, "c'est quoi AL'in ?"))
    last = first[-1]
    intro = knowledge.messages.numbered_choices
    assert intro in last
    choices = re.findall(r"^(\d+)\. (.+)$", last.split(intro, 1)[1], flags=re.MULTILINE)
    assert choices and choices[0][0] == "1"
    number, title = choices[-1]
    chosen = next(entry_id for entry_id, entry in knowledge.entries.items() if comparable(entry.title) == comparable(title))
    reply = bodies(twilio_exchange(stack, provider_api, phone, f" {number} "))
    first_line = knowledge.answer_text(chosen, "tous").strip().splitlines()[0]  # an answer may be cut to fit 3 SMS
    assert comparable(first_line) in comparable("\n".join(reply))
    assert all(is_gsm(body) for body in reply)


def test_a_digit_without_pending_choices_goes_to_understanding(stack, provider_api, knowledge):
    phone = new_phone()
    twilio_exchange(stack, provider_api, phone, "merci")
    reply = bodies(twilio_exchange(stack, provider_api, phone, "7"))
    assert reply  # answered (help or clarification), not mapped to a button


def test_whatsapp_sender_is_answered_from_the_whatsapp_number(stack, provider_api):
    phone = "whatsapp:" + new_phone()
    sent = twilio_exchange(stack, provider_api, phone, "loca pass c'est quoi")
    assert sent and all(call.params["From"] == "whatsapp:" + fake.TWILIO_NUMBER for call in sent)
