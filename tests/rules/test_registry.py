"""The registry of aids: an aid is one YAML file; every list of aids follows the files; bad criteria are refused
with their file and line."""

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

import bot.knowledge.schema as schema
import bot.rules as api
from bot.eligibility.aids import detect_aid
from bot.knowledge import KnowledgeErrors, load_knowledge
from bot.knowledge.registry import current_registry, load_registry
from bot.rules.__main__ import main
from bot.rules.ruleset import RuleSet

PROJECT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
DAY = dt.date(2026, 6, 1)

# A sample aid written with the existing criterion types only: no Python.
SAMPLE_AID = textwrap.dedent("""\
    nom: l'aide d'exemple à l'installation
    ordre: 7
    bouton: Aide d'exemple
    mots: ['aide (?:d.)?exemple']
    parametres: aide_exemple

    regles:
      exige: {critere: aide_ouverte, type: aide_ouverte, parametre: aide_exemple.distribuee}
      puis:
        toutes:
          - {critere: age, type: comparaison, fait: age, operateur: "<", parametre: {age_limite: aide_exemple.age_inferieur_a}}
          - {critere: salarie_prive, type: employeur, secteurs: [non_agricole, agricole]}
          - {critere: effectif_entreprise, type: effectif, minimums: {non_agricole: aide_exemple.effectif_minimum}}
          - {critere: plafond_loyer, type: par_zone, fait: loyer_charges_comprises, operateur: "<=", parametre: {plafond: aide_exemple.plafond_loyer}}
          - une_parmi:
              - critere: mobilite
                type: distance_ou_duree
                distance: {operateur: ">=", parametre: aide_exemple.mobilite.distance_km}
                duree: {operateur: ">=", parametre: aide_exemple.mobilite.duree_min}
                explique: true
              - {critere: promesse_embauche, type: oui_non, fait: promesse_embauche, explique: true}

    verdicts:
      eligible: "D'après vos réponses, {aide} est possible. Condition qui vous ouvre droit : {critere} (ici : {valeur})."
      non_eligible: "D'après vos réponses, {aide} n'est pas possible. Condition non remplie : {critere} (ici : {valeur})."
      indetermine: "Il me manque encore des informations pour {aide}."
    criteres:
      aide_ouverte: {regle: "L'aide doit être distribuée à la date demandée", valeur_ok: "oui", valeur_echec: "plus depuis le {depuis}"}
      age: {regle: "Avoir moins de {age_limite} ans", valeur: "{valeur} ans"}
      salarie_prive: {regle: "Être salarié(e) d'une entreprise privée ou agricole"}
      effectif_entreprise: {regle: "Une entreprise d'au moins {minimum_non_agricole} salariés", valeur: "{valeur} salariés"}
      plafond_loyer:
        regle: "Un loyer d'au plus {plafond_ile_de_france} € en Île-de-France, {plafond_grande_agglomeration} € dans une grande agglomération, {plafond_autre_commune} € ailleurs"
        valeur: "{valeur} € par mois"
      mobilite: {regle: "Un travail à au moins {distance} km ou {duree} minutes", valeur: "{km} km, {minutes} minutes", valeur_ok: "{km} km"}
      promesse_embauche: {regle: "Avoir une promesse d'embauche"}
    demarches:
      eligible: [Faites la demande sur www.actionlogement.fr.]
      non_eligible: []
      indetermine: []
    relu_le: 2026-12-01
    sources:
      - title: Action Logement — site officiel
        url: https://www.actionlogement.fr/
    """)


def leaf(description, value, unit, indent=""):
    """One dated parameter (a file, or a child of a node file when indented)."""
    text = (f"description: {description}\n"
            f"values:\n  2025-01-01: {{value: {value}}}\n"
            f"metadata:\n  unit: {unit}\n  last_value_still_valid_on: \"2026-12-01\"\n"
            "  reference:\n    2025-01-01:\n      - title: Action Logement — site officiel\n"
            "        href: https://www.actionlogement.fr/\n")
    return textwrap.indent(text, indent)


