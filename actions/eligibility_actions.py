"""The guided eligibility check and the screening (Rasa form `eligibilite_form`), adapting bot.dialogue.

The situation (bot.situation) and the state of the check (bot.dialogue.turn.CheckState) live in two
slots; what a message means, which question comes next and the words of every reply are decided by
bot.dialogue.conversation. These actions only read the tracker, call it and turn its result into events.
"""

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import recording
from actions.answer_actions import answer, answer_typed_choice, typed_choice
from bot.answering.answer_choice import CHOICE_ENTITY
from actions.knowledge_store import knowledge_store
from bot.answering.audience import PROFESSIONALS, audience_for_channel
from bot.answering.render import sms_of
from bot.answering.routing import as_question, firm_faq_question, firm_follow_up
from bot.dialogue.conversation import (SCREENING, TARGETS, check_turn, model_alarm_is_an_answer, restart_is_an_answer,
                                       verdict_replies)
from bot.dialogue.answers import elliptical_question
from bot.dialogue.turn import OTHER_TOPIC_INTENTS, CheckState, button_answer
from bot.eligibility.aids import asks_for_self, detect_aid
from bot.eligibility.replies import AID_ENTITY, ANSWER_ENTITY, why_reply
from bot.knowledge.registry import current_registry
from bot.nlu.context import TOPIC_SLOT, answered_entry, check_topic, topic
from bot.nlu.normalize import fold
from bot.rules import UnknownFact, load_rules
from bot.rules.ruleset import default_knowledge_dir
from bot.situation.derive import derive
from bot.situation.geography import load_communes
from bot.situation.model import Situation
from bot.situation.reader import current_reader

logger = logging.getLogger(__name__)

FORM = "eligibilite_form"
AID_SLOT = "aide"
SITUATION_SLOT = "situation"
CHECK_SLOT = "verification"
VERIFIED_SLOT = "verifiees"  # the aids (or « toutes ») whose verdict this conversation gave, for the referral
DISTRESS_SLOT = "detresse_signalee"  # the distress situation a CCAS agent described, for the referral
REQUESTED_SLOT = "requested_slot"
QUESTION = "question"  # the form's requested slot while a question is pending (the question is in CHECK_SLOT)
CONTROL_INTENTS = {"detresse", "annuler", "pourquoi", "recommencer", "saisine"}
DISTRESS_ENTITY = "situation_detresse"
DISTRESS_SCORE = "distress_score"  # written by bot/rasa_components/distress_guard.py
BY_MODEL = "DistressGuard:modele"


def situation_of(tracker: Tracker) -> Situation:
    return Situation.from_dict(tracker.get_slot(SITUATION_SLOT))


def check_of(tracker: Tracker) -> CheckState:
    state = CheckState.from_dict(tracker.get_slot(CHECK_SLOT))
    state.target = tracker.get_slot(AID_SLOT) if tracker.get_slot(AID_SLOT) in TARGETS else state.target
    return state


def _derive(situation: Situation) -> Situation:
    return derive(situation, load_communes(str(default_knowledge_dir())))


def staff_channel(tracker: Tracker) -> bool:
    return audience_for_channel(tracker.get_latest_input_channel() or "") == PROFESSIONALS


def _say(dispatcher: CollectingDispatcher, reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None,
                             **sms_of(reply))


