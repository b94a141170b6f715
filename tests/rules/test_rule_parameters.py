"""The dated parameters: the strict loader (file and line in French) and the value in force on a date."""

import datetime as dt
import textwrap

import pytest

from bot.knowledge.errors import KnowledgeErrors
from bot.rules.parameters import ParameterNotInForce, UnknownParameter, load_parameters

GOOD = """\
description: Loyer maximum charges comprises
ile_de_france:
  description: En Île-de-France
  values:
    2018-06-19: {value: 1500}
    2030-01-01: {value: 1600}
    2035-01-01:
      value: null
  metadata:
    unit: currency
    reference:
      2018-06-19:
        - title: Visale — mon logement et mon bail
          href: https://www.visale.fr/vos-questions/faq-locataires/mon-logement-et-mon-bail
      2030-01-01:
        - title: Une revalorisation imaginaire
          href: https://example.org/2030
      2035-01-01:
        - title: Fin imaginaire
          seed: 000_ba1bf2e5b0805682.txt
hors_ile_de_france:
  description: Ailleurs
  values:
    2018-06-19: {value: 1300}
  metadata:
    unit: currency
    reference:
      2018-06-19:
        - title: Visale — mon logement et mon bail
          href: https://www.visale.fr/vos-questions/faq-locataires/mon-logement-et-mon-bail
"""

FLAG = """\
description: Aide distribuée
values:
  2019-01-01: {value: true}
  2023-07-01: {value: false}
metadata:
  unit: bool
  reference:
    2019-01-01: [{title: Début, href: "https://example.org/a"}]
    2023-07-01: [{title: Fin, href: "https://example.org/b"}]
"""


def write(root, files):
    for path, text in files.items():
        target = root / "parametres" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def errors_of(root, files):
    with pytest.raises(KnowledgeErrors) as info:
        load_parameters(write(root, files))
    return info.value.errors


def line_text(root, path, line):
    return (root / "parametres" / path).read_text(encoding="utf-8").splitlines()[line - 1]


def test_a_node_file_gives_dotted_names_and_dated_values(tmp_path):
    parameters = load_parameters(write(tmp_path, {"visale/plafond_loyer.yml": GOOD, "aide/distribuee.yml": FLAG}))
    assert {p.name for p in parameters} == {"visale.plafond_loyer.ile_de_france",
                                            "visale.plafond_loyer.hors_ile_de_france", "aide.distribuee"}
    value = parameters.at("visale.plafond_loyer.ile_de_france", dt.date(2024, 5, 1))
    assert (value.value, value.since, value.unit) == (1500, dt.date(2018, 6, 19), "currency")
    assert value.references[0].url.startswith("https://www.visale.fr/")
    assert parameters.at("visale.plafond_loyer.ile_de_france", dt.date(2030, 1, 1)).value == 1600
    assert parameters.at("visale.plafond_loyer.ile_de_france", dt.date(2029, 12, 31)).value == 1500
    assert parameters.at("aide.distribuee", dt.date(2023, 6, 30)).value is True
    assert parameters.at("aide.distribuee", dt.date(2023, 7, 1)).value is False


def test_no_value_before_the_first_date_or_after_null(tmp_path):
    parameters = load_parameters(write(tmp_path, {"visale/plafond_loyer.yml": GOOD}))
    name = "visale.plafond_loyer.ile_de_france"
    with pytest.raises(ParameterNotInForce, match="première valeur connue : 2018-06-19"):
        parameters.at(name, dt.date(2018, 6, 18))
    with pytest.raises(ParameterNotInForce, match="n'est plus en vigueur"):
        parameters.at(name, dt.date(2035, 1, 1))
    assert not parameters.in_force(name, dt.date(2040, 1, 1))
    assert parameters.in_force(name, dt.date(2034, 12, 31))
    with pytest.raises(UnknownParameter, match="paramètre inconnu « visale.plafond »"):
        parameters.at("visale.plafond", dt.date(2024, 1, 1))


def test_unknown_key_is_named_with_its_line(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace("description:", "descriptif: x\ndescription:")})
    assert error.file.endswith("parametres/a/b.yml") and error.line == 1
    assert error.field == "descriptif" and "champ inconnu" in error.message


def test_impossible_date_is_refused_with_its_line(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace("2023-07-01: {value", "2023-13-01: {value")})
    assert error.line == 4 and "date impossible « 2023-13-01 »" in error.message


def test_malformed_date_is_refused_with_its_line(tmp_path):
    errors = errors_of(tmp_path, {"a/b.yml": FLAG.replace("2023-07-01: {value", "2023-7-1: {value")})
    assert any(e.line == 4 and "date invalide « 2023-7-1 »" in e.message for e in errors)


def test_missing_value_is_refused_with_its_line(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace("{value: false}", "{}")})
    assert (error.line, error.field, error.message) == (4, "value", "champ obligatoire manquant")


