"""Where a message goes when the intent classifier is wrong about it.

- Messages sent to the eligibility check that are really plain questions: outside a check, the action
  server answers them as FAQ questions instead of starting a check; `make quality` and `make bench`
  read them the same way, so their figures are what users get.
- Messages about the person's own situation sent elsewhere (fallback, out of scope, FAQ): the NLU
  component bot/rasa_components/situation_router.py sends them to the check.
"""

import re
from typing import Mapping, Optional

from bot.answering.answer_choice import decide, selector_ranking
from bot.nlu.context import CONTEXT_KEY
from bot.nlu.normalize import fold
from bot.situation.model import NOT_FOR_RULES
from bot.situation.vocabulary import UNKNOWN, rule_name

QUESTION_INTENT = {"name": "faq", "confidence": 1.0}


def as_question(parse: dict) -> dict:
    return dict(parse, intent=dict(QUESTION_INTENT))


def firm_faq_question(parse: dict, thresholds, entry_intents: Mapping[str, str],
                      entry_checks: Mapping[str, str]) -> bool:
    """An `eligibilite` message (no aid, no fact) that the answer selector ties firmly to a FAQ entry
    offering no eligibility check: « passez-moi un conseiller » is a request to talk to someone, not
    an eligibility check, even when the classifier hesitates because of the word « conseiller »."""
    decision = decide(as_question(parse), thresholds, entry_intents.keys())
    entry_id = decision.entry_id or ""
    return (decision.kind == "answer" and entry_intents.get(entry_id) == "faq" and not entry_checks.get(entry_id)
            and decision.confidence >= thresholds.question_over_check)


def firm_follow_up(parse: dict, thresholds, entry_intents: Mapping[str, str]) -> bool:
    """A message sent to the check that, read in the context of the last answer (bot/nlu/context.py), the
    selector ties firmly to a FAQ entry: « et pour un apprenti ? » after « qui a droit à Visale ? » asks
    about the conditions, not for a check (a request for one, « suis-je éligible ? », is read before)."""
    if not (parse or {}).get(CONTEXT_KEY):
        return False
    decision = decide(as_question(parse), thresholds, entry_intents.keys())
    return (decision.kind == "answer" and entry_intents.get(decision.entry_id or "") == "faq"
            and decision.confidence >= thresholds.question_over_check)


# Intents a message describing the person's situation is sometimes given instead of `eligibilite`:
# « je suis auto-entrepreneur, 29 ans, un appart à 950 € à Rennes » reads as nothing the classifier
# knows, « CDD de 9 mois… je cherche un logement » as a question about jobs.
SITUATION_INTENTS = ("nlu_fallback", "hors_sujet", "chitchat", "faq", "detresse")  # detresse: DIET alone (the guard decides after)
ELIGIBILITY_INTENT = "eligibilite"


def facts_stated(reading) -> int:
    """How many things a reading says of the situation the rules use: facts read from distinct words (« CDI »
    gives the contract and the situation, one thing); `inconnu` and « en couple » decide nothing."""
    return len({fact.start for fact in reading.facts
                if fact.value != UNKNOWN and rule_name(fact.subject, fact.name) not in NOT_FOR_RULES})


# « je fais quoi pour m'inscrire ? », « au bout de combien de temps… ? », « ça m'aide pour mon classement ? »:
# a question on how things work, which a fact said in passing does not turn into an eligibility check.
HOW_IT_WORKS = re.compile(r"(?<![\w])(?:comment|je fais quoi|on fait quoi|que (?:dois|faut)|quelles? (?:sont les )?(?:etapes|"
                          r"demarches|pieces|papiers)|combien de temps|au bout de combien|delai|jusqu'a quand|lister|"
                          r"c'est quoi|qu'est-ce (?:que c'est|qu'un|qu'une)|pourquoi|pk|qui (?:choisit|decide)|sur quelle base|"
                          r"(?:ca|cela) (?:m'aide|aide|compte|joue) pour)(?![\w])")


def asks_how_it_works(text: str) -> bool:
    return bool(HOW_IT_WORKS.search(fold(text or "").replace("’", "'")))


def asks_about_own_situation(parse: dict, facts: int, aid: Optional[str], screening: bool, for_self: bool,
                             firm: float, min_facts: int, min_facts_when_firm: int, how: bool = False) -> bool:
    """True when a message sent elsewhere is really about the person's eligibility.

    A request for every aid (« à quoi j'ai droit ? ») is one, and so is a personal question with an aid
    named (« je peux en bénéficier ? ») or with `min_facts` (« 25 ans au chômage, vous pouvez m'aider ? »);
    otherwise the message must state facts: `min_facts`, or one with an aid named, or
    `min_facts_when_firm` when the selector firmly ties it to an entry (« je suis en CDI, comment acheter
    un appartement ? » stays a question); a question on how things work (`how`) never is.
    """
    intent = ((parse or {}).get("intent") or {}).get("name")
    if intent not in SITUATION_INTENTS:
        return False
    if screening or (aid and for_self) or (for_self and facts >= min_facts):
        return True
    if how:
        return False
    ranking = selector_ranking(parse)
    if ranking and ranking[0][2] >= firm:
        return facts >= min_facts_when_firm
    return facts >= (1 if aid else min_facts)


# A CCAS agent asking the bot to draft the referral itself (« prépare-moi le mail pour le service
# d'accompagnement », « tu peux rédiger la saisine ? »), as opposed to asking how to refer (« comment saisir
# le service ? », « que mettre dans le mail de saisine ? »: FAQ entries). Read by the SituationRouter.
REFERRAL_REQUEST = re.compile(
    r"(?<![\w])(?:prepare|prepares|preparez|preparer|redige|rediges|redigez|rediger|ecris|ecrivez|genere|generer|"
    r"fais|faites|fais-moi|faites-moi|mets|mettez)(?:-moi|-nous| moi| nous)?\W+(?:[\w']+\W+){0,3}?"
    r"(?:saisine|mail|courriel|message|brouillon|projet|courrier|texte)(?![\w])"
    r"(?:\W+(?:[\w']+\W+){0,6}?(?:accompagnement|als|action logement|service|saisine|situation))?")
NOT_A_REQUEST = re.compile(r"(?<![\w])(?:comment|ou|a qui|quelle adresse|quel mail|que mettre|quoi mettre)(?![\w])")


def asks_for_referral(text: str) -> bool:
    """True when the message asks the bot to draft the referral to the support service."""
    folded = fold(text or "").lower()
    request = REFERRAL_REQUEST.search(folded)
    if not request or NOT_A_REQUEST.search(folded[:request.start()]):
        return False
    said = request.group(0)
    return "saisine" in said or bool(re.search(r"accompagnement|als|action logement|service", said))

