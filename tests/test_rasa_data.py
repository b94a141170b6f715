"""Rasa's own checks of the training data and domain, on the generated data."""

import subprocess
import sys

import pytest

from bot.nlu.training_data import render_nlu
from bot.knowledge import load_knowledge


def test_generated_nlu_is_up_to_date():
    """`make train` regenerates data/nlu from knowledge/; the file on disk must match the knowledge."""
    with open("data/nlu/generated_knowledge.yml", encoding="utf-8") as handle:
        assert handle.read() == render_nlu(load_knowledge("knowledge"))


@pytest.mark.timeout(300)
def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
