"""Twilio SMS / WhatsApp (applicant audience): Rasa's connector, signed and formatted for SMS.

Differences with rasa.core.channels.twilio:
- every request must carry a valid `X-Twilio-Signature` (HMAC-SHA1 of the public webhook URL and
  the form fields with the account's auth token, checked by twilio's RequestValidator), otherwise
  403. The URL is the public one configured at Twilio (`webhook_url` / TWILIO_WEBHOOK_URL), not the
  one seen behind the reverse proxy;
- the REST API base URL is configurable (`api_url` or env TWILIO_API_URL, default
  https://api.twilio.com) so that tests talk to a local fake; the blocking Twilio client runs in a
  worker thread instead of blocking the server's event loop;
- the bot's messages of a turn (and the privacy notice on first contact) go out as one text, so that
  the handset shows them in order: by SMS worded for SMS (bot/channels/sms.py: the entry's short `sms`
  text, one short source link, GSM-7 characters, about 3 segments), by WhatsApp the whole plain text;
  split on paragraph / sentence boundaries under the length limit (TWILIO_MAX_LENGTH, default 1,600
  characters, Twilio's maximum body), numbered "(1/3)" when split; the last message's buttons become
  numbered choices and a reply "1", "2"… is mapped back to the button's payload from the
  conversation's last bot turn in the tracker store;
- a privacy notice on first contact; sender ids are "twilio:<From>" (e.g. "twilio:+33612345678",
  "twilio:whatsapp:+33612345678"); the channel name is fixed ("twilio": applicant audience);
- a signed request whose `From` is not a phone number gets 400; texts are cleaned and bounded
  (bot/channels/limits.py: `too_long`), an empty body (a photo alone) gets `text_only`, and each
  number has a rate limit whose `rate_limited` notice is sent once per refusal period (every SMS
  costs money: a flood is never answered message for message);
- a message already received (same `MessageSid`: Twilio's retry after a timeout) is acknowledged
  and not processed again (bot/channels/dedup.py: the recent ids of this process).
"""

import asyncio
import functools
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qs, urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.answering.render import SMS_KEY
from bot.channels.common import TWILIO_PREFIX, buttons_of_last_turn, deliver, dialogue_messages, is_first_contact
from bot.channels.dedup import RecentIds
from bot.channels.limits import (EMPTY, TOO_LONG, fill_max, limiter_key, max_message_length, rate_limiter,
                                 clean_incoming_text)
from bot.channels.markup import TWILIO_MAX_LENGTH, choice_from_reply, split_message
from bot.channels.sms import turn_text

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
PHONE = re.compile(r"(?:whatsapp:)?\+?[0-9]{3,20}")  # always fullmatch  # E.164 numbers and short codes
MESSAGE_SID = re.compile(r"[A-Za-z0-9]{2,64}")  # always fullmatch; "SM" / "MM" + 32 hex digits


def phone_of(recipient_id: Text) -> Text:
    return recipient_id[len(TWILIO_PREFIX):] if recipient_id.startswith(TWILIO_PREFIX) else recipient_id


class BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending what it would send to *.twilio.com to another base URL."""

    def __init__(self, base_url: Text, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):
        parts = urlsplit(url)
        if parts.hostname and parts.hostname.endswith("twilio.com"):
            url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, *args, **kwargs)


class _FormFields(dict):
    """Form fields as Twilio signed them: every field, empty ones included, each with its values."""

    def getlist(self, name: str) -> List[str]:  # what RequestValidator looks for
        return self[name]

    def first(self, name: str) -> Optional[str]:
        values = self.get(name)
        return values[0] if values else None


def _form_fields(request: Request) -> _FormFields:
    # Sanic's request.form drops empty fields, which Twilio's signature includes (e.g. ToState="").
    if not (request.content_type or "").startswith("application/x-www-form-urlencoded"):
        return _FormFields()
    try:
        return _FormFields(parse_qs(request.body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return _FormFields()


class TwilioOutput(RasaTwilioOutput):
    def __init__(self, account_sid: Optional[Text], auth_token: Optional[Text], twilio_number: Optional[Text],
                 api_url: Optional[Text] = None, max_length: int = TWILIO_MAX_LENGTH) -> None:
        http_client = BaseUrlHttpClient(api_url, timeout=15) if api_url else TwilioHttpClient(timeout=15)
        Client.__init__(self, account_sid, auth_token, http_client=http_client)
        self.twilio_number = twilio_number
        self.max_length = max_length
        self.send_retry = 0
        self.max_retry = 1

    def _sender_for(self, to: Text) -> Text:
        number = self.twilio_number or ""
        if to.startswith("whatsapp:") and not number.startswith("whatsapp:"):
            return f"whatsapp:{number}"
        return number

    async def _send_message(self, message_data: Dict[Text, Any]) -> Any:
        create = functools.partial(self.messages.create, **message_data)
        try:
            return await asyncio.get_running_loop().run_in_executor(None, create)
        except (TwilioRestException, TwilioException) as exc:
            logger.error("Envoi Twilio refusé : %s", exc)
        except OSError as exc:
            logger.error("Twilio injoignable : %s", exc)
        return None

    async def send_turn(self, recipient_id: Text, messages: List[Dict[Text, Any]]) -> None:
        """The bot's messages of one turn as one text (split in numbered parts only over the length limit)."""
        to = phone_of(recipient_id)
        texts = dialogue_messages()
        body = turn_text(messages, sms=not to.startswith("whatsapp:"), short_key=SMS_KEY,
                         source_label=getattr(texts, "source", "Source"),
                         choices_intro=getattr(texts, "numbered_choices", ""),
                         more=getattr(texts, "sms_more", "Suite et source : {lien}"))
        for part in split_message(body, self.max_length):
            await self._send_message({"to": to, "from_": self._sender_for(to), "body": part})

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_turn(recipient_id, [{"text": text, SMS_KEY: kwargs.get(SMS_KEY)}])

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self.send_turn(recipient_id, [{"text": text, "buttons": buttons, SMS_KEY: kwargs.get(SMS_KEY)}])

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        to = phone_of(recipient_id)
        await self._send_message({"to": to, "from_": self._sender_for(to), "media_url": [image]})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await super().send_custom_json(phone_of(recipient_id), json_message, **kwargs)


