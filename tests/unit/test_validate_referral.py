"""`make validate`: the referral's texts (dialogue.yml `saisine`) agree with the FAQ entry giving the address."""

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.cli.validate import main

PROJECT = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture
def knowledge(tmp_path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(PROJECT, root)
    return root


def edit_referral(root: Path, **changes) -> None:
    yaml = YAML()
    path = root / "dialogue.yml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["saisine"].update(changes)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def test_the_project_knowledge_is_valid(knowledge, capsys):
    assert main([str(knowledge)]) == 0


@pytest.mark.parametrize("changes, says", [
    ({"adresse": "autre.adresse@actionlogement.fr"}, "ne figure pas dans la réponse de la fiche « accompagnement_saisir »"),
    ({"entree": "visale_presentation_inconnue"}, "« visale_presentation_inconnue » n'est pas une fiche connue"),
    ({"entree": "visale_couple"}, "doit être réservée aux professionnels"),
])
def test_a_referral_that_disagrees_with_its_entry_is_refused(knowledge, capsys, changes, says):
    edit_referral(knowledge, **changes)
    assert main([str(knowledge)]) == 1
    assert says in capsys.readouterr().err


def test_an_address_that_is_not_one_is_refused_by_the_schema(knowledge, capsys):
    edit_referral(knowledge, adresse="pas une adresse")
    assert main([str(knowledge)]) == 1
    err = capsys.readouterr().err
    assert "dialogue.yml, ligne" in err and "champ « adresse »" in err and "n'est pas une adresse électronique" in err
