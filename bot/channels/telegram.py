"""Telegram (applicant audience): Rasa's connector, made safe to run and to test offline.

Differences with rasa.core.channels.telegram:
- the Bot API base URL is configurable (`api_url` or env TELEGRAM_API_URL, default
  https://api.telegram.org), so that tests talk to a local fake and the server starts offline;
- no call to Telegram at start-up (Rasa calls setWebhook there and refuses to start offline) and
  none per message (Rasa calls getMe to compare the bot's name). setWebhook is done by hand
  (docs/channels.md) or, with TELEGRAM_SET_WEBHOOK=1, once the server runs, failures only logged;
- every update must carry the `X-Telegram-Bot-Api-Secret-Token` header given to setWebhook
  (`secret_token`), otherwise 403;
- texts are sent as HTML (bold, real links, everything else escaped), split under Telegram's
  length limit; buttons are an inline keyboard whose callback data fits Telegram's 64 bytes;
- a privacy notice on first contact; "/start" is answered as a greeting;
- sender ids are "telegram:<chat id>"; the channel name is fixed ("telegram": applicant audience)
  and Telegram updates carry no metadata that could change it;
- an update that does not have Telegram's shape (wrong types, no chat id) gets 400; texts are
  cleaned and bounded (bot/channels/limits.py: `too_long`), a message without text (photo, voice
  note, sticker) gets `text_only`, and each chat has a rate limit whose `rate_limited` notice is
  sent once per refusal period (every later update is acknowledged and dropped: Telegram must not
  retry it, and we must not answer a flood message for message);
- an update already received (same `update_id`: Telegram's retry) is acknowledged and not processed
  again (bot/channels/dedup.py: the recent ids of this process).
"""

import asyncio
import hmac
import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import TELEGRAM_PREFIX, all_buttons, deliver, dialogue_messages, is_first_contact
from bot.channels.dedup import RecentIds
from bot.channels.limits import (EMPTY, TOO_LONG, fill_max, limiter_key, max_message_length, rate_limiter,
                                 clean_incoming_text)
from bot.channels.markup import (TELEGRAM_MAX_LENGTH, payload_from_callback, split_message,
                                     telegram_callback_data, to_telegram_html)

logger = logging.getLogger(__name__)

SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
START_AS = "bonjour"
MAX_CHAT_ID = 2 ** 53  # Telegram ids fit in 52 bits (and a double)
# Room for the HTML tags added to a part (the limit counts the text after entity parsing).
SPLIT_AT = TELEGRAM_MAX_LENGTH - 96


def chat_id(recipient_id: Text) -> Text:
    return recipient_id[len(TELEGRAM_PREFIX):] if recipient_id.startswith(TELEGRAM_PREFIX) else recipient_id


def _valid_chat(message: Any) -> bool:
    """aiogram builds objects from any JSON: check what the channel relies on."""
    chat = getattr(message, "chat", None)
    ident = getattr(chat, "id", None)
    return isinstance(ident, int) and not isinstance(ident, bool) and abs(ident) < MAX_CHAT_ID


