"""The guided eligibility check (Rasa form `eligibilite_form`), adapting bot.rules and bot.eligibility.

Only the facts that can still change the verdict are asked, one at a time: the rules say which one
comes next (`EligibilityDecision.next_fact`). Facts already given in a message are used; invalid
values are re-asked with the catalogue's French message; "non, 1300" corrects the previous answer.
"""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import recording
from actions.knowledge_store import knowledge_store
from bot.answering.audience import audience_for_channel
from bot.answering.decision import decide
from bot.answering.routing import as_question, firm_faq_question
from bot.answering.render import render_decision
from bot.eligibility.aids import detect_aid
from bot.eligibility.extraction import read_message
from bot.eligibility.replies import (AID_ENTITY, ANSWER_ENTITY, aid_question, correction_note, fact_question,
                                     intro, parse_answer_entity, verdict, why_reply)
from bot.rules import AIDS, UnknownFact, evaluate, load_rules

logger = logging.getLogger(__name__)

FORM = "eligibilite_form"
AID_SLOT = "aide"
PREVIOUS_SLOT = "fait_precedent"
REQUESTED_SLOT = "requested_slot"
CONTROL_INTENTS = {"detresse", "annuler", "pourquoi", "recommencer"}
OTHER_TOPIC_INTENTS = {"faq", "chitchat", "hors_sujet", "nlu_fallback"}
SHORT_ANSWER_WORDS = 4


def facts_from_slots(tracker: Tracker) -> Dict[str, Any]:
    catalogue = load_rules().facts
    return {name: tracker.get_slot(name) for name in catalogue.names() if tracker.get_slot(name) is not None}


def _say(dispatcher: CollectingDispatcher, reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)


