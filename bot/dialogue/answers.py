"""The answer a message gives to the question just asked: a number, yes/no, a choice, a commune, or « je ne sais pas ».

Typed choices are accepted wherever buttons were offered: « 2 », « le deuxième », the button's title
or a few words of it. A number that carries another unit (« 3000 € » to « combien de personnes ? »)
is not an answer. Values are raw: the facts catalogue validates them (ranges, types) afterwards.
"""

import json
import re
from typing import Any, List, Optional, Sequence, Tuple

from bot.nlu.normalize import fold
from bot.nlu.quantities import Quantities, digits, extract
from bot.situation.lexicon import Lexicon, plain

UNKNOWN_ANSWER = re.compile(r"^\W*(?:(?:je |j')?(?:ne )?(?:sais|sait|savons) (?:pas|plus|rien)|jsp|jcp|j'?en sais rien|"
                            r"aucune id[ée]e|pas s[uû]re?|je ne suis pas s[uû]re?|je suis pas s[uû]re?|aucun moyen de savoir|"
                            r"on ne sait pas|on sait pas|j'?ignore|je me souviens (?:pas|plus)|bonne question|"
                            r"(?:je )?(?:ne )?connais pas|inconnu|\?+|ch[ée]p|chais pas)\b|^\W*euh+\W*$", re.I)
ORDINALS = {"premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2,
            "2eme": 2, "troisieme": 3, "3e": 3, "3eme": 3, "quatrieme": 4, "4e": 4, "4eme": 4, "cinquieme": 5,
            "5e": 5, "5eme": 5, "sixieme": 6, "6e": 6, "septieme": 7, "7e": 7, "dernier": -1, "derniere": -1}
NEGATIVE = re.compile(r"(?:^|\s)(?:-|moins)\s*(\d+(?:[.,]\d+)?)", re.I)
CONTRACT_WORDS = ((r"ind[ée]termin", "cdi"), (r"(?<!in)d[ée]termin", "cdd"))
YEARS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:ans|an|annees?)\b")
HALF = re.compile(r"\bet demi\b")


UNKNOWN_ANYWHERE = re.compile(r"(?<![\w'])(?:(?:je |j')?(?:ne )?(?:sais|sait|connais|connait) (?:pas|plus|rien)|"
                              r"aucune id[ée]e|pas (?:sous les yeux|l'information|l'info)|je n'ai pas (?:l'info|"
                              r"l'information|son contrat|mon contrat|le chiffre)|je (?:ne )?me souviens (?:pas|plus)|"
                              r"(?:je ne suis|je suis) pas s[uû]re?|impossible (?:a|à) dire|aucun moyen de savoir)(?![\w'])")


def is_unknown(text: str) -> bool:
    """« je ne sais pas », « aucune idée », « je ne connais pas son salaire »: the person does not know."""
    folded = plain(text or "").strip()
    return bool(UNKNOWN_ANSWER.search(folded) or UNKNOWN_ANYWHERE.search(folded))


# « c'est gratuit ? », « combien de temps ça dure », « qui a droit à Visale ? »: asked as a question.
QUESTION_FORM = re.compile(r"\?\s*$|^\W*(?:et |mais |au fait |sinon |avant ca,? |question ?:? )*(?:comment|combien|quel|quelle|"
                           r"quels|quelles|pourquoi|pk|qui|ou|quand|est-ce|est ce|c'est quoi|c quoi|c'est combien|c combien|qu'est|faut-il|"
                           r"faut il|peut-on|peut on|y a-t-il|a quoi|pouvez-vous|pouvez vous|tu peux|vous pouvez)(?![\w'])")


def is_a_question(text: str) -> bool:
    """A message asked as a question: a question mark at the end, or an interrogative word first."""
    return bool(QUESTION_FORM.search(plain(text or "").strip()))


ELLIPSIS_START = re.compile(r"^\W*(?:et|mais|sinon|ou bien|ou alors|du coup)(?![\w'])")
ELLIPSIS_WORDS = 7


def elliptical_question(text: str) -> bool:
    """« Et pour une personne en CDD ? », « et un retraité ? »: a short question leaning on the previous answer
    (to be read in its context), not a request for a check (« et j'y ai droit ? »)."""
    from bot.eligibility.aids import asks_for_self  # the aids' words; the registry is read on first use
    folded = plain(text or "").strip()
    return (is_a_question(folded) and len(folded.split()) <= ELLIPSIS_WORDS and bool(ELLIPSIS_START.search(folded))
            and not asks_for_self(folded))


YES_NO_TITLE = {True: re.compile(r"(?<![\w])oui(?![\w])"), False: re.compile(r"(?<![\w])non(?![\w])")}


def _yes_no_option(text: str, folded: str, options: Sequence[Tuple[str, Any]]) -> Optional[Any]:
    """« oui », « non », « ok » (one or two words) to buttons titled « … Oui » / « … Non »."""
    if len(folded.split()) > 2 or re.search(r"\d", folded) or is_unknown(text):
        return None  # « aucune idée » is no « non »
    said = extract(text or "").yes_no
    if said is None:
        return None
    matching = [value for title, value in options if YES_NO_TITLE[said].search(plain(title))]
    return matching[0] if len(matching) == 1 else None