class TelegramOutput(RasaTelegramOutput):
    """Sends through the Bot API at `api_url` (aiogram does the HTTP)."""

    def __init__(self, access_token: Optional[Text], api_url: Optional[Text] = None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def _send_parts(self, recipient_id: Text, text: Text, reply_markup: Any = None) -> None:
        parts = split_message(text, SPLIT_AT, number_parts=False) or [""]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await self.send_message(chat_id(recipient_id), to_telegram_html(part) or "…", parse_mode="HTML",
                                    disable_web_page_preview=True, reply_markup=reply_markup if last else None)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_parts(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = "vertical", **kwargs: Any) -> None:
        markup = InlineKeyboardMarkup()
        for button in buttons:  # one per row: the titles are too long to share a row
            markup.row(InlineKeyboardButton(button["title"],
                                            callback_data=telegram_callback_data(button["payload"])))
        await self._send_parts(recipient_id, text, markup)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_photo(chat_id(recipient_id), image)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await super().send_custom_json(chat_id(recipient_id), json_message, **kwargs)


class TelegramInput(RasaTelegramInput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            access_token=credentials.get("access_token"),
            secret_token=str(credentials.get("secret_token") or ""),
            webhook_url=credentials.get("webhook_url") or os.environ.get("TELEGRAM_WEBHOOK_URL") or None,
            api_url=credentials.get("api_url") or os.environ.get("TELEGRAM_API_URL") or None,
            set_webhook_on_start=str(credentials.get("set_webhook", os.environ.get("TELEGRAM_SET_WEBHOOK", "")))
            in ("1", "true", "True"),
        )

    def __init__(self, access_token: Optional[Text], secret_token: Text, webhook_url: Optional[Text] = None,
                 api_url: Optional[Text] = None, set_webhook_on_start: bool = False) -> None:
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        if not SECRET_TOKEN.fullmatch(secret_token or ""):
            raise ValueError("TELEGRAM_SECRET_TOKEN : 1 à 256 caractères parmi A-Z, a-z, 0-9, _ et - "
                             "(la valeur passée à setWebhook)")
        self.secret_token = secret_token
        self.api_url = api_url
        self.set_webhook_on_start = set_webhook_on_start
        self.max_length = max_message_length()
        self.limiter = rate_limiter()
        self.recent = RecentIds()
        self.get_output_channel()  # checks the token's format now, without any network call

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token, self.api_url)

    def _authentic(self, request: Request) -> bool:
        received = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return hmac.compare_digest(received.encode("utf-8"), self.secret_token.encode("utf-8"))

    async def _register_webhook(self, out_channel: TelegramOutput) -> None:
        try:
            await out_channel.request("setWebhook", {
                "url": self.webhook_url,
                "secret_token": self.secret_token,
                "allowed_updates": json.dumps(["message", "edited_message", "callback_query"]),
            })
            logger.info("Webhook Telegram enregistré : %s", self.webhook_url)
        except Exception as exc:  # offline or refused: the server keeps running
            logger.warning("Enregistrement du webhook Telegram impossible (%s) ; voir docs/channels.md", exc)

    @staticmethod
    async def _notify(out_channel: TelegramOutput, sender_id: Text, text: Text) -> None:
        try:
            await out_channel.send_text_message(sender_id, text)
        except Exception as exc:
            logger.warning("Envoi d'un message Telegram impossible : %s", exc)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        if self.set_webhook_on_start and self.webhook_url:
            @telegram.listener("after_server_start")
            async def register(_app: Any, _loop: Any) -> None:
                asyncio.ensure_future(self._register_webhook(out_channel))

        @telegram.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self._authentic(request):
                return response.json({"error": "forbidden"}, status=403)
            unreadable = response.json({"error": "mise à jour Telegram illisible"}, status=400)
            try:
                payload = request.json
                if isinstance(payload, str):
                    payload = json.loads(payload)
                update = Update(**payload)
                query, msg = update.callback_query, update.message or update.edited_message
            except Exception:
                return unreadable
            update_id = payload.get("update_id") if isinstance(payload, dict) else None
            if isinstance(update_id, int) and not isinstance(update_id, bool) and self.recent.seen(update_id):
                logger.info("event=telegram.retry_dropped")  # already received: acknowledged, not processed
                return response.text("success")

            if query is not None:
                msg = query.message
                if msg is None:
                    return response.text("success")
                if not _valid_chat(msg) or not isinstance(query.data, (str, type(None))):
                    return unreadable
                sender_id = f"{TELEGRAM_PREFIX}{msg.chat.id}"
                if not self.limiter.check(limiter_key(self.name(), sender_id)).allowed:  # a button: no notice
                    return response.text("success")
                text, _ = clean_incoming_text(query.data or "", self.max_length)
                if text.startswith("#"):  # a digest of a payload longer than 64 bytes
                    text = payload_from_callback(text, await all_buttons(request.app, sender_id))
                try:
                    await out_channel.answer_callback_query(query.id)
                except Exception as exc:
                    logger.warning("answerCallbackQuery a échoué : %s", exc)
                if not text:
                    return response.text("success")
            else:
                if msg is None:
                    return response.text("success")  # other kinds of updates (chat member…)
                if not _valid_chat(msg) or not isinstance(msg.text, (str, type(None))):
                    return unreadable
                sender_id = f"{TELEGRAM_PREFIX}{msg.chat.id}"
                decision = self.limiter.check(limiter_key(self.name(), sender_id))
                if not decision.allowed:
                    if decision.notify:
                        await self._notify(out_channel, sender_id, dialogue_messages().rate_limited)
                    return response.text("success")
                text, problem = clean_incoming_text(msg.text or "", self.max_length)
                if problem == EMPTY:
                    await self._notify(out_channel, sender_id, dialogue_messages().text_only)
                    return response.text("success")
                if problem == TOO_LONG:
                    await self._notify(out_channel, sender_id, fill_max(dialogue_messages().too_long, self.max_length))
                    return response.text("success")
                if text.split(" ", 1)[0].split("@", 1)[0] == "/start":
                    text = START_AS

            try:
                if await is_first_contact(request.app, sender_id):
                    await out_channel.send_text_message(sender_id, dialogue_messages().privacy)
            except Exception:
                logger.exception("Envoi de l'information sur les données impossible (Telegram)")
            # Telegram retries an update until it gets 200: never loop on a failing message.
            await deliver(on_new_message, text, out_channel, sender_id, self.name())
            return response.text("success")

        return telegram
