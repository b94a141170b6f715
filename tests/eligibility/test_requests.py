"""Which messages ask whether the person can have an aid, or ask for the check itself (bot.eligibility.aids)."""

import pytest

from bot.eligibility.aids import asks_for_self


@pytest.mark.parametrize("text", [
    "verif visale stp",
    "verif si je peux aller sur alin stp",
    "je veux checker mon eligibilite alin",
    "verifie si j'ai acces a alin",
    "Pouvez-vous tester si la personne peut avoir Mobili-Jeune ?",
    "on peut vérifier si j'ai droit à loca-pass",
    "ça marche pour moi visale ?",
    "ça marche pour mon fils ?",
    "test visale pour moi stp",
    "mobili jeune verif stp",
    "loca pass jy ai droit ? verifie",
    "Vérifions l'accompagnement pour un ménage en difficulté.",
    "je veux savoir si jai le droit a la garantie visale",
])
def test_a_request_about_the_person_or_for_the_check(text):
    assert asks_for_self(text)


@pytest.mark.parametrize("text", [
    "comment vérifier si mon entreprise cotise ?",
    "je dois vérifier quoi avant de signer le bail visale ?",
    "Action Logement vérifie le bail ?",
    "visale vérifie mes revenus ?",
    "visale ça marche pour un couple ?",
    "qui a droit à Visale ?",
    "c'est gratuit ?",
    "comment faire le test ?",
    "le test de personnalité",
])
def test_a_question_on_how_things_work_is_no_request(text):
    assert not asks_for_self(text)
