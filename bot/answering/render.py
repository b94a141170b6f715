"""Word the reply for one decision: answer text, source line, review date and buttons."""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from bot.answering.audience import PROFESSIONALS
from bot.answering.answer_choice import CHOICE_ENTITY, NONE_OF_THESE, AnswerChoice
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import ELIGIBILITY_AIDS, Entry


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    sms: str = ""  # the entry's short SMS text with its source line, sent instead of `text` by SMS


SMS_KEY = "sms"  # the bot message's field carrying `Reply.sms` to the SMS channel (bot/channels/twilio.py)


def sms_of(reply: Reply) -> Dict[str, str]:
    """The extra field of a bot message carrying its SMS version, when it has one."""
    return {SMS_KEY: reply.sms} if reply.sms else {}


REFERRAL_PAYLOAD = "/saisine"  # « Préparer la saisine du service d'accompagnement » (staff channel)


def referral_button(base: KnowledgeBase) -> Dict[str, str]:
    """The button offering a CCAS agent the draft referral to the support service (bot/dialogue/referral.py)."""
    return {"title": base.dialogue.saisine.bouton, "payload": REFERRAL_PAYLOAD}


def choice_payload(entry_id: str) -> str:
    """Button payload that selects an entry without going through NLU."""
    return "/faq" + json.dumps({CHOICE_ENTITY: entry_id})


def with_parameters(text: str, day: Optional[dt.date] = None) -> str:
    """The text with its {parameter.name} references replaced by the values in force (knowledge/parametres/)."""
    if "{" not in text:
        return text
    from bot.rules import load_rules  # the rules' parameters; imported here to keep answering light
    return load_rules().render(text, day)


def source_line(entry: Entry, base: KnowledgeBase) -> str:
    messages = base.messages
    parts = []
    for source in entry.sources:
        parts.append(f"{source.title} <{source.url}>" if source.url else source.title)
    reviewed = entry.reviewed.strftime("%d/%m/%Y")
    if not parts:
        return ""
    return f"{messages.source} : " + " ; ".join(parts) + f" ({messages.reviewed} {reviewed})"


def topic_of(entry: Entry) -> Optional[str]:
    """The aid an entry is about (the one whose check it offers, or the one its title names), or None."""
    from bot.eligibility.aids import detect_aid  # the aids' words; imported here to keep answering light
    aid = entry.check or detect_aid(entry.title)
    return aid if aid in ELIGIBILITY_AIDS else None


def render_entry(entry: Entry, base: KnowledgeBase, audience: str, day: Optional[dt.date] = None,
                 alternatives: Sequence[str] = (), in_context: bool = False) -> Reply:
    """The answer of one entry for this audience, with its sources; close alternatives and related
    entries as buttons. `in_context`: chosen with the help of the previous answer, so it names its topic."""
    text = with_parameters(entry.text_on(day or dt.date.today(), audience) or base.messages.fallback, day)
    if in_context:
        text = f"{base.messages.context_topic.format(sujet=entry.title)} {text}"
    sms = with_parameters(entry.sms, day) if entry.sms else ""
    if entry.intent == "faq":
        line = source_line(entry, base)
        if line:
            text = f"{text.rstrip()}\n\n{line}"
            sms = f"{sms}\n\n{line}" if sms else ""
    targets = [t for t in dict.fromkeys([*alternatives, *entry.see_also]) if t in base.entries and t != entry.id]
    buttons = [{"title": base.entries[t].title, "payload": choice_payload(t)} for t in targets]
    if entry.check:
        buttons.insert(0, {"title": base.dialogue.eligibilite.check_button,
                           "payload": "/eligibilite" + json.dumps({"aide": entry.check})})
    if audience == PROFESSIONALS and entry.id == base.dialogue.saisine.entree:
        buttons.insert(0, referral_button(base))
    return Reply(text.strip(), buttons, sms)


def render_choice(decision: AnswerChoice, base: KnowledgeBase, audience: str,
                  day: Optional[dt.date] = None, in_context: bool = False) -> Reply:
    if decision.kind == "answer":
        return render_entry(base.entries[decision.entry_id], base, audience, day, decision.alternatives, in_context)
    if decision.kind == "clarify":
        buttons = [{"title": base.entries[i].title, "payload": choice_payload(i)} for i in decision.entry_ids]
        buttons.append({"title": base.messages.clarify_none, "payload": choice_payload(NONE_OF_THESE)})
        return Reply(base.messages.clarify, buttons)
    return Reply(base.messages.fallback.strip())
