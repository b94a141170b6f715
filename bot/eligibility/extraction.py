"""Facts of the eligibility catalogue found in a free-text message.

Two readings are combined:
- what the message says on its own ("j'ai 24 ans en alternance", "boîte de 8 salariés",
  "on gagne 3000 et 1200", "nouveau poste à 150 km", "1h30 de trajet");
- the answer to the question just asked (`requested`): a bare "24", "oui", "CDD", "1 500".
Values are raw: the rules' catalogue validates them (ranges, types) afterwards.
"""

import re
from typing import Any, Dict, Iterable, Optional, Tuple

from bot.nlu.normalize import fold
from bot.nlu.quantities import Quantities, digits, extract

CORRECTION = re.compile(r"^\s*(non|nan|pardon|erreur|en fait|plut[oô]t|correction|je me suis tromp[ée]e?|"
                        r"je voulais dire|oups)\b", re.I)
NEGATIVE = re.compile(r"(?:^|\s)(?:-|moins)\s*(\d+(?:[.,]\d+)?)", re.I)

# Words that point to one fact when a quantity comes without its question.
AMOUNT_CONTEXT: Tuple[Tuple[str, str], ...] = (
    (r"\bloyer|\bcharges comprises|\bcc\b", "loyer_charges_comprises"),
    (r"\bapl\b|\bals\b|aide au logement|\bcaf\b", "apl_mensuelle"),
    (r"\bbrut", "salaire_brut_mensuel"),
    (r"\bgagn|\bsalaire|\brevenu|\bnet\b|\btouch|\bpay[ée]|\bressources|\bsmic", "revenu_mensuel_net"),
)
MONTH_CONTEXT: Tuple[Tuple[str, str], ...] = (
    (r"emm[ée]nag|entr[ée]e?s? dans|\bbail sign|\binstall", "mois_depuis_entree_logement"),
    (r"\bembauch|\bposte|\bemploi|\bboulot|\bboite|\bentreprise|\btravaill|\bbosse", "anciennete_emploi_mois"),
)
CHOICE_WORDS: Dict[str, Tuple[Tuple[str, str], ...]] = {
    "situation_pro": (
        (r"alternan|apprenti|contrat pro|professionnalisation", "alternant"),
        (r"[ée]tudiant|fac\b|universit", "etudiant"),
        (r"fonctionnaire|fonction publique|agent public|titulaire de la fonction", "agent_public"),
        (r"ch[oô]mage|demandeu[rs]e? d'emploi|sans emploi|france travail|p[oô]le emploi|sans travail", "demandeur_emploi"),
        (r"retrait[ée]|[àa] la retraite", "retraite"),
        (r"ind[ée]pendant|auto.?entrepreneur|freelance|micro.?entrepr", "independant"),
        (r"agricole|exploitation agricole|\bferme\b", "salarie_agricole"),
        (r"suis salari|salari[ée]e? (?:du priv|d'une entreprise|dans une)|\bcdi\b|\bcdd\b|int[ée]rim|je bosse|"
         r"je travaille|\bemploy[ée]e? (?:dans|d'une|chez)", "salarie_prive"),
    ),
    "type_contrat": (
        (r"\bcdi\b.*(essai)|(essai).*\bcdi\b|p[ée]riode d'essai", "cdi_periode_essai"),
        (r"\bcdi\b", "cdi_confirme"),
        (r"\bcdd\b", "cdd"),
        (r"int[ée]rim", "interim"),
    ),
    "secteur_employeur": (
        (r"agricole|exploitation agricole|\bferme\b", "agricole"),
        (r"\bpublic|fonction publique|mairie|h[oô]pital public|collectivit", "public"),
        (r"\bpriv[ée]", "prive"),
    ),
}
FLAG_WORDS: Tuple[Tuple[str, str, bool], ...] = (
    (r"[îi]le.de.france|\bidf\b|r[ée]gion parisienne|\bparis\b", "ile_de_france", True),
    (r"\bprovince\b|hors (?:[îi]le.de.france|idf)", "ile_de_france", False),
    (r"\b(?:pas|aucun|sans)\b[^.?!]{0,20}\b(?:nud|nur|num[ée]ro unique)", "a_nud", False),
    (r"\b(?:j'ai|on a|elle a|il a|avec)\b[^.?!]{0,15}\b(?:nud|nur|num[ée]ro unique)\b", "a_nud", True),
    (r"promesse d'embauche", "promesse_embauche", True),
    (r"\bmut[ée]e?\b|\bmutation\b", "mutation_recente", True),
    (r"nouveau poste|nouvel emploi|nouveau (?:job|boulot|travail)|\bmut[ée]e?\b|\bmutation\b|embauch[ée]",
     "nouvel_emploi_ou_mutation", True),
    (r"\bboursi[eè]re?\b", "etudiant_boursier", True),
    (r"\bcontractuel|\bvacataire", "agent_contractuel", True),
    (r"\burgent|\burgence|\bexpuls", "urgence", True),
    (r"\bimpay[ée]|\bexpuls|\bs[ée]paration|\bdivorc|perte d'emploi|licenci|\bmaladie|\bd[ée]c[eè]s|sinistre",
     "evenement_difficulte", True),
)
COUPLE = re.compile(r"\ben couple\b|\bon est (?:deux|2)\b|\b[àa] deux\b|\bma (?:femme|copine|compagne|conjointe)\b"
                    r"|\bmon (?:mari|copain|compagnon|conjoint)\b|\bnous (?:deux|gagnons)\b|\bon gagne\b", re.I)