class TurnReplies(OutputChannel):
    """Keeps the bot's messages of one turn, for `TwilioOutput.send_turn` to send them as one text."""

    def __init__(self) -> None:
        self.messages: List[Dict[Text, Any]] = []

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if message.get("text") or message.get("buttons"):
            self.messages.append({"text": message.get("text") or "", "buttons": message.get("buttons") or [],
                                  SMS_KEY: message.get(SMS_KEY)})

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.messages.append({"text": text, SMS_KEY: kwargs.get(SMS_KEY)})


class TwilioInput(RasaTwilioInput):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            account_sid=credentials.get("account_sid"),
            auth_token=credentials.get("auth_token"),
            twilio_number=credentials.get("twilio_number"),
            webhook_url=credentials.get("webhook_url") or os.environ.get("TWILIO_WEBHOOK_URL"),
            api_url=credentials.get("api_url") or os.environ.get("TWILIO_API_URL") or None,
            max_length=int(credentials.get("max_length") or os.environ.get("TWILIO_MAX_LENGTH") or TWILIO_MAX_LENGTH),
        )

    def __init__(self, account_sid: Optional[Text], auth_token: Optional[Text], twilio_number: Optional[Text],
                 webhook_url: Optional[Text], api_url: Optional[Text] = None,
                 max_length: int = TWILIO_MAX_LENGTH) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        if not auth_token or not webhook_url:
            raise ValueError("Twilio : TWILIO_AUTH_TOKEN et TWILIO_WEBHOOK_URL (l'adresse publique du webhook, "
                             "celle configurée chez Twilio) sont nécessaires pour vérifier les signatures")
        if not 70 <= max_length <= TWILIO_MAX_LENGTH:
            raise ValueError(f"TWILIO_MAX_LENGTH : entre 70 et {TWILIO_MAX_LENGTH} caractères")
        self.webhook_url = webhook_url
        self.api_url = api_url
        self.max_length = max_length
        self.validator = RequestValidator(auth_token)
        self.max_input_length = max_message_length()
        self.limiter = rate_limiter()
        self.recent = RecentIds()

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_url, self.max_length)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio = Blueprint("twilio_webhook", __name__)
        out_channel = self.get_output_channel()

        @twilio.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            signature = request.headers.get("X-Twilio-Signature", "")
            form = _form_fields(request)
            if not signature or not self.validator.validate(self.webhook_url, form, signature):
                return response.json({"error": "forbidden"}, status=403)
            sender, text = form.first("From"), form.first("Body")
            done = response.text(EMPTY_TWIML, content_type="text/xml")
            if not sender or not PHONE.fullmatch(sender):
                return response.json({"error": "« From » : numéro de téléphone attendu"}, status=400)
            sender_id = f"{TWILIO_PREFIX}{sender}"
            sid = form.first("MessageSid") or form.first("SmsMessageSid")
            if sid and MESSAGE_SID.fullmatch(sid) and self.recent.seen(sid):
                logger.info("event=twilio.retry_dropped")  # already received: acknowledged, not processed
                return done
            decision = self.limiter.check(limiter_key(self.name(), sender))
            if not decision.allowed:
                if decision.notify:
                    await out_channel.send_text_message(sender_id, dialogue_messages().rate_limited)
                return done
            # Some carriers turn @ into ¡ (as Rasa's connector does).
            text, problem = clean_incoming_text((text or "").replace("¡", "@"), self.max_input_length)
            if problem == EMPTY:
                await out_channel.send_text_message(sender_id, dialogue_messages().text_only)
                return done
            if problem == TOO_LONG:
                await out_channel.send_text_message(sender_id, fill_max(dialogue_messages().too_long,
                                                                        self.max_input_length))
                return done
            payload = choice_from_reply(text, await buttons_of_last_turn(request.app, sender_id))
            turn = TurnReplies()
            try:
                if await is_first_contact(request.app, sender_id):
                    await turn.send_text_message(sender_id, dialogue_messages().privacy)
            except Exception:
                logger.exception("Information sur les données impossible à préparer (Twilio)")
            await deliver(on_new_message, payload or text, turn, sender_id, self.name())
            await out_channel.send_turn(sender_id, turn.messages)
            return done

        return twilio
