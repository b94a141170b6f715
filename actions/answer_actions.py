"""Actions that answer from knowledge/ (FAQ, politeness, out of scope, clarification)."""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import recording
from actions.knowledge_store import knowledge_store
from bot.answering.audience import audience_for_channel
from bot.answering.decision import decide
from bot.answering.render import render_decision
from bot.knowledge import KnowledgeErrors

logger = logging.getLogger(__name__)

# Last-resort text, used only when no valid knowledge has ever been loaded.
NO_CONTENT = "Le service est momentanément indisponible. Merci de réessayer dans quelques minutes."


class ActionAnswerKnowledge(Action):
    """Answer the user's message with the best knowledge entry, a clarification or a fallback."""

    def name(self) -> Text:
        return "action_answer_knowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            base = knowledge_store().current()
        except KnowledgeErrors as exc:
            logger.error("Aucun contenu valide : %s", exc.report())
            dispatcher.utter_message(text=NO_CONTENT)
            return []
        decision = decide(tracker.latest_message, base.thresholds, base.entries.keys())
        audience = audience_for_channel(tracker.get_latest_input_channel() or "")
        reply = render_decision(decision, base, audience)
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
        logger.info("decision=%s entries=%s confidence=%.3f", decision.kind, decision.entry_ids,
                    decision.confidence)
        await recording.after_answer(dispatcher, tracker, decision)  # unanswered, referral, 👍/👎 (issue 5)
        return []
