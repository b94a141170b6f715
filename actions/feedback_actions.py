"""« Cette réponse vous a-t-elle été utile ? »: record 👍 / 👎 and the optional reason.

See bot/dialogue/feedback.py for the payloads, knowledge/dialogue.yml `avis` for the texts; the rows go to
`bot_feedback` (no text, no conversation id), only for an answer given in this conversation, once
(`feedback.accepted`). A recording failure is logged and the user is thanked all the same.
"""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_store import knowledge_store
from bot.dialogue import feedback
from bot.persistence import repository
from bot.persistence.logs import log_event

logger = logging.getLogger(__name__)


class ActionFeedback(Action):
    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        await give_feedback(dispatcher, tracker, message.get("entities") or [], message.get("text"))
        return []


async def give_feedback(dispatcher: CollectingDispatcher, tracker: Tracker, entities: List[Dict[Text, Any]],
                        text: Optional[str]) -> None:
    """Record the 👍 / 👎 (or its reason) that `entities` carry — a button's, or those of a typed « oui » /
    « non » to the feedback buttons (actions/answer_actions.py) — and thank the user."""
    given = feedback.read(entities, text, feedback.last_offered_target(tracker.events))
    texts = knowledge_store().current().dialogue.avis
    channel = tracker.get_latest_input_channel()
    if given.note is None or not given.target:
        dispatcher.utter_message(text=texts.thanks)
        return
    if not feedback.accepted(tracker.events, given):
        # Not an answer given in this conversation, or already rated: thanked, not recorded.
        log_event(logger, logging.WARNING, "feedback.refused", note=given.note, channel=channel,
                  reason_given=given.reason is not None)
        dispatcher.utter_message(text=texts.thanks_reason if given.reason else texts.thanks)
        return
    if given.note == "+":
        await repository.record_feedback(given.target, 1, channel)
        dispatcher.utter_message(text=texts.thanks)
    elif given.reason is None:
        ref = await repository.record_feedback(given.target, -1, channel)
        dispatcher.utter_message(text=texts.ask_reason, buttons=feedback.reason_buttons(given.target, ref, texts))
    else:
        if given.ref is not None:  # completes the 👎 row (once; a second click changes nothing)
            await repository.set_feedback_reason(given.ref, given.target, given.reason)
        else:  # the 👎 itself could not be recorded: record both now
            await repository.run_safely("record_feedback", lambda: repository.default_repository()
                                        .record_feedback(given.target, -1, channel, given.reason))
        dispatcher.utter_message(text=texts.thanks_reason)
    log_event(logger, logging.INFO, "feedback.received", target=given.target, note=given.note,
              reason=given.reason, channel=channel)
