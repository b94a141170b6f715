"""A simulated user: answers the bot's questions from a persona's profile (tests/personas/FORMAT.md).

The bot's question is recognised from the buttons it offers (every question carries at least the
« Je ne sais pas » button, whose payload names the fact). A persona that `answers: buttons` presses
the button of its value when there is one; otherwise it types, as people do: « 24 ans », « 1 200 € net »,
« non pas encore », the commune's name, « je sais pas » for an `inconnu` fact. A fact the persona
does not have at all is answered « je ne sais pas » and counted (the bot asked something the persona
could not know). Verdicts are read from the replies with the wording of knowledge/.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from bot.eligibility.replies import CONFIRM_FACT
from bot.situation.vocabulary import UNKNOWN, rule_name

ANSWER = re.compile(r'^/informer(\{.*\})$')
TYPED_BOOL = {True: ("oui", "oui c'est ça", "ouais", "oui tout à fait"), False: ("non", "non pas du tout", "nan", "non")}
TYPED_CHOICE = {
    "salarie": "je suis salarié", "alternant": "en alternance", "etudiant": "étudiant", "demandeur_emploi": "au chômage",
    "independant": "indépendant", "retraite": "retraité", "autre": "autre situation",
    "prive": "une entreprise privée", "agricole": "une exploitation agricole", "public": "employeur public",
    "cdi": "CDI", "cdd": "CDD", "interim": "intérim",
    "ile_de_france": "en Île-de-France", "grande_agglomeration": "dans une grande agglomération",
    "autre_commune": "une autre commune",
}
UNITS = {"€": "€", "ans": "ans", "mois": "mois", "salariés": "salariés", "km": "km", "minutes": "minutes",
         "personne(s)": ""}


@dataclass
class Persona:
    id: str
    channel: str
    answers: str
    request: str
    opening: str
    facts: Dict[str, Any]                 # rule name -> value
    typed: Dict[str, str]
    expected: Dict[str, str]
    minimum_questions: int
    why: str = ""
    zone: Optional[str] = None       # the region the persona knows it lives in (from its commune)

    @classmethod
    def from_yaml(cls, item: dict) -> "Persona":
        facts: Dict[str, Any] = {}
        for subject, values in (item.get("facts") or {}).items():
            for name, value in (values or {}).items():
                rule = rule_name(subject, name)
                if rule:
                    facts[rule] = value
        typed = {}
        for key, text in (item.get("typed") or {}).items():
            subject, name = key.split(".", 1)
            rule = rule_name(subject, name)
            if rule:
                typed[rule] = text
        return cls(item["id"], item["channel"], item["answers"], item["request"], item["opening"], facts, typed,
                   dict(item["expected"]), int(item.get("minimum_questions", 0)), item.get("why", ""))


@dataclass
class Exchange:
    asked: List[str] = field(default_factory=list)        # facts the bot asked, in order
    could_not_know: List[str] = field(default_factory=list)
    turns: int = 0


def asked_fact(buttons: List[dict]) -> Optional[str]:
    """The fact a question is about, from its buttons' payloads."""
    for button in buttons or []:
        match = ANSWER.match(button.get("payload") or "")
        if match:
            try:
                name = json.loads(match.group(1))["reponse"].split(":", 1)[0]
            except (ValueError, KeyError):
                continue
            if name != CONFIRM_FACT:
                return name
    return None


def _payload_value(payload: str) -> Tuple[Optional[str], Any]:
    match = ANSWER.match(payload or "")
    if not match:
        return None, None
    name, raw = json.loads(match.group(1))["reponse"].split(":", 1)
    return name, json.loads(raw)


# What a person knows without it being written in the profile: they have no promise of hiring and were
# not transferred unless the profile says so, and they know the region they live in.
OBVIOUS_NO = ("promesse_embauche", "mutation_recente", "promesse_embauche_conjoint", "mutation_recente_conjoint")
IDF_DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")


def known_answer(persona: Persona, name: str) -> Any:
    if name in persona.facts:
        return persona.facts[name]
    if name in OBVIOUS_NO:
        return False
    if name == "zone_logement" and persona.facts.get("commune"):
        return persona.zone
    return None


def typed_value(name: str, value: Any, unit: Optional[str], turn: int) -> str:
    if value == UNKNOWN:
        return ("je sais pas", "aucune idée", "je ne sais pas")[turn % 3]
    if isinstance(value, bool):
        options = TYPED_BOOL[value]
        return options[turn % len(options)]
    if isinstance(value, str):
        return TYPED_CHOICE.get(value, value)
    number = f"{value:g}" if isinstance(value, float) else str(value)
    shown = UNITS.get(unit or "", "")
    if name.startswith("revenu"):
        return f"{number} € net"
    return f"{number} {shown}".strip()


def answer(persona: Persona, text: str, buttons: List[dict], catalogue, exchange: Exchange) -> Optional[str]:
    """What the persona sends back to the bot's last reply (a payload or a text), None if nothing to answer."""
    name = asked_fact(buttons)
    if name is None:
        return None
    exchange.turns += 1
    confirming = any((b.get("payload") or "").startswith('/informer{"reponse": "confirmer:') for b in buttons)
    exchange.asked.append(name)
    truth = known_answer(persona, name)
    if truth is None:
        exchange.could_not_know.append(name)
        truth = UNKNOWN
    fact = catalogue[name] if name in catalogue else None
    if confirming:
        offered = next((_payload_value(b["payload"])[1] for b in buttons
                        if _payload_value(b.get("payload"))[0] == name), None)
        right = offered == truth or (isinstance(truth, (int, float)) and isinstance(offered, (int, float))
                                     and abs(offered - truth) < 1)
        if persona.answers == "buttons":
            wanted = name if right else CONFIRM_FACT
            return next(b["payload"] for b in buttons if _payload_value(b["payload"])[0] == wanted)
        return "oui" if right else f"non, {typed_value(name, truth, fact.unit if fact else None, exchange.turns)}"
    if persona.answers == "buttons":
        for button in buttons:
            button_name, value = _payload_value(button.get("payload"))
            if button_name == name and value == truth:
                return button["payload"]
    if name in persona.typed:
        return persona.typed[name]
    return typed_value(name, truth, fact.unit if fact else None, exchange.turns)