def test_duplicate_date_is_refused_with_its_line(tmp_path):
    duplicated = FLAG.replace("  2023-07-01: {value: false}\n",
                              "  2023-07-01: {value: false}\n  2023-07-01: {value: true}\n")
    (error,) = errors_of(tmp_path, {"a/b.yml": duplicated})
    assert error.line == 5 and "clé en double" in error.message


def test_duplicate_date_written_once_quoted_is_still_a_duplicate(tmp_path):
    duplicated = FLAG.replace("  2023-07-01: {value: false}\n",
                              "  2023-07-01: {value: false}\n  '2023-07-01': {value: true}\n")
    (error,) = errors_of(tmp_path, {"a/b.yml": duplicated})
    assert error.line == 5 and "clé en double" in error.message


def test_value_of_the_wrong_type_is_refused(tmp_path):
    errors = errors_of(tmp_path, {"a/b.yml": FLAG.replace("{value: false}", "{value: 12}"),
                                  "a/c.yml": GOOD.replace("{value: 1300}", "{value: '1300'}")})
    by_file = {e.file.rsplit("/", 1)[-1]: e for e in errors}
    assert by_file["b.yml"].line == 4 and "true ou false est attendu" in by_file["b.yml"].message
    assert by_file["c.yml"].line == 24 and "un nombre, true/false, ou null" in by_file["c.yml"].message


def test_unknown_unit_is_refused(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace("unit: bool", "unit: booleen")})
    assert error.field == "unit" and "unité inconnue" in error.message and error.line == 6


def test_every_dated_value_needs_a_reference(tmp_path):
    without = FLAG.replace('    2023-07-01: [{title: Fin, href: "https://example.org/b"}]\n', "")
    (error,) = errors_of(tmp_path, {"a/b.yml": without})
    assert error.line == 4 and "n'a pas de référence" in error.message


def test_reference_of_a_date_without_value_is_refused(tmp_path):
    extra = FLAG.replace("    2019-01-01: [",
                         '    2020-01-01: [{title: Rien, href: "https://example.org/c"}]\n    2019-01-01: [')
    (error,) = errors_of(tmp_path, {"a/b.yml": extra})
    assert error.line == 8 and "ne correspond à aucune date" in error.message


def test_a_reference_needs_a_link(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace(', href: "https://example.org/b"', "")})
    assert error.line == 9 and "href" in error.message


def test_a_parameter_cannot_start_with_null(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace("{value: true}", "{value: null}")})
    assert "commence par null" in error.message


def test_node_child_must_be_a_mapping(tmp_path):
    (error,) = errors_of(tmp_path, {"v/p.yml": GOOD.replace("hors_ile_de_france:\n", "hors_ile_de_france: 1300\nx:\n")})
    assert error.field == "hors_ile_de_france" and error.line == 21


def test_metadata_outside_a_parameter_is_refused(tmp_path):
    (error,) = errors_of(tmp_path, {"v/p.yml": "metadata: {unit: km}\n" + GOOD})
    assert error.line == 1 and "ne se met que dans un paramètre" in error.message


def test_same_name_defined_in_two_files_is_refused(tmp_path):
    child = GOOD.split("hors_ile_de_france:\n")[1]
    child = "\n".join(line[2:] for line in child.splitlines()) + "\n"
    errors = errors_of(tmp_path, {"visale/plafond_loyer.yml": GOOD,
                                  "visale/plafond_loyer/hors_ile_de_france.yml": child})
    assert any("défini deux fois" in e.message for e in errors)


def test_file_names_become_names_so_they_must_be_simple(tmp_path):
    (error,) = errors_of(tmp_path, {"Visale/b.yml": FLAG})
    assert "nom de fichier ou de dossier invalide « Visale »" in error.message


def test_yaml_syntax_error_has_its_line(tmp_path):
    (error,) = errors_of(tmp_path, {"a/b.yml": FLAG.replace("metadata:", "metadata: [")})
    assert "syntaxe YAML invalide" in error.message and error.line is not None


def test_every_problem_is_reported_at_once(tmp_path):
    errors = errors_of(tmp_path, {"a/b.yml": FLAG.replace("unit: bool", "unit: x"),
                                  "a/c.yml": FLAG.replace("2019-01-01: {value", "2019-02-30: {value")})
    assert {e.file.rsplit("/", 1)[-1] for e in errors} == {"b.yml", "c.yml"}


def test_empty_folder_is_refused(tmp_path):
    (tmp_path / "parametres").mkdir()
    with pytest.raises(KnowledgeErrors, match="aucun fichier de paramètres"):
        load_parameters(tmp_path)


def test_project_parameters_resolve_every_month(rules):
    """Like openfisca-france's test_parameters: every parameter answers every month from its start.

    Only an explicit null (an ended parameter) may stop it.
    """
    for parameter in rules.parameters:
        first = parameter.history[0][0]
        ended = [since for since, value in parameter.history if value is None]
        day = dt.date(first.year, first.month, 1)
        while day <= dt.date(2028, 12, 1):
            if day >= first and not (ended and day >= ended[0]):
                assert rules.parameters.at(parameter.name, day).references, (parameter.name, day)
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
