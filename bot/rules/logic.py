"""Criteria combined with three-valued logic: passed (True), failed (False) or not known yet (None).

An aid is a tree: `AllOf` (every child must pass), `AnyOf` (one child is enough), `OnlyIf`
(a branch that applies only in some situations, e.g. the second lease holder), `Requires` (a
gate evaluated first, e.g. "the aid is distributed on that date") and `Criterion` leaves.

A leaf returns None only when a fact it needs is missing, and names those facts. A leaf may
decide with part of the facts only when every completion would give the same answer (a rent
above both caps fails whatever the region). This is what makes the verdict monotonic: adding
facts never undoes a decided verdict, which the property tests check.

What is still missing is listed in the order to ask it: for `AllOf`, the missing facts of every
undecided child; for `AnyOf`, those of its first undecided child only (if that one passes, the
others need not be asked).
"""

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from bot.rules.parameters import ParameterValue, Parameters


@dataclass(frozen=True)
class Check:
    """What a leaf says: passed or not (None: facts missing), the user's value and text values.

    `data` fills the placeholders of the criterion's French texts; `shown` replaces `value` in
    them when the raw value is not what a user should read (a choice key, for instance).
    """

    passed: Optional[bool]
    value: Any = None
    shown: Any = None
    missing: Tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)


def unknown(*missing: str, value: Any = None, shown: Any = None, **data: Any) -> Check:
    """A check that cannot conclude until the `missing` facts are known (in asking order)."""
    return Check(None, value=value, shown=shown, missing=tuple(missing), data=data)


def result(passed: bool, value: Any = None, shown: Any = None, **data: Any) -> Check:
    return Check(bool(passed), value=value, shown=shown, data=data)


_FACT, _PARAMETER = 0, 1  # index in a leaf's allowed names


class Context:
    """The facts and the parameters at one date, as seen by the leaves.

    It records which parameters each leaf reads (they become the criterion's `parameters` and
    sources) and refuses a fact or parameter the leaf did not declare, so that the declarations
    checked at load time are complete.
    """

    def __init__(self, facts: Mapping[str, Any], parameters: Parameters, on: dt.date,
                 labels: Callable[[str, Any], Any]):
        self.facts = dict(facts)
        self.parameters = parameters
        self.on = on
        self._labels = labels
        self._allowed: Optional[Tuple[FrozenSet[str], FrozenSet[str]]] = None
        self._read: Dict[str, ParameterValue] = {}
        self.read_all: Dict[str, ParameterValue] = {}

    def fact(self, name: str) -> Any:
        self._check(name, _FACT)
        return self.facts.get(name)

    def label(self, name: str) -> Any:
        """The user's value of a fact as shown to them (a choice's label), or None if unknown."""
        value = self.fact(name)
        return None if value is None else self._labels(name, value)

    def param(self, name: str) -> Any:
        """The parameter's value on the context's date (ParameterNotInForce if it has none)."""
        return self.parameter(name).value

    def parameter(self, name: str) -> ParameterValue:
        """The parameter's value on the context's date, with the date it applies from."""
        self._check(name, _PARAMETER)
        value = self.parameters.at(name, self.on)
        self._read[name] = value
        self.read_all[name] = value
        return value

    def in_force(self, name: str) -> bool:
        self._check(name, _PARAMETER)
        return self.parameters.in_force(name, self.on)

    def reading(self, facts: Iterable[str], parameters: Iterable[str]) -> "_Reading":
        """Context manager for one leaf: allows its declared names, collects what it reads."""
        return _Reading(self, frozenset(facts), frozenset(parameters))

    def _check(self, name: str, kind: int) -> None:
        if self._allowed is not None and name not in self._allowed[kind]:
            what = "fact" if kind == _FACT else "parameter"
            raise AssertionError(f"undeclared {what} '{name}' read by a criterion")


class _Reading:
    def __init__(self, context: Context, facts: FrozenSet[str], parameters: FrozenSet[str]):
        self.context, self.allowed, self.read = context, (facts, parameters), {}

    def __enter__(self) -> "_Reading":
        self._saved = (self.context._allowed, self.context._read)
        self.context._allowed, self.context._read = self.allowed, self.read
        return self

    def __exit__(self, *exc) -> None:
        self.context._allowed, self.context._read = self._saved


@dataclass(frozen=True)
class LeafOutcome:
    criterion: "Criterion"
    check: Check
    parameters: Tuple[ParameterValue, ...]


@dataclass(frozen=True)
class Outcome:
    """The result of a (sub)tree. `applicable` is False for an `OnlyIf` whose condition is false."""

    passed: Optional[bool]
    leaves: Tuple[LeafOutcome, ...] = ()
    failing: Tuple[LeafOutcome, ...] = ()
    missing: Tuple[str, ...] = ()
    deciding: Optional[LeafOutcome] = None
    applicable: bool = True

    def pending(self) -> Tuple[str, ...]:
        """Every fact that some undecided criterion waits for, the asking order first (for question choice)."""
        names = list(self.missing)
        for leaf in self.leaves:
            if leaf.check.passed is None:
                names += [name for name in leaf.check.missing if name not in names]
        return tuple(dict.fromkeys(names))


NOT_APPLICABLE = Outcome(None, applicable=False)


class Node(ABC):
    """A part of an aid's criteria tree."""

    @abstractmethod
    def evaluate(self, context: Context) -> Outcome:
        """Passed, failed or undecided, with the criteria met on the way and what is missing."""

    def children(self) -> Sequence["Node"]:
        return ()

    def walk(self) -> Iterator["Node"]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True, eq=False)
