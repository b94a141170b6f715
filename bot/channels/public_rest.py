"""The public REST webhook (/webhooks/rest/webhook): always the applicant audience.

Rasa's stock RestInput lets the client choose `input_channel` in the JSON body, which would let
anyone claim to be the staff channel. Here the channel name is fixed and client metadata is
dropped, so the audience can only come from an authenticated channel. Sender ids reserved for the
other channels ("staff:…", "telegram:…", "twilio:…") are refused, so that a REST client cannot
write into their conversations.

Every request is checked before it reaches Rasa (bot/channels/limits.py), and each problem has its
own clear answer, never a 5xx:
- 400 `{"error": …}`: the body is not a JSON object, `sender` is missing or not an id
  (`[A-Za-z0-9._@:+=-]{1,128}`, a letter or digit first and last, checked with fullmatch: without
  it Rasa would put every such client in one shared "default" conversation), `message` is missing,
  not a string or empty once control characters are removed;
- 413 and 429 answer like a normal reply (a list of bot messages, here one polite message:
  `too_long`, `rate_limited` from knowledge/dialogue.yml), 429 with `Retry-After`: per sender id
  (normalised), per client address and overall (bot/channels/limits.py);
- 200: the bot's messages, never an empty list (see `deliver`). `?stream=true` is not offered.

On the first contact of a sender (no user message stored yet, `is_first_contact`) the reply starts
with the privacy notice of knowledge/dialogue.yml (`messages.privacy`), as on Telegram and Twilio:
`{"recipient_id": …, "text": <notice>, "notice": "privacy"}`, the `notice` key letting a client (and
the tests) tell it from the answer that follows. Not when the conversation cannot be read (unknown
is not new), nor on 400, 413 and 429 answers.
"""

import logging
import math
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import RESERVED_SENDER_PREFIXES, deliver, dialogue_messages, is_first_contact
from bot.channels.limits import (EMPTY, TOO_LONG, client_address, fill_max, limiter_key, max_message_length,
                                 rate_limiter, clean_incoming_text, rest_sender_ok)

logger = logging.getLogger(__name__)

PRIVACY_NOTICE = "privacy"  # the `notice` key of the privacy notice's message

SENDER_ERROR = ("« sender » : identifiant de conversation attendu (lettres, chiffres et . _ @ : + = -, "
                "commençant et finissant par une lettre ou un chiffre, 128 caractères au plus)")


def json_object(request: Request) -> Optional[Dict[str, Any]]:
    """The request's JSON body if it is an object, else None (invalid JSON or UTF-8 included)."""
    try:
        body = request.json
    except Exception:  # sanic's InvalidUsage, whatever the parsing problem
        return None
    return body if isinstance(body, dict) else None


def error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def bot_reply(sender: str, text: str, status: int, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    return response.json([{"recipient_id": sender, "text": text}], status=status, headers=headers)


class PublicRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        self.max_length = max_message_length()
        self.limiter = rate_limiter()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("custom_webhook_PublicRestInput", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = json_object(request)
            if body is None:
                return error(400, 'corps JSON attendu : {"sender": "…", "message": "…"}')
            sender = body.get("sender")
            if not rest_sender_ok(sender):
                return error(400, SENDER_ERROR)
            if sender.lower().startswith(RESERVED_SENDER_PREFIXES):
                return error(400, "« sender » : ce préfixe est réservé à un autre canal")
            decision = self.limiter.check(limiter_key(self.name(), sender), client_address(request))
            if not decision.allowed:
                return bot_reply(sender, dialogue_messages().rate_limited, 429,
                                 {"Retry-After": str(max(1, math.ceil(decision.retry_after)))})
            raw = body.get("message")
            if not isinstance(raw, str):
                return error(400, "« message » : texte attendu")
            text, problem = clean_incoming_text(raw, self.max_length)
            if problem == EMPTY:
                return error(400, "« message » : le message est vide")
            if problem == TOO_LONG:
                return bot_reply(sender, fill_max(dialogue_messages().too_long, self.max_length), 413)
            collector = CollectingOutputChannel()
            try:
                if await is_first_contact(request.app, sender):
                    collector.messages.append({"recipient_id": sender, "text": dialogue_messages().privacy,
                                               "notice": PRIVACY_NOTICE})
            except Exception:
                logger.exception("Envoi de l'information sur les données impossible (REST)")
            await deliver(on_new_message, text, collector, sender, self.name())
            return response.json(collector.messages)

        return rest