SAMPLE_PARAMETERS = {
    "distribuee.yml": leaf("L'aide d'exemple peut-elle être demandée ?", "true", "bool"),
    "age_inferieur_a.yml": leaf("Âge en dessous duquel l'aide d'exemple est ouverte", 26, "year"),
    "effectif_minimum.yml": leaf("Effectif minimum de l'entreprise", 20, "employee"),
    "plafond_loyer.yml": "description: Loyer maximum par zone\n" + "".join(
        f"{zone}:\n" + leaf(f"Loyer maximum ({zone})", cap, "currency", "  ")
        for zone, cap in (("ile_de_france", 1200), ("grande_agglomeration", 900), ("autre_commune", 800))),
    "mobilite.yml": "description: Mobilité\n" + "distance_km:\n" + leaf("Distance minimum", 50, "km", "  ")
                    + "duree_min:\n" + leaf("Durée de trajet minimum", 45, "minute", "  "),
}
ELIGIBLE = {"age": 23, "situation_pro": "salarie", "secteur_employeur": "prive", "taille_entreprise": 30,
            "loyer_charges_comprises": 700, "distance_km": 80}


@pytest.fixture
def knowledge_with_sample(tmp_path) -> Path:
    """A copy of the whole of knowledge/ with one more aid: its YAML file and its parameters, nothing else."""
    root = tmp_path / "knowledge"
    shutil.copytree(PROJECT_KNOWLEDGE, root)
    (root / "eligibilite" / "aide_exemple.yml").write_text(SAMPLE_AID, encoding="utf-8")
    folder = root / "parametres" / "aide_exemple"
    folder.mkdir()
    for name, text in SAMPLE_PARAMETERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root


def test_a_new_aid_with_existing_types_is_yaml_only(knowledge_with_sample, capsys):
    rules = RuleSet.load(knowledge_with_sample)
    assert rules.aids == ("visale", "alin", "mobili_jeune", "mobili_pass", "loca_pass", "accompagnement",
                          "aide_exemple")
    assert [c.key for c in rules.rules["aide_exemple"].criteria()] == [
        "aide_ouverte", "age", "salarie_prive", "effectif_entreprise", "plafond_loyer", "mobilite", "promesse_embauche"]
    assert main([str(knowledge_with_sample)]) == 0 and "7 aides" in capsys.readouterr().out

    eligible = rules.evaluate("aide_exemple", ELIGIBLE, DAY)
    assert (eligible.status, eligible.deciding.key, eligible.deciding.value_fr) == ("eligible", "mobilite", "80 km")
    assert eligible.summary_fr.startswith("D'après vos réponses, l'aide d'exemple à l'installation est possible.")
    too_old = rules.evaluate("aide_exemple", {**ELIGIBLE, "age": 26}, DAY)
    assert (too_old.status, too_old.failing) == ("non_eligible", ["age"])
    assert too_old.deciding.rule_fr == "Avoir moins de 26 ans" and too_old.deciding.value_fr == "26 ans"
    small = rules.evaluate("aide_exemple", {**ELIGIBLE, "taille_entreprise": 19}, DAY)
    assert small.failing == ["effectif_entreprise"]
    farm = rules.evaluate("aide_exemple", {**ELIGIBLE, "secteur_employeur": "agricole", "taille_entreprise": 3}, DAY)
    assert farm.status == "eligible"  # no minimum size for agricultural companies in this aid
    public = rules.evaluate("aide_exemple", {**ELIGIBLE, "secteur_employeur": "public"}, DAY)
    assert public.failing == ["salarie_prive"]


def test_the_sample_aid_asks_only_what_can_change_its_verdict(knowledge_with_sample):
    rules = RuleSet.load(knowledge_with_sample)
    assert rules.evaluate("aide_exemple", {}, DAY).missing == [
        "age", "situation_pro", "loyer_charges_comprises", "distance_km"]
    between = {**ELIGIBLE, "loyer_charges_comprises": 850}  # under the agglomeration cap, over the other one
    assert rules.evaluate("aide_exemple", between, DAY).missing == ["zone_logement"]
    assert rules.evaluate("aide_exemple", {**between, "zone_logement": "autre_commune"}, DAY).failing == \
        ["plafond_loyer"]
    near = {**ELIGIBLE, "distance_km": 20}  # too near in km: the travel time, then the promise decide
    assert rules.evaluate("aide_exemple", near, DAY).missing == ["duree_trajet_min"]
    assert rules.evaluate("aide_exemple", {**near, "duree_trajet_min": 45}, DAY).status == "eligible"
    refused = rules.evaluate("aide_exemple", {**near, "duree_trajet_min": 44, "promesse_embauche": False}, DAY)
    assert sorted(refused.failing) == ["mobilite", "promesse_embauche"]
    with pytest.raises(api.RulesNotAvailable):
        rules.evaluate("aide_exemple", ELIGIBLE, dt.date(2024, 12, 31))


