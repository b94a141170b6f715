"""Answer distress and emergencies first, with the right numbers (knowledge/detresse.yml)."""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import recording
from actions.eligibility_actions import DISTRESS_SLOT, FORM, distress_alarm_answers_the_check, staff_channel
from actions.knowledge_store import knowledge_store
from bot.answering.audience import audience_for_channel
from bot.answering.render import render_entry
from bot.knowledge import KnowledgeErrors
from bot.safety.reply import continues_check, distress_reply, question_alongside

logger = logging.getLogger(__name__)

# Last resort if no valid knowledge was ever loaded: the national emergency numbers.
NO_CONTENT = ("Si vous êtes en danger, appelez le 112 (urgences), le 115 (hébergement d'urgence) ou le "
              "3114 (prévention du suicide). Ces numéros sont gratuits, 24 h/24.")


class ActionDistress(Action):
    def name(self) -> Text:
        return "action_distress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        situation = next(tracker.get_latest_entity_values("situation_detresse"), None)
        if distress_alarm_answers_the_check(tracker):
            logger.info("distress alarm of the classifier read as the answer to the check's question")
            return [FollowupAction(FORM)]
        try:
            base = knowledge_store().current()
        except KnowledgeErrors:
            dispatcher.utter_message(text=NO_CONTENT)
            return []
        audience = audience_for_channel(tracker.get_latest_input_channel() or "")
        in_check = tracker.active_loop.get("name") == FORM
        go_on = in_check and continues_check(base, situation)
        reply = distress_reply(base, situation, audience, offer_resume=in_check and not go_on)
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
        asked = question_alongside(tracker.latest_message or {}, base)
        if asked:
            answer = render_entry(base.entries[asked], base, audience)
            dispatcher.utter_message(text=answer.text)
        await recording.after_distress(tracker, situation)  # a referral to staff, no text (issue 5)
        logger.warning("distress situation=%s channel=%s question=%s", situation,
                       tracker.get_latest_input_channel(), asked)
        noted = [SlotSet(DISTRESS_SLOT, situation or "non_precisee")] if staff_channel(tracker) else []
        if go_on:
            return noted + [FollowupAction(FORM)]  # housing emergencies: the check goes on, its question asked again
        # Other situations stop a running check; it is offered again (button), not forced.
        return noted + [ActiveLoop(None), SlotSet("requested_slot", None)]
