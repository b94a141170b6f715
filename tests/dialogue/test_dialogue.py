"""The turn logic and the question planner of bot.dialogue, on plain data (no Rasa)."""

import datetime as dt
from pathlib import Path

import pytest

from bot.dialogue.planner import ASK, CONFIRM, DONE, SCREENING, next_step
from bot.dialogue.turn import CheckState, understand
from bot.rules import load_rules
from bot.situation.derive import derive
from bot.situation.geography import load_communes
from bot.situation.model import Situation
from bot.situation.reader import SituationReader
from bot.situation.vocabulary import UNKNOWN

RULES = load_rules()
READER = SituationReader.from_knowledge(Path("knowledge"))
COMMUNES = load_communes("knowledge")
TODAY = dt.date(2026, 12, 2)


def derived(situation):
    return derive(situation, COMMUNES)


def situation(**facts):
    result = Situation()
    for name, value in facts.items():
        result = result.with_fact(name, value)
    return derived(result)


def turn(text, asking=None, intent="informer", before=None, previous=None, options=(), tries=0):
    state = CheckState(target="visale", asking=asking, previous=previous, options=list(options), tries=tries)
    return understand(text, intent, None, state, before or Situation(), READER, RULES.facts, derived, today=TODAY)


# --- turns ---------------------------------------------------------------------------------------------

def test_an_answer_sets_the_fact_asked_and_the_other_facts_stated():
    result = turn("24 ans, et je suis en alternance", asking="age")
    assert result.kind == "answer" and result.answered == "age"
    assert {k: v for k, v in result.situation.rule_facts().items() if k != "nb_titulaires_bail"} == {
        "age": 24, "situation_pro": "alternant"}


def test_a_number_read_as_another_fact_does_not_also_answer_the_question():
    result = turn("1100 net", asking="apl_mensuelle")
    assert (result.kind, result.answered, result.stated) == ("answer", None, ["revenu_mensuel_net"])
    assert {k: v for k, v in result.situation.rule_facts().items() if k != "nb_titulaires_bail"} == {
        "revenu_mensuel_net": 1100}
    assert turn("200", asking="apl_mensuelle").situation.rule_facts()["apl_mensuelle"] == 200


def test_an_age_given_to_the_partner_question_is_the_partner_age():
    before = situation(age=35, en_couple=True)
    result = turn("33 ans", asking="age_conjoint", before=before)
    assert (result.kind, result.answered) == ("answer", "age_conjoint")
    facts = result.situation.rule_facts()
    assert (facts["age"], facts["age_conjoint"]) == (35, 33)
    own = turn("moi j'ai 36 ans", asking="age_conjoint", before=before)
    assert own.situation.rule_facts()["age"] == 36 and "age_conjoint" not in own.situation.rule_facts()


def test_je_ne_sais_pas_records_an_unknown_fact():
    result = turn("aucune idée", asking="taille_entreprise")
    assert result.kind == "unknown" and result.situation.facts["taille_entreprise"].value == UNKNOWN
    assert result.situation.knows("taille_entreprise") and "taille_entreprise" not in result.situation.rule_facts()


def test_a_correction_changes_the_previous_answer():
    before = situation(revenu_mensuel_net=1200)
    result = turn("non, 1300", asking="age", before=before, previous="revenu_mensuel_net")
    assert result.kind == "correction" and result.situation.get("revenu_mensuel_net") == 1300
    assert result.situation.get("age") is None


def test_a_typed_choice_picks_the_offered_button():
    options = [("Oui", '/informer{"reponse": "bail_signe:true"}'), ("Non", '/informer{"reponse": "bail_signe:false"}')]
    result = turn("2", asking="bail_signe", options=options)
    assert result.kind == "answer" and result.situation.get("bail_signe") is False


def test_an_invalid_value_is_refused_then_left_unknown_after_a_few_tries():
    first = turn("250", asking="age")
    assert first.kind == "invalid" and "250" in first.notes[0] and first.situation.get("age") is None
    last = turn("250", asking="age", tries=2)
    assert last.kind == "unknown" and last.situation.facts["age"].value == UNKNOWN


def test_a_question_on_another_topic_is_not_an_answer():
    assert turn("c'est quoi le dépôt de garantie exactement ?", asking="age", intent="faq") is None


