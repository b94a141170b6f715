"""Answer distress and emergencies first, with the right numbers (knowledge/detresse.yml)."""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import recording
from actions.knowledge_store import knowledge_store
from bot.answering.audience import audience_for_channel
from bot.knowledge import KnowledgeErrors
from bot.safety.reply import distress_reply

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
        try:
            base = knowledge_store().current()
        except KnowledgeErrors:
            dispatcher.utter_message(text=NO_CONTENT)
            return []
        audience = audience_for_channel(tracker.get_latest_input_channel() or "")
        form_was_active = bool(tracker.active_loop.get("name"))
        reply = distress_reply(base, situation, audience, offer_resume=form_was_active)
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
        await recording.after_distress(tracker, situation)  # a referral to staff, no text (issue 5)
        logger.warning("distress situation=%s channel=%s", situation, tracker.get_latest_input_channel())
        # Any running check is stopped; it is offered again (button), not forced.
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
