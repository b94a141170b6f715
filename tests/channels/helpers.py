"""Real-format requests to the running channels, and what counts as professional-only content."""

import itertools
import re
import time
import uuid
from dataclasses import dataclass
from typing import Dict, List, Optional, Set

import requests
from twilio.request_validator import RequestValidator

from bot.channels.markup import comparable
from bot.channels.staff import mint_token
from bot.knowledge.base import KnowledgeBase
from tests.channels import fake_provider as fake

_update_ids = itertools.count(int(time.time()))
_chat_ids = itertools.count(int(time.time() * 1000) % 10 ** 9)
_phones = itertools.count(10_000_000 + int(time.time()) % 1_000_000)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"\b0\d(?:[ .]?\d{2}){4}\b")
PERSON = re.compile(r"\b[A-ZÉÈ][a-zéèëï]+(?:-[A-ZÉÈ][a-zéèëï]+)? [A-ZÉÈ]{2,}\b")  # « Christophe ROBIN »


# --- staff ------------------------------------------------------------------------------------

def staff_token(sub: str = "agent@ccas.fr", minutes: float = 10, secret: str = fake.STAFF_SECRET, **claims) -> str:
    return mint_token(secret, sub, minutes, **claims)


def staff_post(stack, message: str, sender: str = None, token: Optional[str] = None, headers=None,
               **extra) -> requests.Response:
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(f"{stack.rasa_url}/webhooks/staff/webhook", headers=headers, timeout=60,
                         json={"sender": sender or uuid.uuid4().hex[:12], "message": message, **extra})


def staff_text(stack, message: str, sender: str = None, sub: str = "agent@ccas.fr") -> str:
    response = staff_post(stack, message, sender, staff_token(sub))
    response.raise_for_status()
    return "\n\n".join(m.get("text", "") for m in response.json())


# --- Telegram ---------------------------------------------------------------------------------

def new_chat_id() -> int:
    return next(_chat_ids)


def telegram_update(chat_id: int, text: str) -> Dict:
    """An Update as Telegram posts it for a private text message."""
    return {
        "update_id": next(_update_ids),
        "message": {
            "message_id": next(_update_ids) % 100000,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Camille", "language_code": "fr"},
            "chat": {"id": chat_id, "first_name": "Camille", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def telegram_callback(chat_id: int, data: str) -> Dict:
    """An Update as Telegram posts it when an inline keyboard button is pressed."""
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Camille"},
            "message": {
                "message_id": 77, "date": int(time.time()), "text": "…",
                "from": {"id": 123456789, "is_bot": True, "first_name": "Assistant"},
                "chat": {"id": chat_id, "first_name": "Camille", "type": "private"},
            },
            "chat_instance": "42",
            "data": data,
        },
    }


def telegram_post(stack, update: Dict, secret: Optional[str] = fake.TELEGRAM_SECRET) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(f"{stack.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=60)


def telegram_exchange(stack, provider_api, chat_id: int, text: str = None, update: Dict = None) -> List:
    """Post one update and return the sendMessage calls it caused."""
    before = len(provider_api.telegram_messages(chat_id))
    response = telegram_post(stack, update or telegram_update(chat_id, text))
    assert response.status_code == 200, response.text
    return provider_api.telegram_messages(chat_id)[before:]


# --- Twilio -----------------------------------------------------------------------------------

def new_phone() -> str:
    return f"+336{next(_phones):08d}"


def twilio_form(sender: str, body: str) -> Dict[str, str]:
    """The form fields Twilio posts for an incoming SMS (or WhatsApp message, with "whatsapp:")."""
    return {
        "ToCountry": "FR", "ToState": "", "SmsMessageSid": "SM" + uuid.uuid4().hex,
        "NumMedia": "0", "ToCity": "", "FromZip": "", "SmsSid": "SM" + uuid.uuid4().hex,
        "FromState": "", "SmsStatus": "received", "FromCity": "", "Body": body, "FromCountry": "FR",
        "To": fake.TWILIO_NUMBER if not sender.startswith("whatsapp:") else "whatsapp:" + fake.TWILIO_NUMBER,
        "ToZip": "", "NumSegments": "1", "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": fake.TWILIO_ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01",
    }


def twilio_signature(form: Dict[str, str], url: str = fake.TWILIO_PUBLIC_URL, token: str = fake.TWILIO_AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


def twilio_post(stack, form: Dict[str, str], signature: Optional[str] = "valid") -> requests.Response:
    headers = {}
    if signature == "valid":
        headers["X-Twilio-Signature"] = twilio_signature(form)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return requests.post(f"{stack.rasa_url}/webhooks/twilio/webhook", data=form, headers=headers, timeout=60)


def twilio_exchange(stack, provider_api, sender: str, body: str) -> List:
    """Post one incoming SMS and return the messages the bot sent back to that number."""
    recipient = sender
    before = len(provider_api.twilio_messages(recipient))
    response = twilio_post(stack, twilio_form(sender, body))
    assert response.status_code == 200, response.text
    return provider_api.twilio_messages(recipient)[before:]


# --- professional-only content ----------------------------------------------------------------

@dataclass
class ReservedContent:
    """What applicants must never receive: the reserved e-mail addresses, named contacts and phone
    numbers of the entries marked `audience: professionnels`, and every line of their professional
    answers that no applicant text contains."""

    tokens: Set[str]
    phones: Set[str]
    lines: Set[str]

    def leaks(self, reply: str) -> List[str]:
        text = comparable(reply)
        digits = re.sub(r"\D", "", reply)
        found = [t for t in self.tokens if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text)]
        found += [p for p in self.phones if p in digits]
        found += [line[:60] for line in self.lines if line in text]
        return found


def reserved_content(base: KnowledgeBase) -> ReservedContent:
    public_texts = [base.answer_text(entry_id, "tous") or "" for entry_id in base.entries]
    public_texts += [str(value) for value in base.messages.dict().values()]
    public = comparable("\n".join(public_texts))
    public_digits = re.sub(r"\D", "", "\n".join(public_texts))
    tokens, phones, lines = set(), set(), set()
    for entry in base.entries.values():
        if entry.audience != "professionnels":
            continue
        for version in entry.versions("professionnels"):
            for email in EMAIL.findall(version.text):
                if email.lower() not in public:
                    tokens.add(email.lower())
            for person in PERSON.findall(version.text):
                for token in (person.lower(), person.split()[-1].lower()):
                    if token not in public:
                        tokens.add(token)
            for phone in PHONE.findall(version.text):
                digits = re.sub(r"\D", "", phone)
                if digits not in public_digits:
                    phones.add(digits)
            for line in version.text.splitlines():
                line = comparable(line)
                if len(line) >= 30 and line not in public:
                    lines.add(line)
    return ReservedContent(tokens, phones, lines)