def _answered_by_another_action(tracker: Tracker) -> bool:
    """True when the form comes back after a digression (an action already answered the last message)."""
    for event in reversed(tracker.events[:-1] if tracker.events else []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in ("action_listen", FORM, None):
            return True
    return False


class ValidateEligibiliteForm(FormValidationAction):
    """Reads facts from each message, validates them, and asks the next question itself."""

    def name(self) -> Text:
        return "validate_eligibilite_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        aid = tracker.get_slot(AID_SLOT)
        if aid not in AIDS:
            return [AID_SLOT]
        next_fact = evaluate(aid, facts_from_slots(tracker)).next_fact
        return [AID_SLOT, next_fact] if next_fact else [AID_SLOT]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        base = knowledge_store().current()
        messages = base.dialogue.eligibilite
        requested = tracker.get_slot(REQUESTED_SLOT)
        aid_before = tracker.get_slot(AID_SLOT)
        if requested and _answered_by_another_action(tracker):
            events: List[EventType] = []  # back from a digression: ask the pending question again
        else:
            events = self._read_answer(dispatcher, tracker, messages)
            if events is None:
                return []  # not an answer: the form rejects, rules handle the digression
            intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
            if not requested and aid_before is None and not self._meaningful(events) and (
                    intent == "informer" or (intent == "eligibilite" and self._firm_question(tracker, base))):
                # "17 x 23 ?" looked like an answer but carries no fact and no aid, « passez-moi un
                # conseiller » looked like a check: answer them as questions (out of scope, FAQ or
                # « je n'ai pas compris ») instead of starting a check.
                self._answer_as_question(dispatcher, tracker, base)
                return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        for event in events:
            tracker.slots[event["name"]] = event["value"]
        next_slot = (await self.required_slots([], dispatcher, tracker, domain))[-1]
        aid = tracker.get_slot(AID_SLOT)
        if aid in AIDS and aid != aid_before and next_slot != AID_SLOT:
            _say(dispatcher, intro(aid, base))  # a new check starts: say what happens next
        if next_slot == AID_SLOT and aid in AIDS:
            return events + [SlotSet(REQUESTED_SLOT, None)]  # complete: the verdict follows
        if next_slot == AID_SLOT:
            _say(dispatcher, aid_question(messages))
        else:
            _say(dispatcher, fact_question(load_rules().facts[next_slot], messages))
        return events + [SlotSet(REQUESTED_SLOT, next_slot)]

    def _read_answer(self, dispatcher, tracker: Tracker, messages) -> Optional[List[EventType]]:
        """SlotSet events for what the last message says, or None when it is not an answer at all."""
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        if intent in CONTROL_INTENTS:
            return None
        catalogue = load_rules().facts
        requested_name = tracker.get_slot(REQUESTED_SLOT)
        requested = catalogue[requested_name] if requested_name in catalogue else None
        previous_name = tracker.get_slot(PREVIOUS_SLOT)
        previous = catalogue[previous_name] if previous_name in catalogue else None

        raw, corrected = self._button_answer(message)
        if raw is None:
            raw, corrected = read_message(text, requested, previous)
        aid = next(tracker.get_latest_entity_values(AID_ENTITY), None) or detect_aid(text)
        short = len(text.split()) <= SHORT_ANSWER_WORDS
        answers_question = bool(raw) or aid is not None
        if requested_name == AID_SLOT:
            answers_question = aid is not None
        if intent in OTHER_TOPIC_INTENTS and not (short and answers_question):
            return None

        events: List[EventType] = []
        if aid in AIDS and aid != tracker.get_slot(AID_SLOT):
            events.append(SlotSet(AID_SLOT, aid))
        for name, value in raw.items():
            if name not in catalogue:
                continue
            checked, error = catalogue.validate(name, value)
            if error:
                dispatcher.utter_message(text=error)
                events.append(SlotSet(name, None))
                continue
            events.append(SlotSet(name, checked))
            if corrected and previous and name == previous.name:
                dispatcher.utter_message(text=correction_note(previous, checked, messages))
        answered = [e["name"] for e in events if e["name"] in catalogue and e["value"] is not None]
        if requested is not None and requested.name in answered:
            events.append(SlotSet(PREVIOUS_SLOT, requested.name))
        if not events and requested is not None:
            # Meant as an answer, but nothing usable: say what kind of answer is expected.
            dispatcher.utter_message(text=catalogue.validate(requested.name, text)[1] or "")
            events.append(SlotSet(requested.name, None))
        if not events:
            # Rasa rejects a form turn that sets no slot; this no-op keeps the turn in the form.
            events.append(SlotSet(PREVIOUS_SLOT, tracker.get_slot(PREVIOUS_SLOT)))
        return events

    @staticmethod
    def _meaningful(events: List[EventType]) -> bool:
        return any(e["name"] not in (PREVIOUS_SLOT, REQUESTED_SLOT) and e["value"] is not None for e in events)

    @staticmethod
    def _firm_question(tracker: Tracker, base) -> bool:
        return firm_faq_question(tracker.latest_message or {}, base.thresholds, base.intents_by_entry(),
                                 base.checks_by_entry())

    @staticmethod
    def _answer_as_question(dispatcher, tracker: Tracker, base) -> None:
        dispatcher.messages.clear()  # drop any "expected a number" message from _read_answer
        parse = as_question(tracker.latest_message or {})
        audience = audience_for_channel(tracker.get_latest_input_channel() or "")
        reply = render_decision(decide(parse, base.thresholds, base.entries.keys()), base, audience)
        _say(dispatcher, reply)

    @staticmethod
    def _button_answer(message: dict):
        for entity in message.get("entities") or []:
            if entity.get("entity") == ANSWER_ENTITY:
                parsed = parse_answer_entity(entity.get("value"))
                if parsed:
                    return {parsed[0]: parsed[1]}, False
        return None, False


class ActionEligibilityVerdict(Action):
    """The indicative verdict once the rules have every fact they need."""

    def name(self) -> Text:
        return "action_eligibility_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        aid = tracker.get_slot(AID_SLOT)
        if aid not in AIDS:
            return []
        base = knowledge_store().current()
        decision = evaluate(aid, facts_from_slots(tracker))
        _say(dispatcher, verdict(decision, base.dialogue.eligibilite, base.messages.source))
        logger.info("eligibility aid=%s status=%s deciding=%s", aid, decision.status,
                    decision.deciding.key if decision.deciding else None)
        await recording.after_verdict(dispatcher, tracker, aid, decision.status)  # count, 👍/👎 (issue 5)
        return [SlotSet(AID_SLOT, None), SlotSet(PREVIOUS_SLOT, None)]


class ActionExplainQuestion(Action):
    """« Pourquoi vous me demandez ça ? »: the reason, then the same question again."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        messages = knowledge_store().current().dialogue.eligibilite
        requested = tracker.get_slot(REQUESTED_SLOT)
        if tracker.active_loop.get("name") != FORM or not requested:
            dispatcher.utter_message(text=messages.nothing_asked)
            return []
        if requested == AID_SLOT:
            _say(dispatcher, why_reply(messages.why_aid, messages))
            return []
        try:
            fact = load_rules().facts[requested]
        except UnknownFact:
            return []
        _say(dispatcher, why_reply(fact.why, messages))
        return []


class ActionCancelEligibility(Action):
    """« Annuler »: stop the questions (the facts given so far are kept for a later check)."""

    def name(self) -> Text:
        return "action_cancel_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        messages = knowledge_store().current().dialogue.eligibilite
        if tracker.active_loop.get("name") != FORM:
            dispatcher.utter_message(text=messages.nothing_to_cancel)
            return [ActiveLoop(None)]
        dispatcher.utter_message(text=messages.cancelled)
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), SlotSet(AID_SLOT, None)]


class ActionRestartEligibility(Action):
    """« Nouvelle situation »: forget every fact and the aid, then start again."""

    def name(self) -> Text:
        return "action_restart_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        messages = knowledge_store().current().dialogue.eligibilite
        dispatcher.utter_message(text=messages.restarted)
        names = load_rules().facts.names() + [AID_SLOT, PREVIOUS_SLOT]
        return [SlotSet(name, None) for name in names if tracker.get_slot(name) is not None]
