"""Fixtures of the rules tests: the project's rules, and a writable copy of their files."""

import shutil
from pathlib import Path

import pytest

from bot.rules.ruleset import RuleSet

PROJECT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
RULES_FOLDERS = ("parametres", "eligibilite")


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return RuleSet.load(PROJECT_KNOWLEDGE)


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    """A copy of the rules files (parametres/, eligibilite/) to break on purpose."""
    root = tmp_path / "knowledge"
    for folder in RULES_FOLDERS:
        shutil.copytree(PROJECT_KNOWLEDGE / folder, root / folder)
    return root
