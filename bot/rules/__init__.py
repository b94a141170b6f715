"""Eligibility rules of Action Logement's aids: pure Python, no Rasa import.

    from bot.rules import evaluate, next_fact
    decision = evaluate("visale", {"age": 35, "situation_pro": "salarie_prive", ...})
    decision.status          # "eligible" | "non_eligible" | "indetermine"
    decision.missing         # facts still needed, in asking order
    next_fact("visale", facts)

Parameters (dated, OpenFisca-style) live in knowledge/parametres/, the facts catalogue in
knowledge/eligibilite/faits.yml, and each aid — its registry entry, criteria tree and texts — in
knowledge/eligibilite/<aid>.yml. See docs/rules.md.
"""

import datetime as dt
from typing import Any, Mapping, Optional, Tuple

from bot.rules.decision import (ELIGIBLE, NOT_ELIGIBLE, STATUSES, UNDETERMINED, CriterionResult,
                                EligibilityDecision, Quantity, Source)
from bot.rules.facts import Fact, FactCatalogue, InvalidFact, UnknownFact
from bot.rules.parameters import ParameterError, ParameterNotInForce, Parameters, ParameterValue, UnknownParameter
from bot.rules.ruleset import RuleSet, RulesNotAvailable, UnknownAid, load_rules


def __getattr__(name: str):
    """`AIDS`: the aids of the registry (knowledge/eligibilite/<aid>.yml), in their order."""
    if name == "AIDS":
        from bot.knowledge.registry import current_registry
        return current_registry().aids
    raise AttributeError(name)


def evaluate(aid: str, facts: Mapping[str, Any], on: Optional[dt.date] = None) -> EligibilityDecision:
    """The indicative decision on `aid` (one of AIDS) for `facts` on `on` (today by default)."""
    return load_rules().evaluate(aid, facts, on)


def next_fact(aid: str, facts: Mapping[str, Any], on: Optional[dt.date] = None) -> Optional[str]:
    """The name of the fact to ask next for `aid`, or None when the answer is complete."""
    return load_rules().next_fact(aid, facts, on)


def validate_fact(name: str, raw_value: Any) -> Tuple[Any, Optional[str]]:
    """(value, None) when `raw_value` is a valid answer for the fact `name`, else (None, French message)."""
    return load_rules().validate_fact(name, raw_value)


def fact(name: str) -> Fact:
    """A fact of the catalogue: its question, why it is asked, unit, limits, choices."""
    return load_rules().facts[name]


__all__ = [
    "AIDS", "ELIGIBLE", "NOT_ELIGIBLE", "UNDETERMINED", "STATUSES",
    "CriterionResult", "EligibilityDecision", "Fact", "FactCatalogue", "InvalidFact", "ParameterError",
    "ParameterNotInForce", "ParameterValue", "Parameters", "Quantity", "RuleSet", "RulesNotAvailable", "Source",
    "UnknownAid", "UnknownFact", "UnknownParameter",
    "evaluate", "fact", "load_rules", "next_fact", "validate_fact",
]
