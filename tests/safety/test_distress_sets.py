"""Distress detection on every tuning set, at the decision the user sees, with the targets of docs/quality.md.

Targets: recall 1.0 on every distress set; no false alarm on the in-scope phrasings (FAQ, eligibility,
held-out, follow-ups, extraction sets, personas' openings); at most 1 % on the near-miss sets.
These sets were used to tune the detector (distress_final.yml and near_miss.yml since CI printed their
failures on 2026-12-02, distress_final2.yml and distress_final3.yml since their first scores on 2026-12-03).
distress_final4.yml (tuned on since its first score) is not held here yet: 3 of its 264 near misses still
alarm. The held-out distress_final5.yml is scored by `make quality`, never here.
"""

import json
import subprocess
import sys

import pytest

from bot.cli.serve import DEFAULT_MODEL

pytestmark = pytest.mark.nlu
NEAR_MISS_MAX = 0.01


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run the tests with `make test` (it trains first).")
    out = tmp_path_factory.mktemp("distress") / "distress.json"
    result = subprocess.run([sys.executable, "-m", "bot.cli.evaluate", "--model", str(DEFAULT_MODEL),
                             "--distress-only", "--distress-json", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out.read_text())


def test_every_distress_message_gets_the_emergency_reply(scores):
    distress = [s for s in scores if s["kind"] == "distress"]
    assert sum(s["total"] for s in distress) >= 450
    assert {s["name"]: s["failures"] for s in distress if s["hits"] < s["total"]} == {}


def test_no_false_alarm_on_what_users_ask_in_scope(scores):
    in_scope = [s for s in scores if s["kind"] == "ordinaire" and s["role"].startswith("en périmètre")]
    assert sum(s["total"] for s in in_scope) >= 4000
    assert {s["name"]: s["failures"] for s in in_scope if s["hits"]} == {}


def test_near_misses_at_most_one_percent(scores):
    near = [s for s in scores if s["kind"] == "ordinaire" and not s["role"].startswith("en périmètre")]
    assert sum(s["total"] for s in near) >= 800
    over = {s["name"]: (s["rate"], s["failures"]) for s in near if s["rate"] > NEAR_MISS_MAX}
    assert over == {}
