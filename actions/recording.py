"""What the actions record in the bot's tables, and the feedback buttons they offer.

One call per action, after its reply has been dispatched; each one logs and swallows its own
failures (bot/persistence/repository.py), so that recording never breaks or changes a reply.
"""

import logging
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_store import knowledge_store
from bot.answering.answer_choice import selector_ranking
from bot.dialogue import feedback
from bot.persistence import repository
from bot.persistence.logs import error_summary, log_event

logger = logging.getLogger(__name__)

# What is listed for the editors is knowledge/ data: an entry's `counted_as` (« orientation »: a hand-over
# to a person, counted as a referral to staff; « sans_reponse »: the catch-all out-of-scope answer, the
# question listed as unanswered, "out_of_scope") and dialogue.yml's `thresholds.low_confidence` (an answer
# given with less confidence is listed too, "low_confidence").
RETRIEVAL_INTENTS = ("faq",)


def _counted_as(entry_id: Optional[str]) -> Optional[str]:
    entry = knowledge_store().current().entries.get(entry_id) if entry_id else None
    return entry.counted_as if entry is not None else None


def _channel(tracker: Tracker) -> Optional[str]:
    return tracker.get_latest_input_channel()


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _form_active(tracker: Tracker) -> bool:
    return bool((tracker.active_loop or {}).get("name"))


def offer_feedback(dispatcher: CollectingDispatcher, tracker: Tracker, target: str) -> None:
    """The 👍 / 👎 message, on the channels that offer it, not in the middle of a form, and once per topic
    (an aid, or an entry about no aid) in a conversation."""
    if not feedback.offered_on(_channel(tracker)) or _form_active(tracker):
        return
    topic = _feedback_topic(target)
    if any(_feedback_topic(t) == topic for t in feedback.offered_targets(tracker.events)):
        return
    question, buttons = feedback.offer(target, knowledge_store().current().dialogue.avis)
    dispatcher.utter_message(text=question, buttons=buttons)


def _previous_topic(tracker: Tracker) -> str:
    """What the conversation was about before the user asked for a person (no text)."""
    aid = tracker.get_slot("aide")
    if isinstance(aid, str) and aid:
        return f"eligibilite:{aid}"
    users = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(users[:-1]):
        parse = event.get("parse_data") or {}
        ranking = selector_ranking(parse)
        if (parse.get("intent") or {}).get("name") in RETRIEVAL_INTENTS and ranking \
                and _counted_as(ranking[0][1]) != "orientation":
            return ranking[0][1]
    return "general"


async def after_answer(dispatcher: CollectingDispatcher, tracker: Tracker, decision: Any,
                       parse: Optional[dict] = None) -> None:
    """After action_answer_knowledge: record a fallback, a clarification, a low-confidence answer or
    the catch-all out-of-scope answer (redacted text), a referral when the user asked for a person, and offer feedback after a FAQ answer."""
    try:
        channel = _channel(tracker)
        text = _text(tracker)
        kind = decision.kind
        counted_as = _counted_as(decision.entry_id) if kind == "answer" else None
        if counted_as == "sans_reponse":
            kind = "out_of_scope"
        elif kind == "answer" and decision.confidence < knowledge_store().current().thresholds.low_confidence:
            kind = "low_confidence"
        if kind in repository.DECISIONS and text and not text.startswith("/"):
            await repository.record_unanswered(text, kind, decision.confidence, channel, decision.entry_ids)
        if decision.kind != "answer":
            return
        entry_id = decision.entry_id
        if counted_as == "orientation":
            await repository.record_referral("conseiller", _previous_topic(tracker), channel)
        parse = parse if parse is not None else (tracker.latest_message or {})
        intent = (parse.get("intent") or {}).get("name")
        chosen = any(e.get("entity") == "answer_id" for e in parse.get("entities") or [])
        if intent in RETRIEVAL_INTENTS or chosen:
            if entry_id and not entry_id.startswith("_") and _is_faq(entry_id):
                offer_feedback(dispatcher, tracker, entry_id)
    except Exception as exc:  # never break the reply
        log_event(logger, logging.ERROR, "recording.failed", step="after_answer", error=error_summary(exc))


def _feedback_topic(target: str) -> str:
    """The aid a feedback target is about (`eligibilite:<aid>`, or an entry about that aid), else the target."""
    if target.startswith(feedback.ELIGIBILITY_PREFIX):
        return target[len(feedback.ELIGIBILITY_PREFIX):]
    try:
        from bot.answering.render import topic_of
        entry = knowledge_store().current().entries.get(target)
    except Exception:
        return target
    return (topic_of(entry) if entry is not None else None) or target


def _is_faq(entry_id: str) -> bool:
    try:
        entry = knowledge_store().current().entries.get(entry_id)
    except Exception:
        return False
    return entry is not None and entry.intent == "faq"


async def after_verdict(dispatcher: CollectingDispatcher, tracker: Tracker, aid: str, status: str) -> None:
    """After an eligibility verdict: count it (aid, outcome, channel; nothing else) and offer feedback."""
    try:
        await repository.count_eligibility_check(aid, status, _channel(tracker))
        offer_feedback(dispatcher, tracker, feedback.eligibility_target(aid))
    except Exception as exc:
        log_event(logger, logging.ERROR, "recording.failed", step="after_verdict", error=error_summary(exc))


async def after_distress(tracker: Tracker, situation: Optional[str]) -> None:
    """A distress situation is a referral to staff (situation and channel; no text)."""
    try:
        await repository.record_referral("detresse", situation or "non_precisee", _channel(tracker))
    except Exception as exc:
        log_event(logger, logging.ERROR, "recording.failed", step="after_distress", error=error_summary(exc))


async def after_referral_drafted(tracker: Tracker, topic: str) -> None:
    """A referral drafted for the support service is counted (what it followed and channel; no text)."""
    try:
        await repository.record_referral("saisine", topic, _channel(tracker))
    except Exception as exc:
        log_event(logger, logging.ERROR, "recording.failed", step="after_referral_drafted", error=error_summary(exc))
