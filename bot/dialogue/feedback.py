"""Feedback on answers (👍 / 👎 with an optional reason): button payloads, parsing, what is accepted. Pure.

The texts (question, buttons, thanks, reasons) are editors' data: knowledge/dialogue.yml `avis`; the rows
are stored by bot/persistence/repository.py (`record_feedback`, `set_feedback_reason`).

After a FAQ answer or an eligibility verdict, the bot adds one short message with two buttons:

    /feedback{"note":"+","cible":"visale_couple"}
    /feedback{"note":"-","cible":"visale_couple"}

A 👎 is recorded at once and answered with the reasons as buttons (optional: the user may just go
on), each carrying the id of the recorded row so that the reason completes it:

    /feedback{"note":"-","cible":"visale_couple","raison":"incomplete","ref":42}

Feedback is recorded only for an answer given in that conversation (its buttons are in the
conversation's bot messages), once per answer given; a reason only with the reason buttons sent in
that conversation (`accepted`). A forged payload (another target, another user's `ref`) or a second
click is thanked and not recorded.

Targets are knowledge entry ids, or `eligibilite:<aid>` for a verdict. Reasons are fixed codes
(bot/knowledge/schema.py FEEDBACK_REASONS; no free text is asked, so feedback holds no personal data).
Typing 👍 or 👎 works too: the target is then the last one offered in the conversation.

Channels: offered on the public REST channel, the staff widget and Telegram, not by SMS/WhatsApp
(Twilio) where every message costs and buttons become numbered choices that a reply "1" or "2"
must keep meaning the answer's own choices. FEEDBACK_CHANNELS (comma-separated) changes the list.
"""

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.knowledge.schema import FEEDBACK_REASONS, FeedbackMessages

INTENT = "feedback"
NOTE, TARGET, REASON, REF = "note", "cible", "raison", "ref"
ENTITIES = (NOTE, TARGET, REASON, REF)
DEFAULT_CHANNELS = ("rest", "staff", "telegram")
ELIGIBILITY_PREFIX = "eligibilite:"

UP_SIGNS = ("👍", "👌", "🙂", "😀", "😊")
DOWN_SIGNS = ("👎", "🙁", "😞", "😠")


def feedback_channels() -> Tuple[str, ...]:
    configured = os.environ.get("FEEDBACK_CHANNELS")
    if configured is None:
        return DEFAULT_CHANNELS
    return tuple(c.strip() for c in configured.split(",") if c.strip())


def offered_on(channel: Optional[str]) -> bool:
    return (channel or "") in feedback_channels()


def eligibility_target(aid: str) -> str:
    return f"{ELIGIBILITY_PREFIX}{aid}"


def payload(note: str, target: str, reason: Optional[str] = None, ref: Optional[int] = None) -> str:
    data: Dict[str, Any] = {NOTE: note, TARGET: target}
    if reason is not None:
        data[REASON] = reason
    if ref is not None:
        data[REF] = ref
    # Compact: Telegram's callback data holds 64 bytes (longer payloads go through a digest).
    return "/" + INTENT + json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def offer(target: str, texts: FeedbackMessages) -> Tuple[str, List[Dict[str, str]]]:
    """The question and its two buttons (`texts`: knowledge/dialogue.yml `avis`)."""
    return texts.question, [{"title": texts.up, "payload": payload("+", target)},
                            {"title": texts.down, "payload": payload("-", target)}]


def reason_buttons(target: str, ref: Optional[int], texts: FeedbackMessages) -> List[Dict[str, str]]:
    """One button per reason of `texts.reasons`, in their order, completing the recorded 👎 row `ref`."""
    return [{"title": title, "payload": payload("-", target, code, ref)} for code, title in texts.reasons.items()]


def is_feedback_payload(text: Optional[str]) -> bool:
    return bool(text) and text.startswith("/" + INTENT)


@dataclass(frozen=True)
class FeedbackInput:
    note: Optional[str]  # "+", "-" or None (not understood)
    target: Optional[str]
    reason: Optional[str]
    ref: Optional[int]