@pytest.mark.parametrize("text, asking, intent", [
    ("Avant ça, pouvez-vous me rappeler qui a droit à Visale ?", "bail_signe", "eligibilite"),
    ("faut un nud obligatoirement ?", "situation_pro", "eligibilite"),
    ("c'est combien le plafond de loyer", "age", "informer"),
    ("et si le propriétaire refuse, on fait comment ?", "bail_signe", "eligibilite"),
])
def test_a_question_of_its_own_is_not_an_answer_whatever_the_intent(text, asking, intent):
    assert turn(text, asking=asking, intent=intent) is None


def test_a_hesitation_before_a_question_is_no_unknown_answer():
    assert turn("euh c quoi un CCAS ?", asking="age", intent="faq") is None
    assert turn("euh...", asking="age").kind == "unknown"


@pytest.mark.parametrize("text, asking, aid_named", [
    ("et j'y ai droit moi ?", "bail_signe", None),            # about the check itself
    ("visale ça marche pour moi ?", "bail_signe", "visale"),
    ("et loca-pass, quelles conditions ?", "age", "loca_pass"),  # another aid named: that check starts
])
def test_a_question_about_the_check_or_another_check_stays_with_the_check(text, asking, aid_named):
    state = CheckState(target="visale", asking=asking)
    result = understand(text, "eligibilite", None, state, Situation(), READER, RULES.facts, derived, today=TODAY,
                        aid_named=aid_named)
    assert result is not None and result.kind in ("nothing", "invalid") and result.stated == []


def test_a_weak_reading_is_not_used_before_it_is_confirmed():
    weak = Situation().with_fact("revenu_mensuel_net", 1800, confidence=0.6)
    assert weak.rule_facts() == {} and weak.to_confirm() == ["revenu_mensuel_net"]
    state = CheckState(target="visale", asking="revenu_mensuel_net", confirming=True)
    yes = understand("oui", "informer", None, state, weak, READER, RULES.facts, derived, today=TODAY)
    assert yes.kind == "confirmed" and yes.situation.get("revenu_mensuel_net") == 1800


# --- questions -------------------------------------------------------------------------------------------

def asked_until_done(known, truth, target):
    """Follow the planner, answering from `truth`; the questions asked, in order."""
    current, asked = situation(**known), []
    while True:
        step = next_step(RULES, current, target, TODAY)
        if step.kind == DONE:
            return asked, current
        assert step.kind in (ASK, CONFIRM) and step.fact not in asked
        asked.append(step.fact)
        current = derived(current.with_fact(step.fact, truth.get(step.fact, UNKNOWN)))


def test_a_known_fact_is_never_asked_and_the_check_stops_when_decided():
    truth = {"bail_signe": False, "loyer_charges_comprises": 500, "revenu_mensuel_net": 1200}
    asked, final = asked_until_done({"age": 24}, truth, "visale")
    assert "age" not in asked and RULES.evaluate("visale", final.rule_facts(), TODAY).status == "eligible"


def test_the_webinar_couple_is_eligible_on_the_1200_income_without_asking_the_zone():
    known = {"bail_signe": False, "age": 35, "age_conjoint": 33, "revenu_mensuel_net": 3000,
             "revenu_mensuel_net_conjoint": 1200, "situation_pro": "salarie", "secteur_employeur": "prive",
             "situation_pro_conjoint": "salarie", "secteur_employeur_conjoint": "prive",
             "nb_titulaires_bail": 2}
    asked, final = asked_until_done(known, {"loyer_charges_comprises": 1100, "type_contrat": "cdi",
                                            "periode_essai": False, "anciennete_emploi_mois": 48,
                                            "mutation_recente": False, "promesse_embauche": False}, "visale")
    decision = RULES.evaluate("visale", final.rule_facts(), TODAY)
    assert decision.status == "eligible" and decision.deciding.key == "salaire_plafond_conjoint"
    assert "zone_logement" not in asked and "commune" not in asked


