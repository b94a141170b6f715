"""Actions that answer from knowledge/ (FAQ, politeness, out of scope, clarification)."""

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import recording
from actions.feedback_actions import give_feedback
from actions.knowledge_store import knowledge_store
from bot.answering.audience import audience_for_channel
from bot.answering.answer_choice import CHOICE_ENTITY, decide
from bot.answering.render import render_choice, topic_of
from bot.answering.render import sms_of
from bot.dialogue.answers import option_chosen, payload_parts
from bot.dialogue.conversation import AID_PAYLOAD
from bot.knowledge import KnowledgeErrors
from bot.nlu import context

logger = logging.getLogger(__name__)

# Last-resort text, used only when no valid knowledge has ever been loaded.
NO_CONTENT = "Le service est momentanément indisponible. Merci de réessayer dans quelques minutes."
FORM = "eligibilite_form"
REFERRAL_ACTION = "action_prepare_referral"


def offered_buttons(tracker: Tracker) -> List[Tuple[str, Any]]:
    """(title, payload) of the buttons of the bot's last turn: its messages since the user's previous message."""
    options: List[Tuple[str, Any]] = []
    current_seen = False
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            if current_seen:
                break
            current_seen = True
        elif current_seen and event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            options[:0] = [(b.get("title", ""), b.get("payload")) for b in buttons if isinstance(b, dict)]
    return options


def typed_choice(tracker: Tracker) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(intent, entities) of the button a typed reply picks — « 1 », « le deuxième », a title, « oui » / « non » —
    among those the bot's last turn offered, on every channel; None when it picks none."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not text or text.startswith("/"):
        return None
    return payload_parts(option_chosen(text, offered_buttons(tracker)))


def as_entities(values: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{"entity": name, "value": value} for name, value in values.items()]


async def answer_typed_choice(dispatcher: CollectingDispatcher, tracker: Tracker,
                              choice: Tuple[str, Dict[str, Any]]) -> Optional[List[Dict[Text, Any]]]:
    """Do what the chosen button does, for the choices answered outside the check (an entry, 👍 / 👎, the
    referral); the events, or None when the choice is the check's to read (it starts it)."""
    intent, values = choice
    if intent == "feedback":
        await give_feedback(dispatcher, tracker, as_entities(values), None)
        return []
    if intent == "saisine":
        return [FollowupAction(REFERRAL_ACTION)]
    if intent == "faq" and isinstance(values.get(CHOICE_ENTITY), str):
        return await answer(dispatcher, tracker, {"intent": {"name": "faq", "confidence": 1.0},
                                                  "entities": as_entities(values), "text": ""})
    return None


async def answer(dispatcher: CollectingDispatcher, tracker: Tracker, parse: Dict[str, Any]) -> List[Dict[Text, Any]]:
    """Answer one parsed message with the best knowledge entry, a clarification or a fallback; keep the topic
    of a FAQ answer for the next message (bot/nlu/context.py)."""
    try:
        base = knowledge_store().current()
    except KnowledgeErrors as exc:
        logger.error("Aucun contenu valide : %s", exc.report())
        dispatcher.utter_message(text=NO_CONTENT)
        return []
    decision = decide(parse, base.thresholds, base.entries.keys())
    audience = audience_for_channel(tracker.get_latest_input_channel() or "")
    used = parse.get(context.CONTEXT_KEY) or {}
    reply = render_choice(decision, base, audience, in_context=bool(used.get("change")))
    buttons = reply.buttons
    if (tracker.active_loop or {}).get("name") == FORM:  # a check is running: no button to start one
        buttons = [b for b in buttons if not str(b.get("payload") or "").startswith(AID_PAYLOAD)]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None,
                             **sms_of(reply))
    logger.info("decision=%s entries=%s confidence=%.3f context=%s", decision.kind, decision.entry_ids,
                decision.confidence, bool(used.get("change")))
    await recording.after_answer(dispatcher, tracker, decision, parse)  # unanswered, referral, 👍/👎 (issue 5)
    if decision.kind != "answer":
        return []
    entry = base.entries[decision.entry_id]
    if entry.intent != "faq":
        return [SlotSet(context.TOPIC_SLOT, None)]
    text = parse.get("text") or ""
    previous = context.previous_question(tracker.get_slot(context.TOPIC_SLOT))
    if not text or text.startswith("/"):
        question = entry.title
    elif used.get("change") and previous:
        question = context.with_context(previous, text)  # « et les délais ? » keeps what it leaned on
    else:
        question = text
    return [SlotSet(context.TOPIC_SLOT, context.topic(entry.id, topic_of(entry), question))]


class ActionAnswerKnowledge(Action):
    """Answer the user's message with the best knowledge entry, a clarification or a fallback."""

    def name(self) -> Text:
        return "action_answer_knowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        choice = None if (tracker.active_loop or {}).get("name") else typed_choice(tracker)
        if choice is not None:
            events = await answer_typed_choice(dispatcher, tracker, choice)
            if events is not None:
                return events
            if choice[0] == "eligibilite":
                return [FollowupAction(FORM)]  # the form reads the same choice and starts the check
        return await answer(dispatcher, tracker, tracker.latest_message or {})
