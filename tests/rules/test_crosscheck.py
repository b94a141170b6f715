"""`make check-rules`: our parameters compared with openfisca-france's through the mapping file.

The comparison is tested on a small wheel built here; the last test runs the real command on the
release the mapping was checked against, and skips when the package registry cannot be reached.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import yaml

from bot.cli.check_rules import MAPPING, UNREACHABLE, run
from bot.rules.crosscheck import NOT_YET, MappingError, compare, read_wheel
from bot.rules.parameters import parse_parameter_files

ROOT = Path(__file__).resolve().parents[2]
FOLDER = "openfisca_france/parameters/aides/al"

OURS = {
    "parametres/aide/plafond.yml": b"""description: Plafond de loyer
values:
  2018-06-19: {value: 1500}
  2026-01-06: {value: 1940}
metadata:
  unit: currency
  reference:
    2018-06-19: [{title: Convention 2018, href: "https://example.org/convention"}]
    2026-01-06: [{title: Evolutions 2026, href: "https://example.org/2026"}]
""",
    "parametres/aide/age.yml": b"""description: Age en dessous duquel
values:
  2021-01-01: {value: 30}
metadata:
  unit: year
  reference:
    2021-01-01: [{title: Service-Public, href: "https://example.org/sp"}]
""",
}

THEIRS = {
    f"{FOLDER}/index.yaml": "description: Aides\n",
    f"{FOLDER}/plafond.yaml": """description: Plafond
values:
  2016-01-01: {value: 425}
  2018-06-19: {value: 1500}
metadata:
  unit: currency
  reference:
    2016-01-01: {title: Decret 2016, href: "https://example.org/decret"}
""",
    f"{FOLDER}/age_max.yaml": """description: Age max inclus
values:
  2021-01-01:
    value: 30
metadata:
  reference:
    2021-01-01: {title: Decret, href: "https://example.org/d"}
""",
    f"{FOLDER}/autre.yaml": "description: Autre\nvalues:\n  2020-01-01: {value: 7}\n",
    "openfisca_france/parameters/ailleurs/x.yaml": "description: X\nvalues:\n  2020-01-01: {value: 1}\n",
}


@pytest.fixture
def wheel(tmp_path):
    path = tmp_path / "openfisca_france-1.2.3-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in THEIRS.items():
            archive.writestr(name, text)
    return path


def mapping(**plafond):
    return {"dossiers": [FOLDER], "correspondances": {
        "aide.plafond": {"openfisca": "aides/al/plafond", **plafond},
        "aide.age": {"openfisca": "aides/al/age_max", "decalage": 1, "ecarts": {"2021-01-01": "moins de 30 ans"}},
    }, "non_repris": {"aides/al/autre": "non modélisé"}}


def comparison(wheel, entry_mapping):
    return compare(entry_mapping, parse_parameter_files(OURS), read_wheel(wheel, [FOLDER]), "1.2.3")


def test_only_the_mapped_folders_are_read_with_their_dated_values_and_references(wheel):
    theirs = read_wheel(wheel, [FOLDER])
    assert sorted(theirs) == ["aides/al/age_max", "aides/al/autre", "aides/al/plafond"]
    plafond = theirs["aides/al/plafond"]
    assert plafond.history == ((dt.date(2016, 1, 1), 425), (dt.date(2018, 6, 19), 1500))
    assert plafond.reference_on(dt.date(2018, 6, 19)) == "Decret 2016 — https://example.org/decret"


def test_each_difference_is_reported_with_both_values_and_references_and_unexplained_ones_fail(wheel):
    result = comparison(wheel, mapping())
    assert [(d.kind, d.ours, d.on, d.our_value, d.their_value, d.explanation) for d in result.differences] == [
        ("debut", "aide.plafond", dt.date(2016, 1, 1), NOT_YET, 425, None),
        ("valeur", "aide.plafond", dt.date(2026, 1, 6), 1940, 1500, None),
        ("valeur", "aide.age", dt.date(2021, 1, 1), 30, 31, "moins de 30 ans"),
    ]
    late = result.differences[1]
    assert (late.our_reference, late.their_reference) == ("Evolutions 2026 — https://example.org/2026",
                                                          "Decret 2016 — https://example.org/decret")
    assert "NON EXPLIQUÉ" in late.describe("1.2.3") and "1940" in late.describe("1.2.3")
    assert not result.clean and result.stale == ()


def test_explained_differences_make_it_clean_and_an_explanation_that_no_longer_applies_is_stale(wheel):
    explained = mapping(debut="règles depuis 2018", ecarts={"2026-01-06": "version publiée en retard"})
    assert comparison(wheel, explained).clean
    stale = mapping(debut="règles depuis 2018", ecarts={"2026-01-06": "retard", "2018-06-19": "ancien écart"},
                    absent="n'existe pas")
    assert comparison(wheel, stale).stale == ("« aide.plafond » : l'écart expliqué au 2018-06-19 n'existe plus",
                                              "« aide.plafond » : « absent » n'explique plus aucun écart")


def test_an_unmapped_parameter_of_theirs_and_a_file_missing_from_the_release_are_differences(wheel):
    entries = mapping(debut="d", ecarts={"2026-01-06": "r"})
    del entries["non_repris"]
    entries["correspondances"]["aide.age"] = {"openfisca": "aides/al/absent_du_paquet"}
    found = {(d.kind, d.theirs, d.explanation) for d in comparison(wheel, entries).differences}
    assert found == {("debut", "aides/al/plafond", "d"), ("valeur", "aides/al/plafond", "r"),
                     ("absent", "aides/al/absent_du_paquet", None), ("non_rapproche", "aides/al/age_max", None),
                     ("non_rapproche", "aides/al/autre", None)}


def test_a_mapping_naming_a_parameter_we_do_not_have_is_refused(wheel):
    with pytest.raises(MappingError, match="aide.inconnue"):
        comparison(wheel, {"dossiers": [FOLDER], "correspondances": {"aide.inconnue": {"openfisca": "aides/al/x"}}})


def test_check_rules_on_the_checked_release_is_clean(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    version = str(yaml.safe_load(MAPPING.read_text(encoding="utf-8"))["version_verifiee"])
    out = io.StringIO()
    code = run(version, out=out)
    if code == UNREACHABLE:
        pytest.skip(f"registre de paquets injoignable, make check-rules non vérifié : {out.getvalue().strip()}")
    assert code == 0, out.getvalue()
    assert out.getvalue().splitlines()[-1].endswith(" 0 non expliqués ; 0 explications périmées.")
