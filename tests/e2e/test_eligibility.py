"""Eligibility conversations over REST against the running servers: facts up front, unknown answers,
corrections, typed choices, why, cancel, FAQ digression, distress mid-check, the aid buttons, screening."""

import pytest

from bot.knowledge import load_knowledge
from bot.rules import fact, load_rules
from bot.rules.decision import ELIGIBLE, NOT_ELIGIBLE
from tests.channels.helpers import staff_text
from tests.conftest import flat

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")
MESSAGES = KNOWLEDGE.dialogue.eligibilite
RULES = load_rules()


def question(name: str, third_person: bool = False) -> str:
    item = fact(name)
    text = item.question_third_person if third_person and item.question_third_person else item.question
    return flat(RULES.render(text))


def test_the_webinar_couple_is_eligible_on_the_1200_income(conversation):
    """Seed, webinar FAQ: a couple earning 3 000 € and 1 200 €: the 1 200 € income is retained."""
    first = conversation.text("on est en couple, mon conjoint gagne 3000 euros et moi 1200, on a droit à visale ?")
    assert question("revenu_mensuel_net") not in first and question("revenu_mensuel_net_conjoint") not in first
    answers = {"nb_titulaires_bail": "oui", "bail_signe": "non pas encore", "age": "35 ans", "age_conjoint": "33 ans",
               "situation_pro": "salarié", "secteur_employeur": "privé", "situation_pro_conjoint": "salarié",
               "secteur_employeur_conjoint": "privé", "loyer_charges_comprises": "900 €",
               "type_contrat": "CDI", "periode_essai": "non", "anciennete_emploi_mois": "48 mois",
               "mutation_recente": "non", "promesse_embauche": "non", "promesse_embauche_conjoint": "non",
               "mutation_recente_conjoint": "non", "type_contrat_conjoint": "CDI", "periode_essai_conjoint": "non",
               "anciennete_emploi_mois_conjoint": "60 mois"}
    text = first
    for _ in range(15):
        if flat(MESSAGES.next_steps) in text:  # the verdict
            break
        name = next((n for n in answers if question(n) in text or flat(MESSAGES.confirm.split("{")[0]) in text), None)
        assert name, text
        text = conversation.text(answers.pop(name) if question(name) in text else "oui")
    # the seed's answer: the couple qualifies, on the 1 200 € income
    decision = RULES.evaluate("visale", {"nb_titulaires_bail": 2, "bail_signe": False, "age": 35, "age_conjoint": 33,
                                         "situation_pro": "salarie", "secteur_employeur": "prive",
                                         "situation_pro_conjoint": "salarie", "secteur_employeur_conjoint": "prive",
                                         "loyer_charges_comprises": 900, "revenu_mensuel_net": 1200,
                                         "revenu_mensuel_net_conjoint": 3000, "type_contrat": "cdi",
                                         "periode_essai": False, "anciennete_emploi_mois": 48,
                                         "mutation_recente": False, "promesse_embauche": False,
                                         "type_contrat_conjoint": "cdi", "periode_essai_conjoint": False,
                                         "anciennete_emploi_mois_conjoint": 60, "mutation_recente_conjoint": False,
                                         "promesse_embauche_conjoint": False})
    assert decision.status == ELIGIBLE
    assert flat(decision.summary_fr) in text and "1 200 €" in text and flat(decision.disclaimer_fr) in text


def answer_until(conversation, text: str, answers: dict, wanted: str) -> str:
    """Answer the bot's questions from `answers` until it asks `wanted` (whatever order it chooses)."""
    for _ in range(len(answers) + 1):
        if question(wanted) in text:
            return text
        name = next((n for n in answers if question(n) in text), None)
        assert name, text
        text = conversation.text(answers.pop(name))
    raise AssertionError(f"{wanted} never asked: {text}")


def test_unknown_answer_moves_on_and_the_verdict_says_what_it_depends_on(conversation):
    assert question("situation_pro") in conversation.text("est-ce que je suis éligible à alin ?")
    assert question("secteur_employeur") in conversation.text("salarié")
    asked = conversation.text("privé")
    assert question("taille_entreprise") in asked
    verdict = conversation.text("je ne sais pas")
    undecided = RULES.evaluate("alin", {"situation_pro": "salarie", "secteur_employeur": "prive"})
    assert flat(MESSAGES.unknown_noted) in verdict and flat(undecided.disclaimer_fr) in verdict
    assert question("taille_entreprise") in verdict  # « la réponse dépend de cette question : … »


