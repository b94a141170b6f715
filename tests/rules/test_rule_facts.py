"""The facts catalogue: validation of a user's answers, and the strict loading of faits.yml."""

import pytest

from bot.knowledge.errors import KnowledgeErrors
from bot.rules import validate_fact
from bot.rules.facts import FACT_TYPES, InvalidFact, UnknownFact, load_facts


@pytest.mark.parametrize("name, raw, expected", [
    ("age", 24, 24),
    ("age", "24", 24),
    ("age", 24.0, 24),
    ("revenu_mensuel_net", "1 500,50", 1500.5),
    ("revenu_mensuel_net", 3000, 3000.0),
    ("revenu_mensuel_net", 0, 0.0),
    ("a_nud", True, True),
    ("a_nud", "Oui", True),
    ("a_nud", "non", False),
    ("situation_pro", "alternant", "alternant"),
    ("situation_pro", "salarie", "salarie"),
    ("situation_pro", "étudiant(e)", "etudiant"),
    ("situation_pro", "Salarié(e) (CDI, CDD, intérim, fonctionnaire…)", "salarie"),
    ("mois_depuis_entree_logement", 2.5, 2.5),
])
def test_valid_answers(name, raw, expected):
    value, error = validate_fact(name, raw)
    assert (value, error) == (expected, None)
    assert type(value) is type(expected)


@pytest.mark.parametrize("name, raw, words", [
    ("age", 250, ["250 ans", "au plus 120 ans"]),
    ("age", 14, ["14 ans", "au moins 15 ans"]),
    ("age", 24.5, ["entier"]),
    ("age", True, ["chiffres"]),
    ("age", "vingt", ["chiffres"]),
    ("revenu_mensuel_net", -100, ["-100 €", "au moins 0 €"]),
    ("revenu_mensuel_net", float("nan"), ["chiffres"]),
    ("nb_titulaires_bail", 0, ["au moins 1 personne(s)"]),
    ("a_nud", "peut-être", ["oui ou par non"]),
    ("a_nud", 1, ["oui ou par non"]),
    ("situation_pro", "astronaute", ["Étudiant(e)", "Retraité(e)"]),
])
def test_out_of_range_or_unreadable_answers_get_a_french_message(name, raw, words):
    value, error = validate_fact(name, raw)
    assert value is None
    for word in words:
        assert word in error


def test_every_rule_fact_has_a_question_and_a_reason(rules):
    for name, (kind, choices) in FACT_TYPES.items():
        fact = rules.facts[name]
        assert fact.type == kind
        assert "?" in fact.question and fact.why.strip()
        assert set(dict(fact.choices)) == set(choices)
        assert all(label.strip() for _, label in fact.choices)


def test_parse_refuses_unknown_names_and_invalid_values(rules):
    assert rules.facts.parse({"age": "30", "urgence": None}) == {"age": 30}
    with pytest.raises(UnknownFact):
        rules.facts.parse({"agee": 30})
    with pytest.raises(InvalidFact) as info:
        rules.facts.parse({"age": 250})
    assert info.value.name == "age" and "120" in info.value.message


def write_facts(root, transform):
    path = root / "eligibilite" / "faits.yml"
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def errors_of(root):
    with pytest.raises(KnowledgeErrors) as info:
        load_facts(root)
    return info.value.errors


def test_project_catalogue_loads(knowledge_copy):
    assert set(load_facts(knowledge_copy).names()) == set(FACT_TYPES)


def test_unknown_fact_is_refused_with_its_line(knowledge_copy):
    path = write_facts(knowledge_copy, lambda text: text.replace("  urgence:\n", "  taille_chien:\n"))
    errors = errors_of(knowledge_copy)
    unknown = next(e for e in errors if e.field == "taille_chien")
    assert path.read_text(encoding="utf-8").splitlines()[unknown.line - 1] == "  taille_chien:"
    assert any("« urgence » utilisé par les règles n'est pas décrit" in e.message for e in errors)


def test_a_fact_type_cannot_change(knowledge_copy):
    write_facts(knowledge_copy, lambda text: text.replace("  age:\n    type: int", "  age:\n    type: float"))
    (error,) = errors_of(knowledge_copy)
    assert error.field == "type" and "« int »" in error.message


def test_choice_keys_cannot_change(knowledge_copy):
    write_facts(knowledge_copy, lambda text: text.replace("      interim: Intérim\n", "      interimaire: Intérim\n",
                                                          1))
    (error,) = errors_of(knowledge_copy)
    assert error.field == "choix" and "interim" in error.message


def test_min_above_max_is_refused(knowledge_copy):
    write_facts(knowledge_copy, lambda text: text.replace("    min: 15\n    max: 120\n", "    min: 150\n    max: 120\n",
                                                          1))
    (error,) = errors_of(knowledge_copy)
    assert "« min » est plus grand que « max »" in error.message


def test_numeric_fact_needs_its_limits(knowledge_copy):
    write_facts(knowledge_copy, lambda text: text.replace("    min: 15\n    max: 120\n", "", 1))
    (error,) = errors_of(knowledge_copy)
    assert "« unite », « min » et « max »" in error.message


def test_unknown_placeholder_in_a_message_is_refused(knowledge_copy):
    path = write_facts(knowledge_copy, lambda text: text.replace("({unite}) ?\"\n", "({unit}) ?\"\n", 1))
    (error,) = errors_of(knowledge_copy)
    assert "{unit}" in error.message and "{unite}" in error.message
    assert path.read_text(encoding="utf-8").splitlines()[error.line - 1].startswith("  nombre_attendu:")


def test_unknown_field_of_a_fact_is_refused(knowledge_copy):
    write_facts(knowledge_copy, lambda text: text.replace("    question: Quel âge avez-vous ?",
                                                          "    questoin: Quel âge avez-vous ?"))
    errors = errors_of(knowledge_copy)
    assert any(e.field == "questoin" and "champ inconnu" in e.message for e in errors)
