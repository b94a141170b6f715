"""Word the eligibility conversation: the next question with its buttons, the verdict, the why."""

import json
from typing import List, Optional

from bot.answering.render import Reply, choice_payload
from bot.rules import EligibilityDecision
from bot.rules.formatting import french_number

ANSWER_ENTITY = "reponse"  # button payloads carry "<fact>:<value>"
AID_ENTITY = "aide"
MAX_SOURCES = 3


def answer_payload(fact_name: str, value) -> str:
    return "/informer" + json.dumps({ANSWER_ENTITY: f"{fact_name}:{json.dumps(value)}"})


def parse_answer_entity(value: str):
    """("fact", value) from a button entity, or None when malformed."""
    if not isinstance(value, str) or ":" not in value:
        return None
    name, raw = value.split(":", 1)
    try:
        return name, json.loads(raw)
    except ValueError:
        return None


def aid_payload(aid: str) -> str:
    return "/eligibilite" + json.dumps({AID_ENTITY: aid})


def intro(aid: str, base) -> Reply:
    """First message of a check for a known aid, with a button to the FAQ entry on its conditions."""
    messages = base.dialogue.eligibilite
    text = messages.intro.format(aide=messages.aids.get(aid, aid))
    entry = next((e for e in base.entries.values() if e.check == aid), None)
    buttons = [{"title": messages.conditions_button, "payload": choice_payload(entry.id)}] if entry else []
    return Reply(text, buttons)


def aid_question(messages) -> Reply:
    buttons = [{"title": title, "payload": aid_payload(aid)} for aid, title in messages.aids.items()]
    return Reply(messages.ask_aid, buttons)


def fact_question(fact, messages) -> Reply:
    """The question about `fact`, with buttons when the answer is a short list."""
    if fact.type == "bool":
        buttons = [{"title": messages.yes, "payload": answer_payload(fact.name, True)},
                   {"title": messages.no, "payload": answer_payload(fact.name, False)}]
    elif fact.type == "choice":
        buttons = [{"title": label, "payload": answer_payload(fact.name, key)} for key, label in fact.choices]
    else:
        buttons = []
    return Reply(fact.question, buttons)


def why_reply(why: str, messages) -> Reply:
    """Why a question is asked (the form asks the question again right after)."""
    return Reply(f"{messages.why_prefix} {why}")


def _sources(decision: EligibilityDecision) -> List[str]:
    seen, lines = set(), []
    for source in decision.sources:
        key = source.url or source.title
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"{source.title} <{source.url}>" if source.url else source.title)
        if len(lines) == MAX_SOURCES:
            break
    return lines


def verdict(decision: EligibilityDecision, messages, source_label: str) -> Reply:
    """The indicative verdict: summary with the deciding criterion, amounts or delays, next steps."""
    parts = [f"**{decision.aid_name_fr}** : {decision.summary_fr}"]
    for quantity in (decision.amount, decision.lead_time):
        if quantity is not None:
            parts.append(quantity.text_fr)
    if decision.next_steps_fr:
        parts.append(messages.next_steps + "\n" + "\n".join(f"- {step}" for step in decision.next_steps_fr))
    if decision.alternatives_fr:
        parts.append(messages.alternatives + "\n" + "\n".join(f"- {alt}" for alt in decision.alternatives_fr))
    sources = _sources(decision)
    if sources:
        parts.append(f"{source_label} : " + " ; ".join(sources))
    buttons = [{"title": messages.another_aid, "payload": "/eligibilite"},
               {"title": messages.start_over, "payload": "/recommencer"}]
    return Reply("\n\n".join(parts), buttons)


def correction_note(fact, value, messages) -> Optional[str]:
    shown = value
    if fact.type == "choice":
        shown = dict(fact.choices).get(value, value)
    elif fact.type == "bool":
        shown = messages.yes if value else messages.no
    elif fact.unit:
        shown = f"{french_number(value)} {fact.unit}"
    return messages.noted.format(valeur=shown)
