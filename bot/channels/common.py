"""What the channels share: dialogue texts from knowledge/, and what a conversation already holds
(read from the tracker store, so that it works the same with several Rasa replicas)."""

import asyncio
import logging
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.knowledge import KnowledgeErrors, KnowledgeStore

logger = logging.getLogger(__name__)

# Sender ids of the authenticated and messaging channels carry their channel's prefix, so that a
# public REST client cannot write into their conversations (public_rest.py refuses these prefixes).
STAFF_PREFIX = "staff:"
TELEGRAM_PREFIX = "telegram:"
TWILIO_PREFIX = "twilio:"
RESERVED_SENDER_PREFIXES = (STAFF_PREFIX, TELEGRAM_PREFIX, TWILIO_PREFIX)

# Used only if knowledge/ has never been valid since the server started.
FALLBACK_MESSAGES = SimpleNamespace(
    welcome="Bonjour ! Je réponds à vos questions sur les aides d'Action Logement.",
    privacy=("Information : vous échangez avec un assistant automatique. Vos messages sont enregistrés pour "
             "vous répondre ; n'y indiquez pas d'informations personnelles."),
    unavailable="Le service est momentanément indisponible. Merci de réessayer dans quelques minutes.",
    numbered_choices="Répondez par le numéro de votre choix :",
    too_long="Votre message est trop long pour moi ({max} caractères au plus). "
             "Pouvez-vous poser votre question en quelques phrases ?",
    rate_limited="Vous avez envoyé beaucoup de messages en peu de temps. Merci de patienter un instant "
                 "avant d'écrire de nouveau ; votre conversation est conservée.",
    text_only="Je ne peux lire que les messages écrits. Posez votre question en quelques mots.",
)


@lru_cache(maxsize=1)
def _knowledge_store() -> KnowledgeStore:
    """The Rasa server's store: it falls back on the action server's snapshot, never writes it."""
    return KnowledgeStore.from_environment(write_snapshot=False)


def dialogue_messages() -> Any:
    """knowledge/dialogue.yml `messages` (hot-reloaded, last valid version)."""
    try:
        return _knowledge_store().current().messages
    except KnowledgeErrors as exc:
        logger.error("Textes du dialogue indisponibles, textes par défaut utilisés : %s", exc.report())
        return FALLBACK_MESSAGES


def _tracker_store(app: Any) -> Any:
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "tracker_store", None)


_UNREADABLE = object()  # the tracker store failed: not the same as an unknown (new) conversation


async def _read_tracker(app: Any, sender_id: str, full: bool = False) -> Any:
    """The conversation's tracker, None if unknown, `_UNREADABLE` if the tracker store failed."""
    store = _tracker_store(app)
    if store is None:
        return None
    try:
        if full:
            return await store.retrieve_full_tracker(sender_id)
        return await store.retrieve(sender_id)
    except Exception as exc:  # a tracker store outage must not stop the message itself
        # Never the sender id (raw or stored) in the logs: a reference and the error class only.
        from bot.persistence.config import log_reference
        from bot.persistence.logs import error_summary, log_event
        log_event(logger, logging.WARNING, "channels.tracker_unreadable", conversation=log_reference(sender_id),
                  error=error_summary(exc))
        return _UNREADABLE


async def retrieve_tracker(app: Any, sender_id: str, full: bool = False) -> Optional[Any]:
    """The conversation's tracker from the tracker store (None if unknown or unavailable)."""
    tracker = await _read_tracker(app, sender_id, full)
    return None if tracker is _UNREADABLE else tracker


async def is_first_contact(app: Any, sender_id: str) -> bool:
    """True when this sender has never sent a message (in any session). False when the conversation
    cannot be read: unknown is not new (the privacy notice is not sent again to someone who may have
    had it; the message itself is refused, and the notice comes with the first message read)."""
    tracker = await _read_tracker(app, sender_id, full=True)
    if tracker is _UNREADABLE:
        return False
    if tracker is None:
        return _tracker_store(app) is not None
    return not any(getattr(event, "type_name", "") == "user" for event in tracker.events)


def _bot_buttons(event: Any) -> List[Dict[str, str]]:
    if getattr(event, "type_name", "") != "bot":
        return []
    data = getattr(event, "data", None) or {}
    return [b for b in data.get("buttons") or [] if isinstance(b, dict) and b.get("payload")]


async def buttons_of_last_turn(app: Any, sender_id: str) -> List[Dict[str, str]]:
    """Buttons of the bot's messages since the user's last message (what a "1" or "2" refers to)."""
    tracker = await retrieve_tracker(app, sender_id)
    if tracker is None:
        return []
    buttons: List[Dict[str, str]] = []
    for event in reversed(list(tracker.events)):
        if getattr(event, "type_name", "") == "user":
            break
        if _bot_buttons(event):
            buttons = _bot_buttons(event)
            break
    return buttons


async def all_buttons(app: Any, sender_id: str) -> Iterator[Dict[str, str]]:
    """Every button the bot ever sent in this conversation, newest first."""
    tracker = await retrieve_tracker(app, sender_id, full=True)
    if tracker is None:
        return iter(())
    return (button for event in reversed(list(tracker.events)) for button in _bot_buttons(event))


class CountingOutputChannel(OutputChannel):
    """Passes the bot's messages to the real output channel, counting them (`deliver`, and the reply
    guard of bot/channels/reply_guard.py): whether a turn sent anything at all."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:  # response variations per channel use the real channel's name
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "inner":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(attribute)
        return getattr(self.inner, attribute)


def _counted(name: str):
    async def send(self, *args: Any, **kwargs: Any) -> None:
        self.sent += 1
        await getattr(self.inner, name)(*args, **kwargs)
    send.__name__ = name
    return send


# The output channel's own methods, when called directly rather than through send_response, count too.
for _name in ("send_text_message", "send_image_url", "send_attachment", "send_text_with_buttons",
              "send_quick_replies", "send_elements", "send_custom_json"):
    setattr(CountingOutputChannel, _name, _counted(_name))


async def deliver(on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str, output: OutputChannel,
                  sender_id: str, input_channel: str) -> int:
    """Hand one (already checked) message to Rasa, for `input_channel`, without client metadata.

    The user is never left without a reply: when the turn produced no bot message — the action
    server is down (Rasa then only logs that "the actions events are lost"), an error, a timeout —
    the `unavailable` message of knowledge/dialogue.yml is sent instead. The user's message itself is
    in the tracker store, so the conversation (a form included) goes on from there once the failing
    part is back. Returns the number of bot messages of the turn (the `unavailable` one excluded)."""
    counting = CountingOutputChannel(output)
    try:
        await on_new_message(UserMessage(text, counting, sender_id, input_channel=input_channel, metadata=None))
    except asyncio.CancelledError:
        logger.error("Message du canal %s interrompu (délai dépassé)", input_channel)
    except Exception:
        logger.exception("Échec du traitement d'un message du canal %s", input_channel)
    if counting.sent == 0:
        logger.error("Aucune réponse au message du canal %s : message « service indisponible » envoyé",
                     input_channel)
        try:
            await output.send_text_message(sender_id, dialogue_messages().unavailable)
        except Exception:
            logger.exception("Envoi du message « service indisponible » impossible (canal %s)", input_channel)
    return counting.sent