def read(entities: Iterable[Dict[str, Any]], text: Optional[str],
         last_offered_target: Optional[str] = None) -> FeedbackInput:
    """What a feedback message says: from the button's entities, or a typed 👍 / 👎."""
    values: Dict[str, Any] = {}
    for entity in entities or []:
        if entity.get("entity") in ENTITIES and entity.get("entity") not in values:
            values[entity["entity"]] = entity.get("value")
    note = values.get(NOTE)
    if note not in ("+", "-"):
        note = None
        text = text or ""
        if any(sign in text for sign in DOWN_SIGNS):
            note = "-"
        elif any(sign in text for sign in UP_SIGNS):
            note = "+"
    target = values.get(TARGET)
    if not isinstance(target, str) or not target or len(target) > 128:
        target = last_offered_target
    reason = values.get(REASON) if values.get(REASON) in FEEDBACK_REASONS else None
    try:
        ref = int(values.get(REF)) if values.get(REF) is not None else None
    except (TypeError, ValueError):
        ref = None
    return FeedbackInput(note, target, reason, ref)


def last_offered_target(events: Iterable[Dict[str, Any]]) -> Optional[str]:
    """The target of the newest feedback buttons the bot sent (events as rasa_sdk dicts)."""
    for event in reversed(list(events)):
        if event.get("event") != "bot":
            continue
        for button in (event.get("data") or {}).get("buttons") or []:
            text = button.get("payload") if isinstance(button, dict) else None
            if is_feedback_payload(text):
                try:
                    target = json.loads(text[len("/" + INTENT):]).get(TARGET)
                except (ValueError, AttributeError):
                    continue
                if isinstance(target, str):
                    return target
    return None


def offered_targets(events: Iterable[Dict[str, Any]]) -> List[str]:
    """The targets of every 👍 / 👎 offer the bot made in the conversation (events as rasa_sdk dicts)."""
    targets = []
    for event in events:
        for button in _buttons(event):
            data = _payload_data(button.get("payload"))
            if data is not None and REASON not in data and isinstance(data.get(TARGET), str):
                targets.append(data[TARGET])
    return list(dict.fromkeys(targets))


def _buttons(event: Dict[str, Any]) -> List[Dict[str, Any]]:
    if event.get("event") != "bot":
        return []
    return [b for b in (event.get("data") or {}).get("buttons") or [] if isinstance(b, dict)]


def _payload_data(text: Any) -> Optional[Dict[str, Any]]:
    if not is_feedback_payload(text if isinstance(text, str) else None):
        return None
    try:
        data = json.loads(text[len("/" + INTENT):])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


class _Offers:
    """What the bot offered in one conversation and what is still open: each 👍 / 👎 offer can be
    answered once, each set of reason buttons once."""

    def __init__(self) -> None:
        self.ratings: Dict[str, int] = {}  # target -> offers not answered yet
        self.reasons: set = set()  # (target, ref) of reason buttons not used yet
        self.last_target: Optional[str] = None

    def see_bot(self, event: Dict[str, Any]) -> None:
        targets, reasons = set(), set()
        for button in _buttons(event):
            data = _payload_data(button.get("payload"))
            if data is None or not isinstance(data.get(TARGET), str):
                continue
            if REASON in data:
                ref = data.get(REF)
                reasons.add((data[TARGET], ref if isinstance(ref, int) and not isinstance(ref, bool) else None))
            else:
                targets.add(data[TARGET])
        for target in targets:
            self.ratings[target] = self.ratings.get(target, 0) + 1
            self.last_target = target
        self.reasons |= reasons

    def accepts(self, given: FeedbackInput) -> bool:
        if given.note is None or not given.target:
            return False
        if given.reason is None:
            return self.ratings.get(given.target, 0) > 0
        return (given.target, given.ref) in self.reasons

    def use(self, given: FeedbackInput) -> None:
        if given.reason is None:
            self.ratings[given.target] -= 1
        else:
            self.reasons.discard((given.target, given.ref))


def _user_feedback(event: Dict[str, Any], last_target: Optional[str]) -> Optional[FeedbackInput]:
    parse = event.get("parse_data") or {}
    if (parse.get("intent") or {}).get("name") != INTENT:
        return None
    return read(parse.get("entities") or [], event.get("text"), last_target)


def accepted(events: Iterable[Dict[str, Any]], given: FeedbackInput) -> bool:
    """Whether the feedback of the conversation's latest message is to be recorded: only for an answer
    the bot gave in this conversation (its 👍 / 👎 buttons, or its reason buttons with that `ref`),
    and once per offer. The earlier feedback messages are replayed with the same rule (events as
    rasa_sdk dicts, the latest user message last), so no state is needed beyond the tracker."""
    events = list(events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    offers = _Offers()
    for event in events[:last_user]:
        if event.get("event") == "bot":
            offers.see_bot(event)
        elif event.get("event") == "user":
            earlier = _user_feedback(event, offers.last_target)
            if earlier is not None and offers.accepts(earlier):
                offers.use(earlier)
    return offers.accepts(given)
