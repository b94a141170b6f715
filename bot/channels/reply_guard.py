"""The user never gets silence: when a turn produces no bot message, the channel answers anyway.

A turn is silent when the action server is down or an action raised (Rasa logs it, drops the
action's events and waits for the next message: RasaHQ/rasa#7630), when the conversation cannot be
read (`TrackerStoreUnavailable`), or when anything else fails while the message is processed.
Then, Rasa-side, without the action server and without the tracker store:
- a distress message gets the distress reply of knowledge/detresse.yml (numbers first);
- a FAQ question (or a « Vouliez-vous dire… ? » button) gets its answer from knowledge/ (decided and
  rendered by bot/answering, as the action would; not added to the conversation's history);
- anything else gets knowledge/dialogue.yml `messages.unavailable`.
The conversation itself is left as Rasa left it (a form keeps its pending question), so the next
message continues it once the action server is back.

Installed once for every channel, around the agent (`install(app)`, called when the server has
started by the health channel, bot/channels/health.py): whatever the channel, the messages go
through `agent.handle_message`. The channels' own last resort (`deliver` in common.py: the
`unavailable` message when nothing at all was sent) stays underneath.
"""

import asyncio
import logging
import time
from collections import Counter
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.answering.audience import audience_for_channel
from bot.answering.answer_choice import decide
from bot.answering.render import Reply, render_choice
from bot.channels.common import FALLBACK_MESSAGES, CountingOutputChannel, _knowledge_store
from bot.knowledge import KnowledgeErrors
from bot.persistence.config import log_reference
from bot.persistence.logs import error_summary, log_event

logger = logging.getLogger(__name__)

DISTRESS_INTENT = "detresse"
DISTRESS_ENTITY = "situation_detresse"
STATS: Counter = Counter()  # served kinds, for the health endpoint
_state: Dict[str, Any] = {"app": None, "last_silent_at": None}


def install(app: Any) -> bool:
    """Wrap the app's agent so that every message goes through `guard` (idempotent); also let the
    tracker store fail fast (bot/persistence/tracker_store.py). True when the guard is in place."""
    _state["app"] = app
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    try:
        from bot.persistence.tracker_store import install_fail_fast
        install_fail_fast(app)
    except Exception as exc:  # never stop the server for this
        log_event(logger, logging.ERROR, "reply_guard.install_failed", error=error_summary(exc))
    if agent is None:
        return False
    if not getattr(agent, "_reply_guard_installed", False):
        agent.handle_message = guard(agent.handle_message)
        agent._reply_guard_installed = True
    return True


def _agent() -> Any:
    app = _state.get("app")
    return getattr(getattr(app, "ctx", None), "agent", None)


def fallback_reply(parse: Optional[Dict[str, Any]], base: Any, audience: str) -> Optional[Tuple[str, Reply]]:
    """What can be answered without the action server, as (kind, reply): the distress reply, a
    knowledge answer or a « Vouliez-vous dire… ? »; None for anything else."""
    if not parse or base is None:
        return None
    intent = ((parse.get("intent") or {}).get("name"))
    if intent == DISTRESS_INTENT:
        from bot.safety.reply import distress_reply
        situation = next((e.get("value") for e in parse.get("entities") or [] if e.get("entity") == DISTRESS_ENTITY), None)
        return "distress", distress_reply(base, situation, audience, offer_resume=False)
    decision = decide(parse, base.thresholds, base.entries.keys())
    if decision.kind == "answer" or (decision.kind == "clarify" and decision.entry_ids):
        return "knowledge", render_choice(decision, base, audience)
    return None


async def _parse(text: str) -> Optional[Dict[str, Any]]:
    agent = _agent()
    if agent is None or not text:
        return None
    try:
        return await asyncio.wait_for(agent.parse_message(text), timeout=10)
    except Exception as exc:
        log_event(logger, logging.WARNING, "reply_guard.parse_failed", error=error_summary(exc))
        return None


def _knowledge() -> Any:
    try:
        return _knowledge_store().current()
    except KnowledgeErrors:
        return None


async def answer_silent_turn(message: UserMessage, output: OutputChannel, failure: Optional[BaseException]) -> str:
    """Send the best reply available without the action server; return what was sent."""
    base = _knowledge()
    audience = audience_for_channel(message.input_channel or "")
    found = fallback_reply(await _parse(message.text or ""), base, audience)
    if found is not None:
        kind, reply = found
        payload: Dict[str, Any] = {"text": reply.text}
        if reply.buttons:
            payload["buttons"] = reply.buttons
    else:
        kind = "unavailable"
        messages = base.messages if base is not None else FALLBACK_MESSAGES
        payload = {"text": messages.unavailable}
    await output.send_response(message.sender_id, payload)
    return kind


def guard(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """`on_new_message` that always makes the channel send at least one message."""

    async def guarded(message: UserMessage) -> Any:
        counting = CountingOutputChannel(message.output_channel)
        message.output_channel = counting
        failure: Optional[BaseException] = None
        result = None
        try:
            result = await on_new_message(message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # logged here without the user's text (Rasa's channels log it)
            failure = exc
        finally:
            message.output_channel = counting.inner
        if counting.sent:
            return result
        reason = type(failure).__name__ if failure is not None else "no_reply"
        try:
            served = await answer_silent_turn(message, counting.inner, failure)
        except Exception as exc:
            served = "nothing"
            log_event(logger, logging.ERROR, "reply_guard.fallback_failed", error=error_summary(exc))
        STATS[served] += 1
        _state["last_silent_at"] = time.time()
        if failure is not None and type(failure).__name__ == "TrackerStoreUnavailable":
            level = logging.WARNING
        else:
            level = logging.ERROR
        log_event(logger, level, "reply_guard.silent_turn", channel=message.input_channel, reason=reason,
                  served=served, conversation=log_reference(message.sender_id or ""),
                  error=error_summary(failure) if failure is not None else None)
        return result

    return guarded


def stats() -> Dict[str, Any]:
    return {"silent_turns": dict(STATS), "last_silent_at": _state.get("last_silent_at")}