def option_chosen(text: str, options: Sequence[Tuple[str, Any]]) -> Optional[Any]:
    """The value of the option a typed reply picks (« 2 », « le deuxième », the title, « oui » / « non » to
    buttons so titled), or None."""
    if not options:
        return None
    folded = plain(text or "").strip(" .!?")
    number = re.fullmatch(r"(?:n°|numero|choix|option|reponse)?\s*(\d{1,2})", folded)
    if number and 1 <= int(number.group(1)) <= len(options):
        return options[int(number.group(1)) - 1][1]
    for word, index in ORDINALS.items():
        if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", folded) and len(folded.split()) <= 4:
            return options[index - 1 if index > 0 else len(options) - 1][1] if abs(index) <= len(options) else None
    for title, value in options:
        if plain(title).strip(" .!?") == folded:
            return value
    return _yes_no_option(text, folded, options)


def payload_parts(payload: Any) -> Optional[Tuple[str, dict]]:
    """(intent, entities) of a button payload `/intent{"entity": value}`, or None when it is not one."""
    match = re.fullmatch(r"/(\w+)(\{.*\})?", payload or "", re.S) if isinstance(payload, str) else None
    if not match:
        return None
    try:
        entities = json.loads(match.group(2) or "{}")
    except ValueError:
        return None
    return (match.group(1), entities) if isinstance(entities, dict) else None


def _choice(fact, text: str, lexicon: Optional[Lexicon]) -> Optional[str]:
    """The one choice a reply names; None when it names none, or several (« public ou privé ? »)."""
    folded = plain(text)
    if re.search(r"(?<![\w])(?:priv\w*|public|agricole|cdi|cdd|interim)\s+ou\s+(?:priv\w*|public|agricole|cdi|cdd|interim)",
                 folded):
        return None
    base = fact.name.replace("_conjoint", "")
    if lexicon is not None:
        groups = {"situation_pro": lexicon.situations, "secteur_employeur": lexicon.sectors,
                  "type_contrat": lexicon.contracts}.get(base, ())
        for key, pattern in groups:
            if pattern.search(folded):
                return key
    if base == "type_contrat":
        for pattern, key in CONTRACT_WORDS:
            if re.search(pattern, folded):
                return key
    for key, label in fact.choices:
        if fold(key.replace("_", " ")) in folded or plain(label) in folded:
            return key
    if base == "situation_pro" and re.search(r"(?<![\w])(?:priv[ée]e?|public|agricole)(?![\w])", folded):
        return "salarie"
    if base == "secteur_employeur":
        for key, word in (("prive", r"priv"), ("public", r"public|fonction"), ("agricole", r"agri")):
            if re.search(word, folded):
                return key
    if base == "zone_logement":
        if re.search(r"ile.de.france|idf|paris", folded):
            return "ile_de_france"
        if re.search(r"agglo|grande ville|corse|outre.mer|drom|dom\b|reunion|guadeloupe|martinique|guyane|mayotte",
                     folded):
            return "grande_agglomeration"
        if re.search(r"autre|petite|campagne|village|rural|ailleurs", folded):
            return "autre_commune"
    return None


NOTHING = re.compile(r"^\W*(?:rien|aucun|aucune|pas de (?:revenus?|salaire|ressources|aide|apl)|sans (?:revenus?|"
                     r"ressources)|j'ai rien|je touche rien|je ne touche rien|nada|que dalle)\b")


def _number(fact, found: Quantities, text: str) -> Optional[float]:
    negative = NEGATIVE.search(digits(text))
    if negative:
        return -float(negative.group(1).replace(",", "."))
    folded = plain(digits(text))
    if fact.unit == "€" and not found.numbers and NOTHING.search(folded):
        return 0
    if getattr(fact, "zero_on_no", False) and not found.numbers and (
            found.yes_no is False or re.search(r"(?<![\w])(?:pas encore|toujours pas|pas emmenage|aucune?)(?![\w])", folded)):
        return 0
    if fact.unit == "mois":
        years = YEARS.search(folded)
        if years:
            value = float(years.group(1).replace(",", ".")) * 12 + (6 if HALF.search(folded) else 0)
            return value
    by_unit = {"ans": found.ages, "salariés": found.headcounts, "km": found.distances_km,
               "minutes": found.durations_min, "mois": found.months, "€": found.amounts}
    own = by_unit.get(fact.unit or "")
    if own:
        return own[0]
    others = {value for unit, values in by_unit.items() if unit != fact.unit for value in values}
    bare = [number for number in found.numbers if number not in others]
    if not bare and fact.unit == "minutes" and found.durations_min:
        return found.durations_min[0]
    return bare[0] if bare else None


def answer_to(fact, text: str, lexicon: Optional[Lexicon] = None) -> Any:
    """The raw answer to the question about `fact`, or None when the message does not answer it."""
    found = extract(text or "")
    if fact.type == "bool":
        return found.yes_no
    if fact.type == "choice":
        return _choice(fact, text, lexicon)
    if fact.type == "text":
        cleaned = re.sub(r"^\W*(?:a|à|sur|dans|en|vers|c'est|ville de|commune de)\s+", "", (text or "").strip(), flags=re.I)
        cleaned = cleaned.strip(" .!?")
        return cleaned if 0 < len(cleaned) <= 60 and not re.search(r"\d{3,}", cleaned) else None
    return _number(fact, found, text)


def options_of(buttons: List[dict]) -> List[Tuple[str, Any]]:
    """(title, payload) pairs of offered buttons, for typed choices."""
    return [(b.get("title", ""), b.get("payload")) for b in buttons or []]