def test_every_list_of_aids_includes_the_new_one_without_code(knowledge_with_sample, monkeypatch):
    registry = load_registry(knowledge_with_sample)
    assert registry.aids[-1] == "aide_exemple"
    assert detect_aid("est-ce que j'ai droit à l'aide d'exemple ?", registry) == "aide_exemple"
    assert detect_aid("et pour loca pass ?", registry) == "loca_pass"
    base = load_knowledge(knowledge_with_sample)
    assert list(base.dialogue.eligibilite.aids) == ["visale", "alin", "mobili_jeune", "loca_pass", "accompagnement",
                                                    "aide_exemple", "mobili_pass"]
    assert base.dialogue.eligibilite.aids["aide_exemple"] == "Aide d'exemple"
    # a FAQ entry may offer a check of the new aid (schema `check`)
    faq = knowledge_with_sample / "faq" / "alin.yml"
    text = faq.read_text(encoding="utf-8")
    assert "    check: alin\n" in text
    faq.write_text(text.replace("    check: alin\n", "    check: aide_exemple\n", 1), encoding="utf-8")
    assert "aide_exemple" in {entry.check for entry in load_knowledge(knowledge_with_sample).entries.values()}
    # the module-level lists of the default knowledge folder follow KNOWLEDGE_DIR
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_with_sample))
    assert api.AIDS[-1] == "aide_exemple" and schema.ELIGIBILITY_AIDS[-1] == "aide_exemple"
    assert detect_aid("l'aide d'exemple, c'est pour moi ?") == "aide_exemple"
    assert api.evaluate("aide_exemple", ELIGIBLE, DAY).status == "eligible"


def test_the_project_lists_come_from_the_registry():
    registry = current_registry(PROJECT_KNOWLEDGE)
    assert registry.aids == api.AIDS == schema.ELIGIBILITY_AIDS
    assert set(load_knowledge(PROJECT_KNOWLEDGE).dialogue.eligibilite.aids) == set(registry.aids)
    assert [aid for aid, _ in registry.patterns] == ["mobili_jeune", "mobili_pass", "loca_pass", "visale", "alin",
                                                     "accompagnement"]


def test_a_faq_check_of_an_aid_without_file_is_refused(knowledge_with_sample):
    (knowledge_with_sample / "eligibilite" / "aide_exemple.yml").unlink()
    faq = knowledge_with_sample / "faq" / "alin.yml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("    check: alin\n", "    check: aide_exemple\n", 1),
                   encoding="utf-8")
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(knowledge_with_sample)
    (error,) = info.value.errors
    assert error.field == "check" and "aide inconnue « aide_exemple »" in error.message
    assert faq.read_text(encoding="utf-8").splitlines()[error.line - 1].strip() == "check: aide_exemple"


def test_the_aid_list_cannot_be_written_in_dialogue_yml_again(knowledge_with_sample):
    path = knowledge_with_sample / "dialogue.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  noted:", "  aids:\n    visale: Garantie Visale\n  noted:", 1), encoding="utf-8")
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(knowledge_with_sample)
    (error,) = info.value.errors
    assert error.file.endswith("dialogue.yml") and "champ « bouton »" in error.message


# --- the strict loader: a bad criterion is named with its file and line -------------------------------------------

def broken(root, filename, old, new):
    path = root / "eligibilite" / filename
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KnowledgeErrors) as info:
        RuleSet.load(root)
    (error,) = info.value.errors
    assert error.file.endswith(f"eligibilite/{filename}")
    return error, path.read_text(encoding="utf-8").splitlines()[error.line - 1]


