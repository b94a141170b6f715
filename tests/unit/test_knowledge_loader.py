"""The strict knowledge loader: valid files load, every broken file is refused with file, line and field."""

import datetime as dt

import pytest

from bot.knowledge import KnowledgeErrors, load_knowledge
from tests.knowledge_factory import entry, write_knowledge


def errors_of(root):
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(root)
    return info.value.errors


def test_valid_folder_loads(tmp_path):
    base = load_knowledge(write_knowledge(tmp_path))
    assert set(base.entries) == {"visale_couple", "visale_demande"}
    assert base.answer_text("visale_couple", "tous") == "Réponse de visale_couple."
    assert base.thresholds.answer == 0.6


def test_project_knowledge_is_valid():
    base = load_knowledge("knowledge")
    assert len(base.entries) >= 50
    assert {"faq", "chitchat", "hors_sujet"} == {e.intent for e in base.entries.values()}


def test_bad_yaml_names_file_and_line(tmp_path):
    write_knowledge(tmp_path)
    (tmp_path / "faq" / "visale.yml").write_text("entries:\n  - id: visale_couple\n    title: [oups\n")
    (error,) = errors_of(tmp_path)
    assert error.file == f"{tmp_path.name}/faq/visale.yml"
    assert error.line in (3, 4)
    assert "syntaxe YAML invalide" in error.message


def test_colon_in_question_gets_a_hint(tmp_path):
    write_knowledge(tmp_path)
    path = tmp_path / "faq" / "visale.yml"
    path.write_text(path.read_text().replace("- question 3 sur visale_couple", "- Visale : pour qui ?"))
    (error,) = errors_of(tmp_path)
    assert error.field == "questions" and "guillemets" in error.message


def test_unknown_field_is_named_with_its_line(tmp_path):
    write_knowledge(tmp_path, {"a.yml": [entry("visale_couple", reponse="oups")]})
    (error,) = errors_of(tmp_path)
    assert error.field == "reponse"
    assert "champ inconnu" in error.message and "answer" in error.message
    text = (tmp_path / "faq" / "a.yml").read_text().splitlines()
    assert text[error.line - 1].strip().startswith("reponse:")


def test_missing_answer_is_refused(tmp_path):
    broken = entry("visale_couple")
    del broken["answer"]
    write_knowledge(tmp_path, {"a.yml": [broken]})
    (error,) = errors_of(tmp_path)
    assert error.field == "answer" and "manquant" in error.message
    assert "visale_couple" in error.message


def test_duplicate_id_across_files_names_both_places(tmp_path):
    write_knowledge(tmp_path, {"a.yml": [entry("visale_couple")],
                               "b.yml": [entry("visale_couple", questions=[f"autre {i}" for i in range(12)])]})
    (error,) = errors_of(tmp_path)
    assert error.file.endswith("faq/b.yml") and error.field == "id"
    assert "faq/a.yml" in error.message and "ligne" in error.message


def test_duplicate_key_in_yaml(tmp_path):
    write_knowledge(tmp_path)
    path = tmp_path / "faq" / "visale.yml"
    path.write_text(path.read_text().replace("audience: tous", "audience: tous\n  audience: tous", 1))
    (error,) = errors_of(tmp_path)
    assert "clé en double" in error.message and error.line


@pytest.mark.parametrize("overrides, field, words", [
    ({"reviewed": "23/11/2026"}, "reviewed", "date invalide"),
    ({"audience": "public"}, "audience", "valeurs possibles"),
    ({"questions": ["une seule"]}, "questions", "au moins 12"),
    ({"answer": "mot " * 121}, "answer", "trop longue"),
    ({"id": "Visale Couple"}, "id", "identifiant invalide"),
    ({"sources": [{"title": "Sans lien"}]}, "sources", "url"),
    ({"sources": []}, "sources", "source est obligatoire"),
    ({"audience": "professionnels"}, "public_answer", "public_answer"),
    ({"see_also": ["inconnue"]}, "see_also", "pas une fiche connue"),
    ({"questions": ["même phrase"] * 12}, "questions", "en double"),
])
def test_each_rule_is_explained(tmp_path, overrides, field, words):
    write_knowledge(tmp_path, {"a.yml": [entry("visale_couple", **overrides)]})
    errors = errors_of(tmp_path)
    assert any(e.field == field and words in e.message for e in errors), [str(e) for e in errors]


