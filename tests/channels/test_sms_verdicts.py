"""Verdicts and screenings by SMS (issue 17): the status with the facts that decided it, a short disclaimer that is
never cut, the first step, one link; 90 % of the persona verdicts in at most 3 segments, none over 6.

Expected verdicts are judged against the official rules (service-public F18490 for Loca-Pass, actionlogement.fr
for Mobili-Jeune and AL'in, visale.fr), not against the bot's output.
"""

import datetime as dt

import pytest

from bot.answering.render import SMS_KEY
from bot.channels.sms import SMS_BUDGET_SEGMENTS, is_gsm, segments, to_gsm, turn_text
from bot.dialogue.conversation import verdict_replies
from bot.evaluation.sms_budget import measure
from bot.knowledge import load_knowledge
from bot.rules import load_rules
from bot.situation.model import Situation
from tests.channels import sms_budget

DAY = dt.date(2026, 12, 2)
BASE = load_knowledge("knowledge")
RULES = load_rules()
TEXTS = BASE.dialogue.eligibilite


def situation(**facts) -> Situation:
    result = Situation()
    for name, value in facts.items():
        result = result.with_fact(name, value)
    return result


def sms_of(target: str, facts) -> str:
    replies, _ = verdict_replies(target, situation(**facts), BASE, RULES, False, DAY)
    return turn_text([{"text": r.text, "buttons": r.buttons, SMS_KEY: r.sms} for r in replies], sms=True,
                     source_label=BASE.messages.source, choices_intro=BASE.messages.numbered_choices,
                     more=BASE.messages.sms_more)


APPRENTICE_IN_A_TOWN_HALL = dict(
    age=19, situation_pro="alternant", secteur_employeur="public", salaire_brut_mensuel=850, revenu_mensuel_net=850,
    anciennete_emploi_mois=2, nouvel_emploi_ou_mutation=True, distance_km=215, duree_trajet_min=140,
    ecart_bail_contrat_mois=1, evenement_difficulte=False, urgence=False, mutation_recente=False,
    promesse_embauche=False, periode_essai=False, nb_titulaires_bail=1, loyer_charges_comprises=350,
    apl_mensuelle=150, commune="Quimper", commune_precedente="Rennes", ile_de_france=False, a_nud=False,
    bail_signe=True, mois_depuis_entree_logement=1, en_couple=False, zone_logement="autre_commune")


def test_the_screening_by_sms_groups_the_closed_aids_by_the_fact_that_closes_them():
    """An apprentice of 19 at a town hall, lease signed: only Loca-Pass (under 30 in work-study, any employer)."""
    lines = sms_of("toutes", APPRENTICE_IN_A_TOWN_HALL).split("\n")
    assert lines[:3] == [
        "Possibles : Avance Loca-Pass (jusqu'à 1 200 €).",
        "Pas possibles : Garantie Visale (ici : bail déjà signé) ; Plateforme AL'in, Mobili-Jeune, "
        "Accompagnement social (ici : En alternance, Employeur public) ; Mobili-Pass (ici : elle n'est plus "
        "distribuée depuis le 1er juillet 2023).",
        TEXTS.sms_screening_end,
    ]
    assert lines[3:] == ["", BASE.messages.numbered_choices, "1. Détail : Avance Loca-Pass", "2. Nouvelle situation"]


def test_an_eligible_verdict_by_sms_gives_the_amount_and_the_first_step_with_one_link():
    facts = dict(situation_pro="salarie", secteur_employeur="prive", age=40, mois_depuis_entree_logement=1)
    text = sms_of("loca_pass", facts)
    decision = RULES.evaluate("loca_pass", facts, DAY)
    assert text.split("\n") == [
        "Avance Loca-Pass : possible d'après vos réponses (ici : Salarié, Entreprise privée). "
        + TEXTS.sms_disclaimer,
        "Montant : jusqu'à 1 200 €.",
        decision.next_steps_fr[0],
        "",
        f"{BASE.messages.source} : www.service-public.fr ({decision.reviewed_fr})",
        "",
        BASE.messages.numbered_choices,
        f"1. {TEXTS.another_aid}",
        f"2. {TEXTS.start_over}",
    ]
    assert is_gsm(text) and segments(text) <= SMS_BUDGET_SEGMENTS


def test_a_refusal_by_sms_names_the_condition_not_met_and_what_was_said():
    """Mobili-Jeune is for work-study contracts in a private non-agricultural company (actionlogement.fr)."""
    facts = dict(age=20, situation_pro="alternant", secteur_employeur="agricole")
    first = sms_of("mobili_jeune", facts).split("\n")[0]
    decision = RULES.evaluate("mobili_jeune", facts, DAY)
    assert decision.status == "non_eligible" and decision.failing == ["alternant_entreprise_privee"]
    assert first == (f"Mobili-Jeune : ne semble pas possible. Condition non remplie : {to_gsm(decision.deciding.rule_fr)} "
                     f"(ici : En alternance, Entreprise ou exploitation agricole). {TEXTS.sms_disclaimer}")


def test_a_refusal_with_several_ways_in_says_what_one_number_would_change():
    """Visale after 30 requires a net income of at most 1 710 € since January 2026 (visale.fr, Évolutions 2026):
    a 45-year-old in a confirmed CDI at 2 500 € is outside every route; at 1 710 € it would be open."""
    facts = dict(age=45, situation_pro="salarie", secteur_employeur="prive", type_contrat="cdi", periode_essai=False,
                 revenu_mensuel_net=2500, loyer_charges_comprises=600, bail_signe=False, zone_logement="autre_commune",
                 nb_titulaires_bail=1, mutation_recente=False, promesse_embauche=False)
    lines = sms_of("visale", facts).split("\n")
    assert lines[:2] == [
        "Garantie Visale : ne semble pas possible, aucune des 5 facons d'y avoir droit ne s'applique. "  # ç is not GSM-7
        + TEXTS.sms_disclaimer,
        "Avec un revenu net mensuel de 1 710 € ou moins, la réponse serait oui.",
    ]


def test_a_bare_yes_or_no_is_not_shown_as_the_deciding_fact():
    facts = dict(situation_pro="salarie", secteur_employeur="prive", type_contrat="cdi", evenement_difficulte=True,
                 urgence=False, age=40, taille_entreprise=50)
    first = sms_of("accompagnement", facts).split("\n")[0]
    assert first == f"Accompagnement social : possible d'après vos réponses. {TEXTS.sms_disclaimer}"


def test_the_persona_verdicts_fit_the_sms_budget():
    """Every verdict or screening the applicant personas reach: 90 % in ≤ 3 segments, none over 6, all GSM-7."""
    budget = measure("verdicts", sms_budget.verdict_texts(BASE))
    assert len(budget.counts) >= 150
    assert budget.met and budget.ucs2 == [], (budget.within_budget, max(budget.counts.values()), budget.ucs2)


@pytest.mark.parametrize("aid", ["visale", "alin", "loca_pass", "mobili_jeune", "accompagnement"])
def test_the_sms_of_an_undecided_verdict_keeps_what_is_missing(aid):
    """With no facts at all, the SMS says what is missing (the rules' own wording) and that it is indicative."""
    first = sms_of(aid, {}).split("\n")[0]
    decision = RULES.evaluate(aid, {}, DAY)
    summary = decision.summary_fr[:-len(decision.disclaimer_fr)].rstrip()
    assert first == f"{summary} {TEXTS.sms_disclaimer}"
