"""What one message means inside a check or a screening, as pure data in and out.

Given the state of the check (which aid or « toutes », the question pending, the buttons offered)
and the situation, a message is one of:
- an **answer** to the pending question (typed, a button, or a typed choice « 2 » / « le deuxième »),
  possibly with other facts stated on the way;
- « je ne sais pas »: the fact is recorded as **unknown** and the check moves on;
- a **correction** of the previous answer (« non, 1300 »);
- a **confirmation** (oui / non) of a fact read with low confidence;
- **not an answer**: a question on another topic, which the FAQ answers before the pending question
  is asked again (the action rejects the form turn);
- an **invalid** value, which gets the catalogue's French message and the same question again.
Cancel, restart and « pourquoi ? » are intents handled by the dialogue rules before this module.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, List, Optional, Sequence, Tuple

from bot.dialogue.answers import answer_to, is_a_question, is_unknown, option_chosen
from bot.eligibility.aids import asks_for_self
from bot.eligibility.replies import CONFIRM_FACT
from bot.nlu.quantities import extract
from bot.situation.model import ANSWERED, CONFIRMED, CORRECTED, Situation, from_reading
from bot.situation.vocabulary import PARTNER_SUFFIX, UNKNOWN

CORRECTION = re.compile(r"^\s*(?:non|nan|pardon|erreur|en fait|plut[oô]t|correction|je me suis tromp[ée]e?|"
                        r"je voulais dire|oups|attends?|euh non)\b[\s,:!.]*", re.I)
OTHER_TOPIC_INTENTS = {"faq", "chitchat", "hors_sujet", "nlu_fallback"}
SHORT_ANSWER_WORDS = 5
MAX_TRIES = 2
ANSWER_PREFIX = "/informer"


@dataclass
class CheckState:
    """The running check, stored in one slot as JSON."""

    target: Optional[str] = None            # an aid id, or "toutes" for a screening
    asking: Optional[str] = None            # the fact the pending question is about
    confirming: bool = False                # the pending question confirms a fact read with low confidence
    previous: Optional[str] = None          # the fact answered just before (for « non, 1300 »)
    options: List[Tuple[str, Any]] = field(default_factory=list)  # (title, payload) of the buttons offered
    asked: int = 0                          # questions asked in this check
    tries: int = 0                          # answers refused for the pending question

    def as_dict(self) -> dict:
        return {"cible": self.target, "question": self.asking, "confirmation": self.confirming,
                "precedente": self.previous, "choix": [list(o) for o in self.options], "posees": self.asked,
                "essais": self.tries}

    @classmethod
    def from_dict(cls, data) -> "CheckState":
        if not isinstance(data, dict):
            return cls()
        return cls(data.get("cible"), data.get("question"), bool(data.get("confirmation")), data.get("precedente"),
                   [tuple(o) for o in data.get("choix") or []], int(data.get("posees") or 0),
                   int(data.get("essais") or 0))


@dataclass
class Turn:
    situation: Situation
    kind: str                               # answer | unknown | correction | confirmed | invalid | nothing
    notes: List[str] = field(default_factory=list)     # French messages to say before the next question
    stated: List[str] = field(default_factory=list)    # facts the message stated on its own
    corrected: Optional[str] = None
    answered: Optional[str] = None
    ask: Optional[str] = None           # a fact to ask right away (its reading was rejected)


def button_answer(payload_value: Optional[str]) -> Optional[Tuple[str, Any]]:
    """("fact", value) from a button entity "<fact>:<json value>", or None when malformed."""
    if not isinstance(payload_value, str) or ":" not in payload_value:
        return None
    name, raw = payload_value.split(":", 1)
    try:
        return name, json.loads(raw)
    except ValueError:
        return None


def payload_answer(payload: Any) -> Optional[Tuple[str, Any]]:
    """The answer carried by a button payload `/informer{"reponse": "fact:value"}`."""
    if not isinstance(payload, str) or not payload.startswith(ANSWER_PREFIX):
        return None
    try:
        entities = json.loads(payload[len(ANSWER_PREFIX):] or "{}")
    except ValueError:
        return None
    return button_answer(entities.get("reponse")) if isinstance(entities, dict) else None


NUMERIC = ("int", "float")
FIRST_PERSON = re.compile(r"(?<![\w'])(?:je|j'|moi|mon|ma|mes)(?![\w'])", re.I)


def _said_of_the_partner_asked(text, asking, before: Situation, situation: Situation, stated, derive):
    """« 33 ans » to « how old is the other person? » is the partner's age: the reader, who does not know the
    question, gave it to the person; unless the message speaks of oneself (« moi j'ai 35 ans »)."""
    if asking is None or not asking.name.endswith(PARTNER_SUFFIX) or FIRST_PERSON.search(text or ""):
        return situation, stated
    own = asking.name[:-len(PARTNER_SUFFIX)]
    if own not in stated or asking.name in stated:
        return situation, stated
    value, earlier = situation.facts[own].value, before.facts.get(own)
    situation = situation.without(own) if earlier is None else situation.with_fact(own, earlier.value, earlier.source)
    return derive(situation.with_fact(asking.name, value, ANSWERED)), [asking.name if n == own else n for n in stated]


def understand(text: str, intent: Optional[str], button: Optional[Tuple[str, Any]], state: CheckState,
               situation: Situation, reader, catalogue, derive, staff: bool = False,
               today: Optional[dt.date] = None, aid_named: Optional[str] = None) -> Optional[Turn]:
    """The meaning of a message in a check; None when it is not about the check at all (another topic).
    `aid_named`: the aid the message names (another one than the check's starts that check instead)."""
    text = text or ""
    asking = catalogue[state.asking] if state.asking in catalogue else None
    bare_number = asking is not None and asking.type in ("int", "float") and re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", text)
    if button is None and state.options and asking is not None and not bare_number:  # « 1 » to « combien ? » is 1
        chosen = payload_answer(option_chosen(text, state.options))
        if chosen is not None:
            button = chosen
    if button is not None:
        return _from_button(button, state, situation, catalogue, derive)
    if asking is not None and is_unknown(text) and answer_to(asking, text, reader.lexicon) in (None, False):
        return Turn(derive(situation.with_fact(asking.name, UNKNOWN, ANSWERED)), "unknown", answered=asking.name)
    if asking is not None and state.confirming:
        said = extract(text).yes_no
        if said is True:
            return Turn(derive(situation.confirmed(asking.name)), "confirmed", answered=asking.name)
        if said is False and len(text.split()) <= 2:
            return Turn(derive(situation.without(asking.name)), "answer", answered=None, ask=asking.name)

    before = situation
    reading = reader.read(text, today, staff)
    situation = from_reading(situation, reading, catalogue, derive)
    stated = [name for name, fact in situation.facts.items()
              if before.facts.get(name) != fact and fact.source != "deduit"]
    situation, stated = _said_of_the_partner_asked(text, asking, before, situation, stated, derive)
    turn = Turn(situation, "answer" if stated else "nothing", stated=stated)

    correction = CORRECTION.match(text)
    if correction and state.previous in catalogue and (asking is None or asking.type != "bool"):
        previous = catalogue[state.previous]
        value = answer_to(previous, text[correction.end():], reader.lexicon)
        if value is not None:
            checked, error = catalogue.validate(previous.name, value)
            if error is None:
                turn.situation = derive(before.with_fact(previous.name, checked, CORRECTED))
                turn.kind, turn.corrected = "correction", previous.name
                return turn
    # « 1100 net » to « how much housing allowance? » says the income, not the allowance: a number the
    # reader gave to another fact is not also the answer to the question asked.
    numbers_taken = any(catalogue[name].type in NUMERIC for name in stated if name in catalogue)
    if asking is not None and asking.name not in stated:
        value = None if asking.type in NUMERIC and numbers_taken else answer_to(asking, text, reader.lexicon)
        if value is not None:
            checked, error = catalogue.validate(asking.name, value)
            if error and state.tries >= MAX_TRIES:
                turn.situation = derive(turn.situation.with_fact(asking.name, UNKNOWN, ANSWERED))
                turn.kind, turn.answered = "unknown", asking.name
                return turn
            if error:
                turn.notes.append(error)
                turn.kind = "invalid"
                return turn
            turn.situation = derive(turn.situation.with_fact(asking.name, checked, ANSWERED))
            turn.kind, turn.answered = "answer", asking.name
            return turn
    elif asking is not None:
        turn.answered = asking.name
        turn.situation = derive(turn.situation.confirmed(asking.name))
    if turn.kind == "nothing" and len(text.split()) > SHORT_ANSWER_WORDS - 3 and (
            intent in OTHER_TOPIC_INTENTS or (state.asking and aid_named in (None, state.target)
                                              and is_a_question(text) and not asks_for_self(text))):
        return None  # a question of its own (« qui a droit à Visale ? »), whatever the classifier made of it
    if turn.kind == "nothing" and asking is not None:
        if state.tries >= MAX_TRIES:  # a way out: after a few refused answers the fact stays unknown
            turn.situation = derive(turn.situation.with_fact(asking.name, UNKNOWN, ANSWERED))
            turn.kind, turn.answered = "unknown", asking.name
            return turn
        turn.kind = "invalid"
        turn.notes.append(catalogue.validate(asking.name, "")[1] or "")
    return turn


def _from_button(button: Tuple[str, Any], state: CheckState, situation: Situation, catalogue, derive) -> Turn:
    name, value = button
    if name == CONFIRM_FACT:
        fact = state.asking
        if value is True and fact:
            return Turn(derive(situation.confirmed(fact)), "confirmed", answered=fact)
        return Turn(derive(situation.without(fact)) if fact else situation, "answer", ask=fact)
    if name not in catalogue:
        return Turn(situation, "nothing")
    if value == UNKNOWN:
        return Turn(derive(situation.with_fact(name, UNKNOWN, ANSWERED)), "unknown", answered=name)
    checked, error = catalogue.validate(name, value)
    if error:
        return Turn(situation, "invalid", notes=[error])
    return Turn(derive(situation.with_fact(name, checked, CONFIRMED)), "answer", answered=name)


def after_question(state: CheckState, fact: Optional[str], confirming: bool, options, new_check: bool) -> CheckState:
    """The state once the next question is asked (or the check is complete when `fact` is None)."""
    return replace(state, previous=state.asking if not new_check else None, asking=fact, confirming=confirming,
                   options=list(options), asked=state.asked + (1 if fact else 0),
                   tries=state.tries + 1 if fact and fact == state.asking else 0)