def test_out_of_range_value_is_asked_again_then_a_correction(conversation):
    first = conversation.text("j'ai droit à mobili jeune ? je suis apprenti dans une boulangerie")
    answer_until(conversation, first, {"ecart_bail_contrat_mois": "1 mois", "salaire_brut_mensuel": "900 €",
                                       "distance_km": "150 km", "loyer_charges_comprises": "450 €"}, "age")
    text = conversation.text("250")
    assert "250" in text and question("age") in text
    nxt = conversation.text("23 ans")
    assert question("age") not in nxt
    corrected = conversation.text("non, 24 ans")
    assert flat(MESSAGES.noted.format(valeur="âge : 24 ans")) in corrected


def test_typed_choice_answers_a_question_with_buttons(conversation):
    reply = conversation.send("est-ce que je suis éligible à alin ?")
    assert flat(reply[-1]["text"]) == question("situation_pro")
    titles = [b["title"] for b in reply[-1]["buttons"]]
    assert titles[0] == dict(fact("situation_pro").choices)["salarie"]
    assert question("secteur_employeur") in conversation.text("1")  # the first button, typed
    assert question("taille_entreprise") in conversation.text("le premier")  # « Entreprise privée »
    verdict = conversation.text("8")
    # AL'in: private employers of at least 10 employees (seed, article on AL'in)
    decision = RULES.evaluate("alin", {"situation_pro": "salarie", "secteur_employeur": "prive", "taille_entreprise": 8})
    assert decision.status == NOT_ELIGIBLE and flat(decision.summary_fr) in verdict and "8 salariés" in verdict


def test_why_then_faq_digression_then_the_same_question(conversation):
    assert question("bail_signe") in conversation.text("suis-je éligible à visale ? j'ai 35 ans")
    why = conversation.text("pourquoi vous me demandez ça ?")
    assert MESSAGES.why_prefix in why and question("bail_signe") in why
    faq = conversation.text("c'est gratuit visale ?")
    assert flat(KNOWLEDGE.answer_text("visale_presentation", "tous")).split(". ")[0] in faq
    assert question("bail_signe") in faq
    assert conversation.text("annuler") == flat(MESSAGES.cancelled)


def test_a_housing_emergency_mid_check_is_answered_then_the_check_goes_on(conversation):
    assert question("bail_signe") in conversation.text("suis-je éligible à visale ? j'ai 35 ans")
    reply = conversation.text("on dort dans la voiture depuis hier")
    assert "115" in reply and question("bail_signe") in reply


def test_suicidal_thoughts_mid_check_pause_it_and_offer_to_resume(conversation):
    assert question("bail_signe") in conversation.text("suis-je éligible à visale ? j'ai 35 ans")
    reply = conversation.send("j'ai envie de me foutre en l'air")
    assert "3114" in reply[0]["text"]
    resume = [b for m in reply for b in m.get("buttons", [])]
    assert resume and resume[0]["title"] == KNOWLEDGE.distress.messages.resume_form
    assert question("bail_signe") in conversation.text(resume[0]["payload"])  # the situation is kept


def test_the_check_button_of_an_answer_starts_that_check(conversation):
    text = conversation.text('/eligibilite{"aide": "alin"}')
    assert question("situation_pro") in text and flat(MESSAGES.ask_aid) not in text


def test_screening_of_an_apprentice(conversation):
    first = conversation.text("à quelles aides d'action logement j'ai droit ? j'ai 24 ans, je suis en alternance "
                              "dans une boîte privée de 200 salariés")
    assert flat(MESSAGES.screening_intro) in first
    assert "24 ans" in first and "200 salariés" in first  # what was understood is shown
    assert question("age") not in first and question("situation_pro") not in first


def test_staff_questions_speak_of_the_person(stack):
    text = flat(staff_text(stack, "la personne que j'accompagne a 27 ans, elle est en CDD dans un supermarché, visale ?",
                           sender="e2e-tiers"))
    assert question("bail_signe", third_person=True) in text


def test_mobili_pass_has_ended(conversation):
    text = conversation.text("la personne que j'accompagne a un nouveau poste à 150 km, mobili-pass ?")
    decision = RULES.evaluate("mobili_pass", {})  # ended on 1 July 2023 (domain_facts.md)
    assert decision.status == NOT_ELIGIBLE and flat(decision.summary_fr) in text


def test_restart_forgets_the_situation(conversation):
    conversation.send("suis-je éligible à visale ? j'ai 24 ans")
    conversation.send("annuler")
    assert flat(MESSAGES.restarted) in conversation.text("nouvelle simulation")
    text = conversation.text('/eligibilite{"aide": "visale"}')
    assert "24 ans" not in text and question("bail_signe") in text  # the age was forgotten


def test_another_aid_keeps_the_situation(conversation):
    conversation.send("suis-je éligible à mobili jeune ? j'ai 24 ans")
    conversation.send("annuler")
    text = conversation.text('/eligibilite{"aide": "visale"}')
    assert flat(MESSAGES.kept_facts.format(faits="âge : 24 ans")) in text and question("age") not in text
