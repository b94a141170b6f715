"""French quantities: the forms of the issue ("3 000 €", "3000e", "trois mille euros", "1,2 k€", "24 ans"…)."""

import pytest
from hypothesis import given, strategies as st

from bot.nlu.quantities import extract


@pytest.mark.parametrize("text, amounts", [
    ("3 000 €", [3000]), ("3000e", [3000]), ("trois mille euros", [3000]), ("1,2 k€", [1200]),
    ("on gagne 3000 et 1200 euros", [1200]), ("3\u202f000 € net", [3000]), ("1.500 euros", [1500]),
    ("deux mille cinq cents euros par mois", [2500]), ("800 balles", [800]), ("2k", [2000]),
])
def test_amounts(text, amounts):
    assert extract(text).amounts == amounts


def test_bare_numbers_are_kept_in_order():
    assert extract("on gagne 3000 et 1200").numbers == [3000, 1200]
    assert extract("trois mille et mille deux cents").numbers == [3000, 1200]


@pytest.mark.parametrize("text, ages", [
    ("j'ai 24 ans en alternance", [24]), ("vingt-quatre ans", [24]), ("la personne a 27 ans", [27]),
    ("salarié depuis 3 ans", []), ("2 ans d'ancienneté", []),
])
def test_ages(text, ages):
    assert extract(text).ages == ages


@pytest.mark.parametrize("text, count", [("boîte de 8 salariés", 8), ("une entreprise de 250", 250),
                                         ("huit salariés", 8), ("on est 12 employés", 12)])
def test_headcounts(text, count):
    assert extract(text).headcounts == [count]


@pytest.mark.parametrize("text, minutes", [("1h15", [75]), ("1 h 15 de trajet", [75]), ("1h30", [90]),
                                           ("45 min", [45]), ("une heure et quart", [75]),
                                           ("quarante-cinq minutes", [45]), ("2 heures", [120])])
def test_durations(text, minutes):
    assert extract(text).durations_min == minutes


def test_distance_and_months():
    assert extract("nouveau poste à 150 km").distances_km == [150]
    assert extract("80 kilomètres").distances_km == [80]
    assert extract("entré il y a 2 mois").months == [2]


@pytest.mark.parametrize("text, value", [("oui", True), ("Ouais bien sûr", True), ("non", False),
                                         ("non, 1300", False), ("pas du tout", False), ("peut-être", None)])
def test_yes_no(text, value):
    assert extract(text).yes_no is value


@given(st.text(max_size=200))
def test_never_raises(text):
    extract(text)
