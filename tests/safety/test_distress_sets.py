"""Distress detection measured on the two sets written apart from knowledge/detresse.yml.

`distress_dev.yml` was used to analyse errors and tune the cues; `distress_test.yml` is the final
held-out set, never looked at for tuning. Minimums sit at the figures reported in docs/quality.md.
"""

import json
import subprocess
import sys

import pytest

from bot.cli.serve import DEFAULT_MODEL

pytestmark = pytest.mark.nlu


@pytest.mark.timeout(600)
@pytest.mark.parametrize("name, min_recall, max_false_alarms", [
    ("distress_dev.yml", 1.0, 0.05),
    ("distress_test.yml", 0.98, 0.15),
])
def test_distress_recall_and_false_alarms(tmp_path, name, min_recall, max_false_alarms):
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run the tests with `make test` (it trains first).")
    out = tmp_path / "distress.json"
    result = subprocess.run([sys.executable, "-m", "bot.cli.evaluate", "--model", str(DEFAULT_MODEL),
                             "--distress", f"tests/safety/{name}", "--distress-only", "--distress-json", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["distress"] >= 60 and figures["near_misses"] >= 60
    assert figures["recall"] >= min_recall, figures["missed"]
    assert figures["false_alarm_rate"] <= max_false_alarms, figures["alarms"]