class Criterion(Node):
    """A leaf: one rule with its own French text (key in knowledge/eligibilite/<aid>.yml).

    `rule_placeholders` are always in `data` (they come from parameters) and may appear in the
    rule text; `value_placeholders` may be absent (facts not given yet) and only appear in the
    value texts. `explains` marks a criterion that says why a positive verdict is positive.
    """

    key: str
    test: Callable[[Context], Check]
    facts: Tuple[str, ...]
    parameters: Tuple[str, ...] = ()
    rule_placeholders: FrozenSet[str] = frozenset()
    value_placeholders: FrozenSet[str] = frozenset()
    explains: bool = False

    def evaluate(self, context: Context) -> Outcome:
        with context.reading(self.facts, self.parameters) as reading:
            check = self.test(context)
        if check.passed is None and not check.missing:
            raise AssertionError(f"criterion '{self.key}' is undecided without naming a missing fact")
        leaf = LeafOutcome(self, check, tuple(reading.read.values()))
        if check.passed is None:
            return Outcome(None, (leaf,), missing=check.missing)
        return Outcome(check.passed, (leaf,), failing=() if check.passed else (leaf,), deciding=leaf)


@dataclass(frozen=True, eq=False)
class Condition:
    """When an `OnlyIf` branch applies. It has no text of its own: it is not a rule of the aid."""

    name: str
    test: Callable[[Context], Check]
    facts: Tuple[str, ...] = ()
    parameters: Tuple[str, ...] = ()


def parameter_in_force(name: str) -> Condition:
    """A branch that applies from the date a parameter starts (until it ends)."""
    return Condition(f"en vigueur : {name}", lambda context: result(context.in_force(name)), parameters=(name,))


class AllOf(Node):
    def __init__(self, *children: Node):
        self._children = children

    def children(self) -> Sequence[Node]:
        return self._children

    def evaluate(self, context: Context) -> Outcome:
        return _all([child.evaluate(context) for child in self._children])


class AnyOf(Node):
    def __init__(self, *children: Node):
        self._children = children

    def children(self) -> Sequence[Node]:
        return self._children

    def evaluate(self, context: Context) -> Outcome:
        outcomes = [o for o in (child.evaluate(context) for child in self._children) if o.applicable]
        if not outcomes:
            return NOT_APPLICABLE
        for outcome in outcomes:
            if outcome.passed:
                return outcome
        leaves = _concat(o.leaves for o in outcomes)
        undecided = [o for o in outcomes if o.passed is None]
        if undecided:
            return Outcome(None, leaves, missing=undecided[0].missing)
        return Outcome(False, leaves, failing=_concat(o.failing for o in outcomes), deciding=outcomes[0].deciding)


class OnlyIf(Node):
    """`child` counts only when `condition` holds; otherwise the branch is ignored."""

    def __init__(self, condition: Condition, child: Node):
        self.condition, self.child = condition, child

    def children(self) -> Sequence[Node]:
        return (self.child,)

    def evaluate(self, context: Context) -> Outcome:
        with context.reading(self.condition.facts, self.condition.parameters):
            check = self.condition.test(context)
        if check.passed is None:
            if not check.missing:
                raise AssertionError(f"condition '{self.condition.name}' is undecided without a missing fact")
            return Outcome(None, missing=check.missing)
        return self.child.evaluate(context) if check.passed else NOT_APPLICABLE


class Requires(Node):
    """`gate` first: when it fails, nothing else is evaluated (e.g. an aid that no longer exists)."""

    def __init__(self, gate: Criterion, child: Node):
        self.gate, self.child = gate, child

    def children(self) -> Sequence[Node]:
        return (self.gate, self.child)

    def evaluate(self, context: Context) -> Outcome:
        outcome = self.gate.evaluate(context)
        if outcome.passed is not True:
            return outcome
        return _all([outcome, self.child.evaluate(context)])


def criteria_of(node: Node) -> List[Criterion]:
    return [n for n in node.walk() if isinstance(n, Criterion)]


def conditions_of(node: Node) -> List[Condition]:
    return [n.condition for n in node.walk() if isinstance(n, OnlyIf)]


def _all(outcomes: List[Outcome]) -> Outcome:
    outcomes = [o for o in outcomes if o.applicable]
    if not outcomes:
        return NOT_APPLICABLE
    leaves = _concat(o.leaves for o in outcomes)
    failed = [o for o in outcomes if o.passed is False]
    if failed:
        return Outcome(False, leaves, failing=_concat(o.failing for o in failed), deciding=failed[0].deciding)
    undecided = [o for o in outcomes if o.passed is None]
    if undecided:
        return Outcome(None, leaves, missing=_ordered_union(o.missing for o in undecided))
    return Outcome(True, leaves, deciding=_explaining(outcomes))


def _concat(groups: Iterable[Tuple[LeafOutcome, ...]]) -> Tuple[LeafOutcome, ...]:
    return tuple(leaf for group in groups for leaf in group)


def _ordered_union(groups: Iterable[Tuple[str, ...]]) -> Tuple[str, ...]:
    seen: Dict[str, None] = {}
    for group in groups:
        for name in group:
            seen.setdefault(name, None)
    return tuple(seen)


def _explaining(outcomes: List[Outcome]) -> Optional[LeafOutcome]:
    for outcome in outcomes:
        if outcome.deciding and outcome.deciding.criterion.explains:
            return outcome.deciding
    return outcomes[-1].deciding
