"""« Préparer la saisine du service d'accompagnement »: the draft for CCAS agents, the public path for applicants.

Adapts bot.dialogue.referral: reads the situation, the aids checked and the distress described from the
slots; on the staff channel sends the draft (text with a mailto: link, and the same draft as a custom
payload for the widget's copy button); on every other channel the public answer of the FAQ entry that
holds the professional address, never the address itself.
"""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import recording
from actions.eligibility_actions import DISTRESS_SLOT, VERIFIED_SLOT, situation_of, staff_channel
from actions.knowledge_store import knowledge_store
from bot.answering.audience import EVERYONE
from bot.answering.render import render_entry
from bot.dialogue.referral import checked_aids, draft_referral, referral_custom, referral_reply
from bot.rules import load_rules

logger = logging.getLogger(__name__)


class ActionPrepareReferral(Action):
    def name(self) -> Text:
        return "action_prepare_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        base = knowledge_store().current()
        if not staff_channel(tracker):
            reply = render_entry(base.entries[base.dialogue.saisine.entree], base, EVERYONE)
            dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
            return []
        checked = tracker.get_slot(VERIFIED_SLOT) or []
        distress = tracker.get_slot(DISTRESS_SLOT)
        referral = draft_referral(situation_of(tracker), checked, distress, base, load_rules())
        dispatcher.utter_message(text=referral_reply(referral, base).text, json_message=referral_custom(referral, base))
        await recording.after_referral_drafted(tracker, "detresse" if distress else
                                               ("verification" if checked_aids(checked) else "sans_verification"))
        logger.info("referral drafted checked=%s distress=%s", checked_aids(checked), distress)
        return []
