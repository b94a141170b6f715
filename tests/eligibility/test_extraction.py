"""Facts read from messages: stated on their own, or as the answer to the question just asked."""

import pytest

from bot.eligibility.aids import detect_aid
from bot.eligibility.extraction import facts_in, read_message
from bot.rules import fact


@pytest.mark.parametrize("text, expected", [
    ("on gagne 3000 et 1200", {"revenu_mensuel_net": 3000, "revenu_conjoint": 1200, "nb_titulaires_bail": 2}),
    ("j'ai 24 ans en alternance", {"age": 24, "situation_pro": "alternant"}),
    ("boîte de 8 salariés", {"taille_entreprise": 8}),
    ("nouveau poste à 150 km", {"distance_km": 150, "nouvel_emploi_ou_mutation": True}),
    ("1h30 de trajet", {"duree_trajet_min": 90}),
    ("la personne que j'accompagne a 27 ans", {"age": 27}),
    ("mon loyer est de 650 euros cc", {"loyer_charges_comprises": 650}),
    ("je suis en CDI depuis 3 ans, 1400 net", {"revenu_mensuel_net": 1400, "situation_pro": "salarie_prive",
                                               "type_contrat": "cdi_confirme"}),
    ("1,2 k€ par mois de salaire", {"revenu_mensuel_net": 1200}),
    ("en couple, on vit à Paris", {"nb_titulaires_bail": 2, "ile_de_france": True}),
    ("j'ai pas de NUD", {"a_nud": False}),
])
def test_facts_stated_in_a_message(text, expected):
    found = facts_in(text)
    assert {k: found.get(k) for k in expected} == expected


@pytest.mark.parametrize("text, asked, expected", [
    ("24", "age", {"age": 24}),
    ("trois mille euros", "revenu_mensuel_net", {"revenu_mensuel_net": 3000}),
    ("3000e", "revenu_mensuel_net", {"revenu_mensuel_net": 3000}),
    ("45 min", "duree_trajet_min", {"duree_trajet_min": 45}),
    ("80 km", "distance_km", {"distance_km": 80}),
    ("oui", "a_nud", {"a_nud": True}),
    ("nan", "ile_de_france", {"ile_de_france": False}),
    ("en intérim", "type_contrat", {"type_contrat": "interim"}),
    ("salarié", "situation_pro", {"situation_pro": "salarie_prive"}),
    ("2", "nb_titulaires_bail", {"nb_titulaires_bail": 2}),
    ("250", "age", {"age": 250}),  # out of range: the catalogue refuses it, the form re-asks
    ("-500", "revenu_mensuel_net", {"revenu_mensuel_net": -500}),
])
def test_answer_to_the_question_asked(text, asked, expected):
    found, corrected = read_message(text, fact(asked))
    assert {k: found.get(k) for k in expected} == expected and not corrected


def test_number_with_another_unit_does_not_answer():
    assert read_message("3000 €", fact("nb_titulaires_bail"))[0] == {}


def test_correction_changes_the_previous_answer():
    found, corrected = read_message("non, 1300", fact("age"), fact("revenu_mensuel_net"))
    assert corrected and found == {"revenu_mensuel_net": 1300}


def test_no_on_a_yes_no_question_is_an_answer_not_a_correction():
    found, corrected = read_message("non", fact("a_nud"), fact("age"))
    assert found == {"a_nud": False} and not corrected


@pytest.mark.parametrize("text, aid", [("suis-je éligible à visale ?", "visale"), ("et pour loca pass ?", "loca_pass"),
                                       ("mobilijeune possible ?", "mobili_jeune"), ("AL'in svp", "alin"),
                                       ("le service d'accompagnement", "accompagnement"), ("bonjour", None)])
def test_aid_mentions(text, aid):
    assert detect_aid(text) == aid
