"""Which question to ask next in a check (one aid) or a screening (every aid).

The rules say, for each aid not decided yet, which facts its undecided criteria wait for. Among
those facts the planner asks first the one whose answer is expected to settle the most aids: for
each likely answer (each choice, yes and no, numbers around the rules' thresholds, equally
weighted) it evaluates the aids and counts those that become decided, with a smaller credit for
an answer that only removes other questions. Ties keep the rules' own order (what can close or
open the aid first). Facts that only refine an answer (the lead time of the support service, the
first step on AL'in) come last, and only in a single-aid check. A fact read with low confidence
is confirmed before it is used; a fact the person does not know is never asked again, and when
only such facts remain the check stops and the verdict says what it depends on.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.eligibility.aids import SCREENING
from bot.rules import AIDS
from bot.situation.model import Situation

ASK, CONFIRM, DONE = "ask", "confirm", "done"
# An easier question that may answer the one planned: the commune gives the zone (asked only when the
# commune is unknown to the bot, or the person does not know it); « bail pas encore signé » says the
# person has not moved in (bot/situation/derive.py).
ASK_INSTEAD = {"zone_logement": "commune", "mois_depuis_entree_logement": "bail_signe"}
# The unit of a fact (faits.yml) → the unit of the parameters it is compared with (parametres/).
PARAMETER_UNIT = {"€": "currency", "ans": "year", "mois": "month", "salariés": "employee", "km": "km",
                  "minutes": "minute", "personne(s)": "person"}
PARTIAL_CREDIT = 0.5


@dataclass(frozen=True)
class Step:
    kind: str                      # ask | confirm | done
    fact: Optional[str] = None


def target_aids(target: str) -> Tuple[str, ...]:
    return AIDS if target == SCREENING else (target,)


def next_step(rules, situation: Situation, target: str, on: Optional[dt.date] = None,
              refine: bool = True, derive: Optional[Callable[[Situation], Situation]] = None) -> Step:
    """The next question of a check: the fact whose answer settles the most undecided aids (what an
    answer implies, through `derive`, counts: « bail pas signé » also says the person has not moved in)."""
    aids = target_aids(target)
    facts = situation.rule_facts()
    statuses = {aid: rules.status(aid, facts, on) for aid in aids}
    undecided = [aid for aid in aids if statuses[aid][0] is None]
    pending = _ordered(name for aid in undecided for name in statuses[aid][1])
    weak = [name for name in pending if name in situation.to_confirm()]
    if weak:
        return Step(CONFIRM, weak[0])
    candidates = [name for name in pending if not situation.knows(name)]
    if not candidates:
        if undecided or target == SCREENING or not refine:
            return Step(DONE)
        decision = rules.evaluate(target, facts, on, explain=False)
        refining = [name for name in decision.refining if not situation.knows(name)]
        return Step(ASK, refining[0]) if refining else Step(DONE)
    if len(candidates) == 1:
        return Step(ASK, _asked_as(candidates[0], situation))
    best = max(candidates, key=lambda name: (
        _expected_settled(rules, situation, name, undecided, statuses, on, derive), -candidates.index(name)))
    return Step(ASK, _asked_as(best, situation))


def _asked_as(name: str, situation: Situation) -> str:
    instead = ASK_INSTEAD.get(name)
    if instead and instead not in situation.facts:
        return instead
    return name


def _ordered(names: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(names))


def likely_values(rules, name: str, on: Optional[dt.date] = None) -> Sequence:
    """The values worth trying for a fact: its choices, or each threshold in force of its unit and either side."""
    fact = rules.facts[name]
    if fact.type == "bool":
        return (True, False)
    if fact.type == "choice":
        return tuple(key for key, _ in fact.choices)
    if fact.type == "text":
        return ()
    unit = PARAMETER_UNIT.get(fact.unit or "")
    day = on or dt.date.today()
    values = {fact.minimum}
    for parameter in rules.parameters:
        if parameter.unit == unit and rules.parameters.in_force(parameter.name, day):
            threshold = rules.parameters.at(parameter.name, day).value
            if isinstance(threshold, (int, float)) and not isinstance(threshold, bool):
                values.update((threshold - 1, threshold, threshold + 1))
    return tuple(sorted(v for v in values if fact.minimum <= v <= fact.maximum))


def _expected_settled(rules, situation: Situation, name: str, undecided: Sequence[str], statuses, on,
                      derive=None) -> float:
    values = likely_values(rules, name, on)
    if not values:
        return 0.0
    facts = situation.rule_facts()
    total = 0.0
    for value in values:
        trial = derive(situation.with_fact(name, value)).rule_facts() if derive else {**facts, name: value}
        for aid in undecided:
            passed, pending = rules.status(aid, trial, on)
            if passed is not None:
                total += 1
            else:
                before = len(statuses[aid][1]) or 1
                total += PARTIAL_CREDIT * max(0, before - len(pending)) / before
    return total / len(values)