@pytest.mark.parametrize("filename, old, new, field, message, on_line", [
    ("aide_exemple.yml", "type: par_zone", "type: par_region", "type",
     "type de critère inconnu « par_region » (types possibles : comparaison, oui_non, employeur, effectif, "
     "distance_ou_duree, par_zone, aide_ouverte, ou « python: <fonction> »)", "type: par_region"),
    ("aide_exemple.yml", "fait: age,", "fait: ages,", "fait", "fait inconnu « ages »", "fait: ages,"),
    ("aide_exemple.yml", "fait: promesse_embauche", "fait: age", "fait",
     "le fait « age » est de type « int » : ce critère attend bool", "critere: promesse_embauche"),
    ("aide_exemple.yml", 'operateur: "<"', 'operateur: "=<"', "operateur",
     "opérateur inconnu « =< » (opérateurs possibles : <, <=, >, >=, ==)", 'operateur: "=<"'),
    ("aide_exemple.yml", "{age_limite: aide_exemple.age_inferieur_a}", "{age_limite: aide_exemple.age_maximum}",
     "age_limite", "paramètre inconnu « aide_exemple.age_maximum » (fichier attendu : "
     "parametres/aide_exemple/age_maximum.yml ou un fichier parent)", "aide_exemple.age_maximum"),
    ("aide_exemple.yml", "{plafond: aide_exemple.plafond_loyer}", "{plafond: aide_exemple.mobilite}", "plafond",
     "paramètre par zone « aide_exemple.mobilite » : il manque aide_exemple.mobilite.ile_de_france, "
     "aide_exemple.mobilite.grande_agglomeration, aide_exemple.mobilite.autre_commune (une valeur par zone : "
     "ile_de_france, grande_agglomeration, autre_commune)", "aide_exemple.mobilite}"),
    ("aide_exemple.yml", "secteurs: [non_agricole, agricole]", "secteurs: [prive]", "secteurs",
     "liste de secteurs attendue parmi : non_agricole, agricole, public", "secteurs: [prive]"),
    ("aide_exemple.yml", "    toutes:\n", "    chacune:\n", "puis",
     "règle inconnue : « toutes » (toutes les conditions); « une_parmi » (une des conditions au moins); « si » (une "
     "branche qui ne compte que si la condition est vraie (avec « alors »)); « exige » (une condition vérifiée "
     "d'abord (avec « puis »)) ou un critère (« critere »)", "  puis:"),
    ("aide_exemple.yml", "type: oui_non, fait: promesse_embauche,", "type: oui_non, fait: promesse_embauche, "
     "seuil: 3,", "seuil", "clé inconnue « seuil » (clés possibles ici : fait, attendu, critere, type, explique)",
     "seuil: 3"),
    ("aide_exemple.yml", "{critere: salarie_prive,", "{critere: age,", "critere", "critère « age » déclaré deux fois",
     "critere: age, type: employeur"),
    ("visale.yml", "python: visale.taux_effort,", "python: visale.taux_efort,", "python",
     "fonction de critère inconnue « visale.taux_efort »", "python: visale.taux_efort"),
    ("visale.yml", "parametres: {taux: visale.taux_effort_maximum}",
     "parametres: {taux: visale.taux_effort_maximum, rate: visale.taux_effort_maximum}",
     "rate", "rôle inconnu « rate » (rôles de cette fonction : taux)", "rate: visale"),
    ("visale.yml", '{fait: nb_titulaires_bail, operateur: ">=", valeur: 2}',
     '{fait: nb_titulaires_bail, operateur: ">=", valeur: deux}', "valeur", "nombre attendu", "valeur: deux"),
])
def test_a_bad_criterion_is_refused_with_its_file_and_line(knowledge_with_sample, filename, old, new, field, message,
                                                           on_line):
    error, line = broken(knowledge_with_sample, filename, old, new)
    assert error.field == field
    assert error.message.startswith(message)
    assert on_line in line


def test_an_aid_file_without_rules_is_refused(knowledge_with_sample):
    path = knowledge_with_sample / "eligibilite" / "aide_exemple.yml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("regles:"), text.index("verdicts:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeErrors) as info:
        RuleSet.load(knowledge_with_sample)
    messages = [(e.file.rsplit("/", 1)[-1], e.message) for e in info.value.errors]
    assert messages == [("aide_exemple.yml", "« regles » manquant : l'arbre des critères de l'aide")]


def test_an_aid_file_needs_its_registry_fields(knowledge_with_sample):
    path = knowledge_with_sample / "eligibilite" / "aide_exemple.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("bouton: Aide d'exemple\n", ""), encoding="utf-8")
    for load in (RuleSet.load, load_knowledge):
        with pytest.raises(KnowledgeErrors) as info:
            load(knowledge_with_sample)
        assert [(e.file.rsplit("/", 1)[-1], e.field) for e in info.value.errors] == [("aide_exemple.yml", "bouton")]


def test_a_parameters_folder_needs_its_aid(knowledge_with_sample):
    (knowledge_with_sample / "eligibilite" / "aide_exemple.yml").unlink()
    with pytest.raises(KnowledgeErrors) as info:
        RuleSet.load(knowledge_with_sample)
    (error,) = info.value.errors
    assert (error.file.rsplit("/", 2)[-2:], error.field, error.message) == (
        ["eligibilite", "aide_exemple.yml"], "parametres/aide_exemple/", "fichier manquant")


def test_an_aid_names_an_existing_parameters_folder(knowledge_with_sample):
    error, line = broken(knowledge_with_sample, "aide_exemple.yml", "parametres: aide_exemple\n",
                         "parametres: aide_exempel\n")
    assert error.field == "parametres" and error.message == "dossier « parametres/aide_exempel/ » introuvable"
