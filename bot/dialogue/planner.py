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
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from bot.rules import AIDS
from bot.situation.model import Situation

SCREENING = "toutes"
ASK, CONFIRM, DONE = "ask", "confirm", "done"
# A question that finds the commune is easier than one about the zone; the zone is asked only when the
# commune is unknown to the bot (or the person does not know it).
ASK_INSTEAD = {"zone_logement": "commune"}
GRID = {
    "ans": (17, 18, 20, 25, 29, 30, 31, 35, 45, 60),
    "€": (0, 300, 500, 700, 900, 1200, 1400, 1500, 1600, 1710, 1800, 2200, 3000),
    "mois": (0, 1, 2, 3, 4, 6, 7, 12, 36),
    "salariés": (5, 9, 10, 11, 30, 49, 50, 200),
    "km": (20, 50, 71, 150),
    "minutes": (20, 35, 41, 60, 80),
    "personne(s)": (1, 2, 3),
}
PARTIAL_CREDIT = 0.5


@dataclass(frozen=True)
class Step:
    kind: str                      # ask | confirm | done
    fact: Optional[str] = None


def target_aids(target: str) -> Tuple[str, ...]:
    return AIDS if target == SCREENING else (target,)


def next_step(rules, situation: Situation, target: str, on: Optional[dt.date] = None,
              refine: bool = True) -> Step:
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
    best = max(candidates, key=lambda name: (_expected_settled(rules, facts, name, undecided, statuses, on),
                                             -candidates.index(name)))
    return Step(ASK, _asked_as(best, situation))


def _asked_as(name: str, situation: Situation) -> str:
    instead = ASK_INSTEAD.get(name)
    if instead and instead not in situation.facts:
        return instead
    return name


def _ordered(names: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(names))


def likely_values(rules, name: str) -> Sequence:
    fact = rules.facts[name]
    if fact.type == "bool":
        return (True, False)
    if fact.type == "choice":
        return tuple(key for key, _ in fact.choices)
    if fact.type == "text":
        return ()
    values = set(GRID.get(fact.unit or "", ()))
    return tuple(sorted(v for v in values if fact.minimum <= v <= fact.maximum))


def _expected_settled(rules, facts: Dict, name: str, undecided: Sequence[str], statuses, on) -> float:
    values = likely_values(rules, name)
    if not values:
        return 0.0
    total = 0.0
    for value in values:
        trial = {**facts, name: value}
        for aid in undecided:
            passed, pending = rules.status(aid, trial, on)
            if passed is not None:
                total += 1
            else:
                before = len(statuses[aid][1]) or 1
                total += PARTIAL_CREDIT * max(0, before - len(pending)) / before
    return total / len(values)
