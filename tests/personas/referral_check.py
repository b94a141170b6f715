"""Check a referral drafted at the end of a staff persona's conversation against the persona itself.

A referral is right when: it comes once, with its draft for the widget; every fact it lists is one of
the persona's facts with the persona's value (no invented field, no wrong owner); every fact the bot
asked and the persona answered is there; each aid checked carries the status fixed from the official
rules in the persona file; the mailto: link holds the professional address, the subject and the body.
"""

from typing import Any, Dict, List
from urllib.parse import parse_qs, unquote, urlsplit

from bot.dialogue.referral import WRITTEN
from bot.eligibility.aids import SCREENING
from bot.eligibility.replies import shown_value
from bot.knowledge import load_knowledge
from bot.rules import AIDS, load_rules
from bot.situation.vocabulary import CONJOINT, MENAGE, PERSONNE, rule_name
from tests.personas.simulated_user import Persona, known_answer

KNOWLEDGE = load_knowledge("knowledge")
TEXTS = KNOWLEDGE.dialogue.saisine
RULES = load_rules()
SUBJECT_OF_HEADING = {TEXTS.personne: PERSONNE, TEXTS.conjoint: CONJOINT, TEXTS.menage: MENAGE}
STATUS_WORD = {"eligible": TEXTS.aide_possible, "non_eligible": TEXTS.aide_impossible,
               "indetermine": TEXTS.aide_incertaine}


def _fact_named(subject: str, short_name: str):
    for fact in RULES.facts:
        if fact.short_name == short_name and rule_name(subject, fact.name.replace("_conjoint", "")) == fact.name:
            return fact
    return None


def _listed_facts(body: str, faults: List[str]) -> Dict[str, str]:
    """{rule fact name: value as written} from the « Situation décrite » section."""
    listed: Dict[str, str] = {}
    section = body.split(TEXTS.situation, 1)[1].split("\n\n", 1)[0]
    for line in filter(None, section.split("\n")):
        if line == TEXTS.rien_dit:
            continue
        heading, _, facts = line[2:].partition(" : ")
        subject = SUBJECT_OF_HEADING.get(heading)
        if not line.startswith("- ") or subject is None:
            faults.append(f"ligne de situation inattendue : {line}")
            continue
        for item in facts.split(" ; "):
            short_name, _, value = item.partition(" : ")
            fact = _fact_named(subject, short_name)
            if fact is None:
                faults.append(f"fait inconnu « {short_name} » ({heading})")
            else:
                listed[fact.name] = value
    return listed


def _aid_statuses(body: str, faults: List[str]) -> Dict[str, str]:
    names = {name: aid for aid, name in KNOWLEDGE.dialogue.eligibilite.aids.items()}
    statuses = {}
    if TEXTS.aides not in body:
        return statuses
    section = body.split(TEXTS.aides, 1)[1].split("\n\n", 1)[0]
    for line in filter(None, section.split("\n")):
        name, _, rest = line[2:].partition(" : ")
        word = next((w for w in (TEXTS.aide_impossible, TEXTS.aide_possible, TEXTS.aide_incertaine)
                     if rest.startswith(w)), None)
        if name not in names or word is None:
            faults.append(f"ligne d'aide inattendue : {line}")
            continue
        statuses[names[name]] = word
    return statuses


def referral_faults(replies: List[dict], persona: Persona, asked: List[str]) -> List[str]:
    faults: List[str] = []
    drafts = [r["custom"]["saisine"] for r in replies or [] if isinstance(r.get("custom"), dict)
              and "saisine" in r["custom"]]
    if len(drafts) != 1:
        return [f"{len(drafts)} projet(s) de saisine au lieu d'un"]
    draft = drafts[0]
    body: str = draft["texte"]
    shown = "\n\n".join(r["text"] for r in replies or [] if r.get("text"))  # one message per paragraph
    if body not in shown:
        faults.append("le texte affiché ne contient pas le projet")
    for name, value in _listed_facts(body, faults).items():
        truth: Any = known_answer(persona, name)
        if truth is None:
            faults.append(f"fait inventé : {name} = {value}")
        elif shown_value(RULES.facts[name], truth, WRITTEN) != value:
            faults.append(f"{name} : « {value} » au lieu de « {shown_value(RULES.facts[name], truth, WRITTEN)} »")
    listed = _listed_facts(body, [])
    for name in asked:
        if name in RULES.facts and known_answer(persona, name) is not None and name not in listed:
            faults.append(f"fait répondu absent : {name}")
    checked = AIDS if persona.request == SCREENING else (persona.request,)
    statuses = _aid_statuses(body, faults)
    if sorted(statuses) != sorted(checked):
        faults.append(f"aides listées {sorted(statuses)} au lieu de {sorted(checked)}")
    for aid, want in persona.expected.items():
        if aid in statuses and statuses[aid] != STATUS_WORD[want]:
            faults.append(f"{aid} : « {statuses[aid]} » au lieu de « {STATUS_WORD[want]} »")
    link = urlsplit(draft["mailto"])
    query = parse_qs(link.query)
    if unquote(link.path) != TEXTS.adresse or query.get("body") != [body.replace("\n", "\r\n")] \
            or query.get("subject") != [draft["objet"]]:
        faults.append("lien mailto: incomplet")
    for placeholder in ("[nom et prénom]", "[votre nom]", "[votre CCAS]"):
        if placeholder not in body:
            faults.append(f"{placeholder} manquant")
    return faults
