"""Runs the YAML test cases of tests/rules/cases/ (OpenFisca-style: input facts → expected decision).

A case:
    - name: Loyer un euro au-dessus du plafond hors Île-de-France
      aid: visale
      date: 2025-06-01          # required: a case tests the rules of one day, not « today »
      input: {age: 25, loyer_charges_comprises: 1301, ...}
      output:
        status: non_eligible     # eligible | non_eligible | indetermine
        failing: [plafond_loyer] # required when non_eligible (compared as a set)
        missing: [ile_de_france] # required when indetermine (exact order: the asking order)
        deciding: plafond_loyer  # optional
        next_fact: urgence       # optional
        refining: [urgence]      # optional
        amount: 100              # optional: the computed amount
        amount_max: 1200         # optional: the amount's maximum
        lead_time: {minimum: 48, maximum: 48, unit: heures}   # optional
"""

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from pydantic import BaseModel, Extra, root_validator

from bot.rules import AIDS, STATUSES

CASES_DIR = Path(__file__).parent / "cases"
MINIMUM_CASES = 70


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid


class LeadTime(Strict):
    minimum: float
    maximum: float
    unit: str


class Expected(Strict):
    status: str
    failing: Optional[List[str]] = None
    missing: Optional[List[str]] = None
    deciding: Optional[str] = None
    next_fact: Optional[str] = None
    refining: Optional[List[str]] = None
    amount: Optional[float] = None
    amount_max: Optional[float] = None
    lead_time: Optional[LeadTime] = None

    @root_validator(skip_on_failure=True)
    def _complete(cls, values):
        status = values["status"]
        assert status in STATUSES, f"unknown status {status}"
        assert status != "non_eligible" or values.get("failing"), "a non_eligible case lists its failing criteria"
        assert status != "indetermine" or values.get("missing"), "an indetermine case lists its missing facts"
        assert status != "eligible" or not values.get("failing"), "an eligible case has no failing criteria"
        return values


class Case(Strict):
    name: str
    aid: str
    date: dt.date  # required: an undated case would flip when a parameter changes
    input: Dict[str, Any]
    output: Expected

    @root_validator(skip_on_failure=True)
    def _known_aid(cls, values):
        assert values["aid"] in AIDS, f"unknown aid {values['aid']}"
        return values


def load_cases() -> List[Case]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append((path.stem, Case.parse_obj(raw)))
    return cases


CASES = load_cases()


def test_there_are_enough_cases_and_names_are_unique():
    assert len(CASES) >= MINIMUM_CASES
    names = [(file, case.name) for file, case in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[f"{f}: {c.name}" for f, c in CASES])
def test_case(rules, case: Case):
    decision = rules.evaluate(case.aid, case.input, case.date)
    expected = case.output
    assert decision.status == expected.status, decision.summary_fr
    assert sorted(decision.failing) == sorted(expected.failing or [])
    if expected.status == "indetermine":
        assert decision.missing == expected.missing
    if expected.deciding:
        assert decision.deciding.key == expected.deciding
    if expected.next_fact:
        assert decision.next_fact == expected.next_fact
    if expected.refining is not None:
        assert decision.refining == expected.refining
    if expected.amount is not None:
        assert decision.amount.value == pytest.approx(expected.amount)
    if expected.amount_max is not None:
        assert decision.amount.maximum == pytest.approx(expected.amount_max)
    if expected.lead_time is not None:
        lead = decision.lead_time
        assert (lead.minimum, lead.maximum, lead.unit) == (expected.lead_time.minimum, expected.lead_time.maximum,
                                                            expected.lead_time.unit)