def test_same_phrasing_in_two_entries_is_refused(tmp_path):
    write_knowledge(tmp_path, {"a.yml": [entry("visale_couple"),
                                         entry("visale_demande", questions=["Question 1 sur VISALE_COUPLE !"]
                                               + [f"q {i}" for i in range(11)])]})
    (error,) = errors_of(tmp_path)
    assert "aussi dans la fiche « visale_couple »" in error.message


def test_dated_answer_serves_the_version_of_the_day(tmp_path):
    dated = [{"until": "2023-06-30", "text": "Aide en cours."}, {"from": "2023-07-01", "text": "Aide terminée."}]
    base = load_knowledge(write_knowledge(tmp_path, {"a.yml": [entry("mobili_pass", answer=dated)]}))
    assert base.answer_text("mobili_pass", "tous", dt.date(2023, 6, 30)) == "Aide en cours."
    assert base.answer_text("mobili_pass", "tous", dt.date(2023, 7, 1)) == "Aide terminée."
    assert base.answer_text("mobili_pass", "tous") == "Aide terminée."


def test_overlapping_versions_are_refused(tmp_path):
    dated = [{"until": "2023-07-30", "text": "A."}, {"from": "2023-07-01", "text": "B."}]
    write_knowledge(tmp_path, {"a.yml": [entry("mobili_pass", answer=dated)]})
    (error,) = errors_of(tmp_path)
    assert "chevauchent" in error.message


def test_versions_that_ended_before_today_are_refused(tmp_path):
    write_knowledge(tmp_path, {"a.yml": [entry("mobili_pass", answer=[{"until": "2020-01-01", "text": "A."}])]})
    (error,) = errors_of(tmp_path)
    assert "aujourd'hui" in error.message


def test_professional_entry_serves_public_answer_to_applicants(tmp_path):
    pro = entry("contact_pro", audience="professionnels", answer="Écrire à pro@example.fr",
                public_answer="Adressez-vous à votre CCAS.")
    base = load_knowledge(write_knowledge(tmp_path, {"a.yml": [pro]}))
    assert base.answer_text("contact_pro", "tous") == "Adressez-vous à votre CCAS."
    assert base.answer_text("contact_pro", "professionnels") == "Écrire à pro@example.fr"


def test_missing_files_are_reported(tmp_path):
    write_knowledge(tmp_path)
    (tmp_path / "dialogue.yml").unlink()
    (error,) = errors_of(tmp_path)
    assert error.file.endswith("dialogue.yml") and "manquant" in error.message


def test_not_utf8_and_empty_file(tmp_path):
    write_knowledge(tmp_path)
    (tmp_path / "faq" / "visale.yml").write_bytes("entries: é".encode("latin-1"))
    (tmp_path / "faq" / "vide.yml").write_text("")
    messages = [e.message for e in errors_of(tmp_path)]
    assert any("UTF-8" in m for m in messages) and any("vide" in m for m in messages)


def test_check_names_a_known_aid(tmp_path):
    write_knowledge(tmp_path, {"a.yml": [entry("visale_couple", check="vizale")]})
    (error,) = errors_of(tmp_path)
    assert error.field == "check" and "aide inconnue" in error.message


def test_what_an_entry_counts_as_for_the_editors_report_is_checked(tmp_path):
    write_knowledge(tmp_path, {"a.yml": [entry("visale_couple", counted_as="orientation"),
                                         entry("visale_demande", counted_as="referral")]})
    (error,) = errors_of(tmp_path)
    assert error.field == "counted_as" and "valeurs possibles" in error.message and "orientation" in error.message


def test_feedback_reasons_are_the_stored_codes(tmp_path):
    import yaml
    write_knowledge(tmp_path)
    dialogue = yaml.safe_load((tmp_path / "dialogue.yml").read_text(encoding="utf-8"))
    dialogue["avis"]["reasons"]["trop_longue"] = "Trop longue"
    (tmp_path / "dialogue.yml").write_text(yaml.safe_dump(dialogue, allow_unicode=True), encoding="utf-8")
    (error,) = errors_of(tmp_path)
    assert error.field == "reasons" and "raison inconnue : trop_longue" in error.message


def test_project_feedback_texts_and_report_policy_are_in_knowledge():
    base = load_knowledge("knowledge")
    assert list(base.dialogue.avis.reasons) == ["pas_ma_question", "incomplete", "pas_claire", "erronee"]
    assert {e.id: e.counted_as for e in base.entries.values() if e.counted_as} == {
        "parler_conseiller": "orientation", "hs_general": "sans_reponse"}
    assert base.thresholds.answer <= base.thresholds.low_confidence <= 1
