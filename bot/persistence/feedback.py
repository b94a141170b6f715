"""Feedback on answers (👍 / 👎 with an optional reason): texts, button payloads, parsing. Pure.

After a FAQ answer or an eligibility verdict, the bot adds one short message with two buttons:

    /feedback{"note":"+","cible":"visale_couple"}
    /feedback{"note":"-","cible":"visale_couple"}

A 👎 is recorded at once and answered with the reasons as buttons (optional: the user may just go
on), each carrying the id of the recorded row so that the reason completes it:

    /feedback{"note":"-","cible":"visale_couple","raison":"incomplete","ref":42}

Targets are knowledge entry ids, or `eligibilite:<aid>` for a verdict. Reasons are fixed codes (no
free text is asked, so feedback holds no personal data). Typing 👍 or 👎 works too: the target is
then the last one offered in the conversation.

Channels: offered on the public REST channel, the staff widget and Telegram, not by SMS/WhatsApp
(Twilio) where every message costs and buttons become numbered choices that a reply "1" or "2"
must keep meaning the answer's own choices. FEEDBACK_CHANNELS (comma-separated) changes the list.
"""

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

INTENT = "feedback"
NOTE, TARGET, REASON, REF = "note", "cible", "raison", "ref"
ENTITIES = (NOTE, TARGET, REASON, REF)
DEFAULT_CHANNELS = ("rest", "staff", "telegram")
ELIGIBILITY_PREFIX = "eligibilite:"

QUESTION = "Cette réponse vous a-t-elle été utile ?"
UP = "👍 Oui"
DOWN = "👎 Non"
THANKS = "Merci pour votre retour !"
ASK_REASON = "Merci. Qu'est-ce qui n'allait pas ? (facultatif : vous pouvez aussi continuer)"
THANKS_REASON = "Merci, c'est noté : l'équipe qui rédige les réponses en tiendra compte."
REASONS: Dict[str, str] = {
    "pas_ma_question": "Ce n'était pas ma question",
    "incomplete": "Réponse incomplète",
    "pas_claire": "Pas assez claire",
    "erronee": "Information erronée ou dépassée",
}
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


def offer(target: str) -> Tuple[str, List[Dict[str, str]]]:
    """The question and its two buttons."""
    return QUESTION, [{"title": UP, "payload": payload("+", target)},
                      {"title": DOWN, "payload": payload("-", target)}]


def reason_buttons(target: str, ref: Optional[int]) -> List[Dict[str, str]]:
    return [{"title": title, "payload": payload("-", target, code, ref)} for code, title in REASONS.items()]


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
    reason = values.get(REASON) if values.get(REASON) in REASONS else None
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
