"""Eligibility requests that are plain questions (bot/answering/routing.py)."""

from types import SimpleNamespace

import pytest

from bot.answering.routing import asks_how_it_works, asks_about_own_situation, facts_stated, firm_faq_question

THRESHOLDS = SimpleNamespace(answer=0.2, margin=0.15, clarify=0.12, suggestion=0.05, alternative_margin=0.3,
                             question_over_check=0.6)
INTENTS = {"parler_conseiller": "faq", "alin_eligibilite": "faq", "merci": "chitchat", "hs_general": "hors_sujet"}
CHECKS = {"alin_eligibilite": "alin"}


def parse(*ranking):
    return {"intent": {"name": "eligibilite", "confidence": 0.5},
            "response_selector": {"default": {"ranking": [{"intent_response_key": k, "confidence": c}
                                                          for k, c in ranking]}}}


@pytest.mark.parametrize("ranking, expected", [
    ((("faq/parler_conseiller", 0.92), ("hors_sujet/hs_general", 0.03)), True),
    ((("faq/parler_conseiller", 0.6), ("faq/alin_eligibilite", 0.2)), True),       # at the threshold
    ((("faq/parler_conseiller", 0.59), ("faq/alin_eligibilite", 0.2)), False),     # just below
    ((("faq/alin_eligibilite", 0.95),), False),     # an entry with a check: the check is what was asked
    ((("chitchat/merci", 0.95),), False),           # not a FAQ entry
    ((("hors_sujet/hs_general", 0.95),), False),
    ((("faq/parler_conseiller", 0.7), ("faq/alin_eligibilite", 0.6)), False),      # no margin: not firm
    ((), False),
])
def test_firm_faq_question(ranking, expected):
    assert firm_faq_question(parse(*ranking), THRESHOLDS, INTENTS, CHECKS) is expected


# --- messages about the person's own situation (the SituationRouter) --------------------------------

def routed(intent, top, facts, aid=None, screening=False, for_self=False, how=False):
    message = {"intent": {"name": intent, "confidence": 0.5},
               "response_selector": {"default": {"ranking": [{"intent_response_key": "faq/x", "confidence": top}]}}}
    return asks_about_own_situation(message, facts, aid, screening, for_self, firm=0.6, min_facts=2,
                                    min_facts_when_firm=5, how=how)


@pytest.mark.parametrize("case, expected", [
    (("nlu_fallback", 0.2, 2), True),                        # « 29 ans, auto-entrepreneur, appart à 950 € »
    (("nlu_fallback", 0.2, 1), False),                       # one fact alone says too little
    (("hors_sujet", 0.3, 1, "visale"), True),                # an aid named and one fact
    (("faq", 0.9, 1, "visale", False, True), True),          # « je peux avoir Visale ? je suis en CDD »
    (("faq", 0.9, 4, "visale"), False),                      # a firm question with facts stays a question
    (("faq", 0.9, 5), True),                                 # unless the message is mostly a situation
    (("hors_sujet", 0.8, 3), False),                         # « offres de boulot en cdi à roubaix »
    (("nlu_fallback", 0.3, 0, None, True), True),            # « droit à quoi ? »
    (("faq", 0.7, 0, None, True), True),                     # « à quelles aides ai-je droit ? »: the screening
    (("hors_sujet", 0.9, 2, None, False, True), True),       # « 25 ans au chômage, vous pouvez m'aider ? »
    (("hors_sujet", 0.9, 1, None, False, True), False),      # « au chômage, vous pouvez m'aider ? »: too little
    (("chitchat", 0.2, 3), True),
    (("informer", 0.2, 3), False),                           # not an intent this router corrects
    (("detresse", 0.2, 5), True),                           # DIET alone: the DistressGuard has the last word
    (("faq", 0.5, 1, "alin", False, False, True), False),    # « j'ai mon NUD, je fais quoi pour m'inscrire sur AL'in ? »
    (("faq", 0.3, 3, None, False, False, True), False),      # « … au bout de combien de temps une réponse ? »
    (("faq", 0.3, 1, "visale", False, True, True), True),    # « comment savoir si je peux avoir Visale ? »
])

def test_asks_about_own_situation(case, expected):
    assert routed(*case) is expected


@pytest.mark.parametrize("text, expected", [
    ("jai enfin mon nud, je fais quoi maintenant pour m'inscrire sur alin", True),
    ("mon patron paie le 1% logement, ca m'aide pour mon classement alin ?", True),
    ("au bout de combien de temps un salarie positionne a une reponse ?", True),
    ("J'ai été muté à Strasbourg, j'ai 48 ans. Qu'est-ce qu'Action Logement propose ?", False),
    ("33a cdi 1800 net visale ?", False),
])
def test_a_question_on_how_things_work(text, expected):
    assert asks_how_it_works(text) is expected


def test_facts_from_one_word_count_once_and_unknowns_do_not_count():
    from bot.situation.reader import ReadFact, Reading
    reading = Reading([ReadFact("personne", "situation_pro", "salarie", start=10),
                       ReadFact("personne", "type_contrat", "cdi", start=10),
                       ReadFact("personne", "taille_entreprise", "inconnu", start=20),
                       ReadFact("menage", "commune", "Roubaix", start=30)])
    assert facts_stated(reading) == 2


@pytest.mark.parametrize("text, expected", [
    ("Préparer la saisine du service d'accompagnement", True),
    ("tu peux me préparer le mail pour le service d'accompagnement ?", True),
    ("rédige-moi le mail de saisine avec sa situation", True),
    ("fais-moi un brouillon de mail pour l'accompagnement social d'Action Logement", True),
    ("jveux preparer une saisine pr ce monsieur", True),
    ("que mettre dans le mail de saisine de l'accompagnement", False),   # the FAQ entry accompagnement_saisir
    ("comment saisir le service d'accompagnement", False),
    ("saisine en urgence du service accompagnement logement", False),
    ("comment je prépare mon dossier pour le service accompagnement", False),
    ("je prépare mon déménagement, quelles aides ?", False),
    ("prépare moi la liste des papiers pour visale", False),
    ("écris moi un poème sur la mer", False),
])
def test_a_request_to_draft_the_referral_is_told_from_a_question_about_it(text, expected):
    from bot.answering.routing import asks_for_referral
    assert asks_for_referral(text) is expected