def _answered_by_another_action(tracker: Tracker) -> bool:
    """True when the form comes back after a digression (an action already answered the last message)."""
    for event in reversed(tracker.events[:-1] if tracker.events else []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in ("action_listen", FORM, None):
            return True
    return False


def distress_alarm_answers_the_check(tracker: Tracker) -> bool:
    """The classifier alone took for distress what reads as the answer to the check's pending question."""
    message = tracker.latest_message or {}
    if tracker.active_loop.get("name") != FORM or (message.get("intent") or {}).get("name") != "detresse":
        return False
    by_model = any(e.get("entity") == DISTRESS_ENTITY and e.get("extractor") == BY_MODEL
                   for e in message.get("entities") or [])
    return model_alarm_is_an_answer(message.get("text") or "", by_model, float(message.get(DISTRESS_SCORE) or 1.0),
                                    check_of(tracker), situation_of(tracker), load_rules(),
                                    current_reader(default_knowledge_dir()), _derive, staff_channel(tracker))


def restart_answers_the_check(tracker: Tracker) -> bool:
    """The classifier read « start again » in what answers the check's pending question (« autre », « zéro »)."""
    message = tracker.latest_message or {}
    if tracker.active_loop.get("name") != FORM or (message.get("intent") or {}).get("name") != "recommencer":
        return False
    return restart_is_an_answer(message.get("text") or "", check_of(tracker), situation_of(tracker), load_rules(),
                                current_reader(default_knowledge_dir()), _derive, staff_channel(tracker))


def _button(message: dict):
    for entity in message.get("entities") or []:
        if entity.get("entity") == ANSWER_ENTITY:
            parsed = button_answer(entity.get("value"))
            if parsed:
                return parsed
    return None


def topic_aid(tracker: Tracker) -> Optional[str]:
    """The aid of the last FAQ answer (the `sujet` slot, bot/nlu/context.py), if it has one."""
    value = tracker.get_slot(TOPIC_SLOT)
    aid = value.get("aide") if isinstance(value, dict) else None
    return aid if aid in TARGETS else None


def _aid_named(message: dict, text: str) -> Optional[str]:
    for entity in message.get("entities") or []:
        if entity.get("entity") == AID_ENTITY and entity.get("value") in TARGETS:
            return entity["value"]
    found = detect_aid(text)
    return found if found in TARGETS else None


class ValidateEligibiliteForm(FormValidationAction):
    """Reads each message into the situation, then asks the next question itself (or ends the form)."""

    def name(self) -> Text:
        return "validate_eligibilite_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        state, situation = check_of(tracker), situation_of(tracker)
        back = bool(state.asking) and _answered_by_another_action(tracker)
        if (intent == "detresse" and distress_alarm_answers_the_check(tracker)) or (
                intent == "recommencer" and restart_answers_the_check(tracker)):
            intent, back = "informer", False  # the control action said nothing: this is the answer
        if intent in CONTROL_INTENTS and not back:
            return []  # the dialogue rules answer it (distress, why, cancel, restart); the form resumes after
        base, rules = knowledge_store().current(), load_rules()
        text = message.get("text") or ""
        aid = _aid_named(message, text)
        if state.target is None and not state.asking and aid is None:
            choice = typed_choice(tracker)  # « 1 », « le deuxième », « oui » to the buttons of the last answer
            if choice is not None and choice[0] == "eligibilite" and choice[1].get(AID_ENTITY) in TARGETS:
                aid = choice[1][AID_ENTITY]
            elif choice is not None:
                dispatcher.messages.clear()
                events = await answer_typed_choice(dispatcher, tracker, choice)
                if events is not None:
                    return [*events, ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
            elif intent == "eligibilite" and asks_for_self(text):
                aid = topic_aid(tracker)  # « je peux vérifier si j'y ai droit ? » after an answer on Visale
            elif firm_follow_up(message, base.thresholds, base.intents_by_entry()) or (
                    topic_aid(tracker) and elliptical_question(text)):
                events = await self._answer_as_question(dispatcher, tracker)  # « et pour un apprenti ? »
                return [*events, ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        reader = current_reader(default_knowledge_dir())
        result = check_turn(text, intent, _button(message), aid, situation, state, base, rules, reader, _derive,
                            staff=staff_channel(tracker), back_from_digression=back, today=dt.date.today())
        if result.not_about_the_check and intent in OTHER_TOPIC_INTENTS:
            return []  # another topic: the rules answer it, then the pending question is asked again
        if result.not_about_the_check:  # a question the classifier took for part of the check: no rule answers it
            return await self._answer_then_ask_again(dispatcher, tracker, situation, state, base, rules, reader)
        if (state.target is None and not state.asking and aid is None and not result.stated
                and (intent == "informer" or (intent == "eligibilite" and self._firm_question(tracker, base)))):
            # « 17 x 23 ? » looked like an answer, « passez-moi un conseiller » like a check: answer them as
            # questions instead of starting a check.
            events = await self._answer_as_question(dispatcher, tracker)
            return [*events, ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        for reply in result.replies:
            _say(dispatcher, reply)
        started = [SlotSet(TOPIC_SLOT, topic(None, result.state.target, check_topic(
            result.state.target, current_registry().buttons)))] if (
            result.state.target in TARGETS and result.state.target != state.target) else []  # read questions asked in it
        return [*started, SlotSet(SITUATION_SLOT, result.situation.as_dict()), SlotSet(AID_SLOT, result.state.target),
                SlotSet(CHECK_SLOT, result.state.as_dict()),
                SlotSet(REQUESTED_SLOT, None if result.complete else QUESTION)]

    @staticmethod
    async def _answer_then_ask_again(dispatcher, tracker: Tracker, situation: Situation, state: CheckState, base,
                                     rules, reader) -> List[EventType]:
        """« qui a droit à Visale ? » during the Visale check: the FAQ answers it, then the pending question."""
        events = await answer_as_question(dispatcher, tracker)
        again = check_turn("", None, None, None, situation, state, base, rules, reader, _derive,
                           staff=staff_channel(tracker), back_from_digression=True, today=dt.date.today())
        for reply in again.replies:
            _say(dispatcher, reply)
        return [*events, SlotSet(CHECK_SLOT, again.state.as_dict()),
                SlotSet(REQUESTED_SLOT, None if again.complete else QUESTION)]

    @staticmethod
    def _firm_question(tracker: Tracker, base) -> bool:
        return firm_faq_question(tracker.latest_message or {}, base.thresholds, base.intents_by_entry(),
                                 base.checks_by_entry())

    @staticmethod
    async def _answer_as_question(dispatcher, tracker: Tracker) -> List[EventType]:
        dispatcher.messages.clear()
        return await answer_as_question(dispatcher, tracker)


async def answer_as_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Answer the last message as a FAQ question, whatever intent the classifier gave it (its topic is kept)."""
    return await answer(dispatcher, tracker, as_question(tracker.latest_message or {}))


# « pourquoi ? », « pk ? », « pourquoi vous demandez ça ? »: about the question asked; « pourquoi mon dossier
# est refusé ? » is a question of its own.
WHY_THE_QUESTION = re.compile(r"^\W*(?:pourquoi|pk|pq|pourquoi donc|mais pourquoi)\W*(?:(?:vous|tu) )?(?:me )?"
                              r"(?:demandez|demandes|demander|posez|poses|voulez|veux)?\W*(?:(?:vous|tu) )?"
                              r"(?:ca|cela|ceci|cette question|savoir|ca m'|le savoir)?\W*(?:\w+ )?\W*$")


BARE_WHY = re.compile(r"^\W*(?:mais |et )?(?:pourquoi|pk|pq)(?: donc| ca| cela| ca\W+alors)?\W*$")


class ActionEligibilityVerdict(Action):
    """The indicative verdict of one aid, or the screening's summary of every aid."""

    def name(self) -> Text:
        return "action_eligibility_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        target = tracker.get_slot(AID_SLOT)
        if target not in TARGETS:
            return []
        base, rules = knowledge_store().current(), load_rules()
        outputs, decisions = verdict_replies(target, situation_of(tracker), base, rules, staff_channel(tracker))
        for reply in outputs:
            _say(dispatcher, reply)
        for aid, decision in decisions.items():
            logger.info("eligibility aid=%s status=%s deciding=%s", aid, decision.status,
                        decision.deciding.key if decision.deciding else None)
        if target != SCREENING:
            await recording.after_verdict(dispatcher, tracker, target, decisions[target].status)
        verified = [t for t in tracker.get_slot(VERIFIED_SLOT) or [] if t in TARGETS and t != target] + [target]
        return [SlotSet(AID_SLOT, None), SlotSet(CHECK_SLOT, None), SlotSet(VERIFIED_SLOT, verified)]


class ActionExplainQuestion(Action):
    """« Pourquoi vous me demandez ça ? »: the reason, then the same question again (only during a check)."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        base = knowledge_store().current()
        messages = base.dialogue.eligibilite
        if tracker.active_loop.get("name") != FORM:
            text = fold((tracker.latest_message or {}).get("text") or "").lower()
            answered = answered_entry(tracker.get_slot(TOPIC_SLOT))
            if BARE_WHY.match(text) and answered in base.entries:
                # « pourquoi ? » right after an answer asks the reason of that answer: the entry gives it
                return await answer(dispatcher, tracker, {"intent": {"name": "faq", "confidence": 1.0}, "text": "",
                                                          "entities": [{"entity": CHOICE_ENTITY, "value": answered}]})
            if text.startswith("/") or WHY_THE_QUESTION.match(text):
                dispatcher.utter_message(text=messages.nothing_asked)
            else:  # « pourquoi mon dossier est refusé ? » outside a check: a question to answer
                return await answer_as_question(dispatcher, tracker)
            return []
        state = check_of(tracker)
        if not state.asking:
            _say(dispatcher, why_reply(messages.why_aid, messages))
            return []
        rules = load_rules()
        try:
            fact = rules.facts[state.asking]
        except UnknownFact:
            return []
        _say(dispatcher, why_reply(fact.why, messages, rules))
        return []


class ActionCancelEligibility(Action):
    """« Annuler »: stop the questions (the situation is kept for a later check)."""

    def name(self) -> Text:
        return "action_cancel_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        messages = knowledge_store().current().dialogue.eligibilite
        if tracker.active_loop.get("name") != FORM:
            dispatcher.utter_message(text=messages.nothing_to_cancel)
            return [ActiveLoop(None)]
        dispatcher.utter_message(text=messages.cancelled)
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), SlotSet(AID_SLOT, None), SlotSet(CHECK_SLOT, None)]


class ActionRestartEligibility(Action):
    """« Nouvelle situation »: forget the situation and the aid, then start again."""

    def name(self) -> Text:
        return "action_restart_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if restart_answers_the_check(tracker):
            return []  # « autre », « zéro »: the answer to the question asked; the form reads it next
        messages = knowledge_store().current().dialogue.eligibilite
        dispatcher.utter_message(text=messages.restarted)
        return [SlotSet(SITUATION_SLOT, None), SlotSet(AID_SLOT, None), SlotSet(CHECK_SLOT, None),
                SlotSet(VERIFIED_SLOT, None), SlotSet(DISTRESS_SLOT, None)]
