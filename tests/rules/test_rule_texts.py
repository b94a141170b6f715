"""The texts of knowledge/eligibilite/ are checked against each aid's rules when the rules load."""

import pytest

from bot.knowledge.errors import KnowledgeErrors
from bot.rules.ruleset import RuleSet


def edit(root, filename, old, new, count=1):
    path = root / "eligibilite" / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {filename}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def errors_of(root):
    with pytest.raises(KnowledgeErrors) as info:
        RuleSet.load(root)
    return info.value.errors


def line(path, number):
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_project_rules_load(rules):
    assert set(rules.texts) == {"visale", "alin", "mobili_jeune", "mobili_pass", "loca_pass", "accompagnement"}


def test_unknown_placeholder_is_named_with_its_line(knowledge_copy):
    path = edit(knowledge_copy, "alin.yml", "au moins {minimum_agricole} salariés",
                "au moins {minimum_agricol} salariés")
    (error,) = errors_of(knowledge_copy)
    assert "{minimum_agricol}" in error.message and "{minimum_agricole}" in error.message
    assert line(path, error.line).strip().startswith("regle:")


def test_a_value_placeholder_cannot_be_used_in_the_rule(knowledge_copy):
    edit(knowledge_copy, "visale.yml", "des ressources mensuelles de tous les titulaires du bail",
         "des ressources ({ressources} €) de tous les titulaires du bail")
    (error,) = errors_of(knowledge_copy)
    assert "{ressources}" in error.message


def test_malformed_braces_are_refused(knowledge_copy):
    edit(knowledge_copy, "loca_pass.yml", "au plus tard {mois} mois", "au plus tard {mois mois")
    (error,) = errors_of(knowledge_copy)
    assert "accolades" in error.message


def test_format_spec_is_refused(knowledge_copy):
    edit(knowledge_copy, "loca_pass.yml", "au plus tard {mois} mois", "au plus tard {mois:>3} mois")
    (error,) = errors_of(knowledge_copy)
    assert "écrivez seulement {nom}" in error.message


def test_missing_criterion_text_is_reported(knowledge_copy):
    edit(knowledge_copy, "alin.yml", "  effectif_entreprise:  ", "  effectif_entreprise_x:  ")
    messages = [e.message for e in errors_of(knowledge_copy)]
    assert any("le critère « effectif_entreprise » n'a pas de texte" in m for m in messages)
    assert any("critère « effectif_entreprise_x » inconnu" in m for m in messages)


def test_alternative_for_an_unknown_criterion_is_refused(knowledge_copy):
    path = edit(knowledge_copy, "alin.yml", "si_echec: [salarie_entreprise_privee,", "si_echec: [numero,")
    (error,) = errors_of(knowledge_copy)
    assert "critère « numero » inconnu" in error.message and "si_echec" in line(path, error.line)


def test_verdict_without_deciding_criterion_cannot_use_it(knowledge_copy):
    edit(knowledge_copy, "visale.yml", "si {aide} est possible.\"", "si {aide} est possible ({critere}).\"")
    (error,) = errors_of(knowledge_copy)
    assert error.field == "indetermine" and "{critere}" in error.message


def test_missing_info_text_is_reported(knowledge_copy):
    edit(knowledge_copy, "accompagnement.yml", "  delai_urgent:", "  delai_tres_urgent:")
    messages = [e.message for e in errors_of(knowledge_copy)]
    assert any("« delai_urgent » manque" in m for m in messages)
    assert any("« delai_tres_urgent » inconnu" in m for m in messages)


def test_disclaimer_must_say_indicative_and_who_decides(knowledge_copy):
    edit(knowledge_copy, "commun.yml", "Ce résultat est indicatif : il repose sur vos réponses, et la décision "
         "appartient à Action Logement, qui étudie chaque dossier.", "Voici votre résultat.")
    (error,) = errors_of(knowledge_copy)
    assert error.field == "avertissement" and "indicatif" in error.message


def test_aid_file_needs_a_source(knowledge_copy):
    path = knowledge_copy / "eligibilite" / "loca_pass.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("sources:")] + "sources: []\n", encoding="utf-8")
    (error,) = errors_of(knowledge_copy)
    assert error.field == "sources"


def test_missing_aid_file_is_reported(knowledge_copy):
    (knowledge_copy / "eligibilite" / "mobili_pass.yml").unlink()
    (error,) = errors_of(knowledge_copy)
    assert error.file.endswith("eligibilite/mobili_pass.yml") and error.message == "fichier manquant"


def test_parameter_used_by_the_rules_must_exist(knowledge_copy):
    (knowledge_copy / "parametres" / "loca_pass" / "montant_maximum.yml").unlink()
    (error,) = errors_of(knowledge_copy)
    assert "« loca_pass.montant_maximum »" in error.message and "loca_pass/montant_maximum.yml" in error.message


def test_problems_of_several_files_are_reported_together(knowledge_copy):
    edit(knowledge_copy, "alin.yml", "si_echec: [salarie_entreprise_privee,", "si_echec: [numero,")
    edit(knowledge_copy, "faits.yml", "    min: 15\n    max: 120\n", "    min: 150\n    max: 120\n")
    files = {e.file.rsplit("/", 1)[-1] for e in errors_of(knowledge_copy)}
    assert files == {"alin.yml", "faits.yml"}