def test_a_screening_of_a_retiree_decides_every_aid_in_few_questions():
    asked, final = asked_until_done({"situation_pro": "retraite", "age": 67},
                                    {"bail_signe": False, "loyer_charges_comprises": 600, "revenu_mensuel_net": 1400,
                                     "promesse_embauche": False, "mois_depuis_entree_logement": 0}, SCREENING)
    statuses = {aid: RULES.status(aid, final.rule_facts(), TODAY)[0] for aid in
                ("visale", "alin", "loca_pass", "mobili_jeune", "accompagnement", "mobili_pass")}
    assert statuses == {"visale": False, "alin": False, "loca_pass": False, "mobili_jeune": False,
                        "accompagnement": False, "mobili_pass": False}
    assert len(asked) <= 2


def test_an_unknown_fact_is_not_asked_again_and_the_check_ends():
    known = {"situation_pro": "salarie", "secteur_employeur": "prive", "taille_entreprise": UNKNOWN}
    step = next_step(RULES, situation(**known), "alin", TODAY)
    assert step.kind == DONE


def test_the_commune_is_asked_instead_of_the_zone():
    known = {"bail_signe": False, "age": 25, "loyer_charges_comprises": 1500, "revenu_mensuel_net": 4000}
    assert next_step(RULES, situation(**known), "visale", TODAY).fact == "commune"
    with_commune = situation(**known, commune="Lyon")
    assert with_commune.get("zone_logement") == "grande_agglomeration"
    assert next_step(RULES, with_commune, "visale", TODAY).kind == DONE


@pytest.mark.parametrize("aid, refining", [("accompagnement", "urgence"), ("alin", "a_nud")])
def test_refining_facts_come_last_and_only_in_a_single_aid_check(aid, refining):
    known = {"situation_pro": "salarie", "secteur_employeur": "prive", "taille_entreprise": 50,
             "type_contrat": "cdi", "evenement_difficulte": True}
    assert next_step(RULES, situation(**known), aid, TODAY).fact == refining


# --- conversation ------------------------------------------------------------------------------------

def test_a_new_check_says_which_facts_it_keeps_from_the_last_one():
    from bot.dialogue.conversation import check_turn
    from bot.eligibility import replies
    from bot.knowledge import load_knowledge
    base = load_knowledge("knowledge")
    messages = base.dialogue.eligibilite

    def send(text, aid, situation_, state):
        return check_turn(text, "eligibilite", None, aid, situation_, state, base, RULES, READER, derived, today=TODAY)

    first = send("suis-je éligible à mobili jeune ? j'ai 24 ans", "mobili_jeune", Situation(), CheckState())
    second = send("et pour visale ?", "visale", first.situation, first.state)
    assert [r.text for r in second.replies] == [
        replies.intro("visale", base, RULES).text + "\n\n" + messages.kept_facts.format(faits="âge : 24 ans"),
        RULES.render(RULES.facts["bail_signe"].question)]


@pytest.mark.parametrize("text, asking, expected", [
    ("autre", "type_contrat", True),                 # the « Autre contrat » choice, not « une autre personne »
    ("zéro", "apl_mensuelle", True),
    ("on recommence", "type_contrat", False),
    ("nouvelle simulation", "apl_mensuelle", False),
    ("autre", None, False),                          # nothing asked: a request to start again
])
def test_a_start_again_that_answers_the_question_is_the_answer(text, asking, expected):
    from bot.dialogue.conversation import restart_is_an_answer
    state = CheckState(target="visale", asking=asking,
                       options=[("CDI", '/informer{"reponse": "type_contrat:\\"cdi\\""}'),
                                ("Autre contrat", '/informer{"reponse": "type_contrat:\\"autre\\""}')]
                       if asking == "type_contrat" else [])
    assert restart_is_an_answer(text, state, Situation(), RULES, READER, derived, today=TODAY) is expected


@pytest.mark.parametrize("text, score, expected", [
    ("je ne connais pas son salaire, il ne me l'a pas dit", 0.74, True),
    ("je ne connais pas son salaire, il ne me l'a pas dit", 0.99, False),   # the classifier is sure: distress
    ("on dort dans la voiture depuis hier", 0.80, False),                   # not an answer to the question
])
def test_a_model_alarm_on_the_answer_asked_is_the_answer(text, score, expected):
    from bot.dialogue.conversation import model_alarm_is_an_answer
    state = CheckState(target="visale", asking="revenu_mensuel_net")
    assert model_alarm_is_an_answer(text, True, score, state, Situation(), RULES, READER, derived,
                                    today=TODAY) is expected