SINGLE = re.compile(r"\bseule?\b|\bc[ée]libataire\b|\bjuste moi\b", re.I)


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.I) is not None


# Looser words, used only as the answer to the question about that fact.
ANSWER_WORDS: Dict[str, Tuple[Tuple[str, str], ...]] = {
    "situation_pro": ((r"salari|employ[ée]|je bosse|je travaille|\bpriv[ée]", "salarie_prive"),),
    "type_contrat": ((r"ind[ée]termin", "cdi_confirme"), (r"d[ée]termin", "cdd")),
}


def _choice_from_text(fact, text: str) -> Optional[str]:
    """A choice key whose words or label appear in the text."""
    base_name = fact.name.replace("_conjoint", "")
    for pattern, key in CHOICE_WORDS.get(base_name, ()) + ANSWER_WORDS.get(base_name, ()):
        if _search(pattern, text):
            return key
    folded = fold(text)
    for key, label in fact.choices or ():
        if fold(key.replace("_", " ")) in folded or fold(label) in folded:
            return key
    return None


def _number_for(fact, found: Quantities, text: str) -> Optional[float]:
    negative = NEGATIVE.search(digits(text))
    if negative:
        return -float(negative.group(1).replace(",", "."))
    by_unit = {"ans": found.ages, "salariés": found.headcounts, "km": found.distances_km,
               "minutes": found.durations_min, "mois": found.months, "€": found.amounts}
    own = by_unit.get(fact.unit or "")
    if own:
        return own[0]
    # A bare number answers the question; numbers that carry another unit ("3000 €" when asked a
    # number of people) do not.
    others = {value for unit, values in by_unit.items() if unit != fact.unit for value in values}
    bare = [number for number in found.numbers if number not in others]
    return bare[0] if bare else None


def answer_to(fact, text: str) -> Any:
    """The raw answer to the question about `fact`, or None if the message does not answer it."""
    found = extract(text)
    if fact.type == "bool":
        return found.yes_no
    if fact.type == "choice":
        return _choice_from_text(fact, text)
    return _number_for(fact, found, text)


def facts_in(text: str, known: Iterable[str] = ()) -> Dict[str, Any]:
    """Facts stated in a message on their own (no question needed)."""
    facts: Dict[str, Any] = {}
    found = extract(text)
    lowered = digits(text).lower()
    if found.ages:
        facts["age"] = found.ages[0]
        if len(found.ages) > 1:
            facts["age_conjoint"] = found.ages[1]
    if found.headcounts:
        facts["taille_entreprise"] = found.headcounts[0]
    if found.distances_km:
        facts["distance_km"] = found.distances_km[0]
    if found.durations_min:
        facts["duree_trajet_min"] = found.durations_min[0]
    couple = COUPLE.search(lowered)
    amounts = found.amounts or ([n for n in found.numbers if n >= 100]
                                if _search(r"\bgagn|\bsalaire|\brevenu|\bnet\b|\bloyer", lowered) else [])
    if len(amounts) >= 2 and (couple or _search(r"\bet\b", lowered)) and _search(r"\bgagn|\brevenu|\bsalaire|\bnet\b",
                                                                                    lowered):
        facts["revenu_mensuel_net"], facts["revenu_conjoint"] = amounts[0], amounts[1]
        facts["nb_titulaires_bail"] = 2
    elif len(amounts) == 1:
        for pattern, name in AMOUNT_CONTEXT:
            if _search(pattern, lowered):
                facts[name] = amounts[0]
                break
    if couple and "nb_titulaires_bail" not in facts:
        facts["nb_titulaires_bail"] = 2
    elif SINGLE.search(lowered) and "nb_titulaires_bail" not in facts:
        facts["nb_titulaires_bail"] = 1
    if found.months:
        for pattern, name in MONTH_CONTEXT:
            if _search(pattern, lowered):
                facts[name] = found.months[0]
                break
    for name in ("situation_pro", "type_contrat", "secteur_employeur"):
        for pattern, key in CHOICE_WORDS[name]:
            if _search(pattern, lowered):
                facts[name] = key
                break
    for pattern, name, value in FLAG_WORDS:
        if name not in facts and _search(pattern, lowered):
            facts[name] = value
    return facts


def read_message(text: str, requested, previous=None) -> Tuple[Dict[str, Any], bool]:
    """Facts to set from one message: ({fact: raw value}, is_correction).

    `requested` and `previous` are catalogue facts (the question just asked, the one answered
    before it) or None. A correction ("non, 1300") changes the previous answer when the requested
    question is not a yes/no one.
    """
    facts = facts_in(text)
    if requested is not None and requested.name not in facts:
        answer = answer_to(requested, text)
        if answer is not None:
            facts[requested.name] = answer
    if previous is not None and CORRECTION.search(text) and (requested is None or requested.type != "bool"):
        corrected = answer_to(previous, CORRECTION.sub("", text, count=1))
        if corrected is not None:
            facts.pop(requested.name if requested is not None else "", None)
            facts[previous.name] = corrected
            return facts, True
    return facts, False
