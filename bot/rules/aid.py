"""What an aid module declares: its criteria tree and, optionally, an amount or a lead time."""

from dataclasses import dataclass, field
from typing import Callable, FrozenSet, List, Mapping, Optional, Tuple

from bot.rules.decision import Quantity
from bot.rules.logic import Context, Criterion, Node, conditions_of, criteria_of

Info = Callable[..., str]  # info(key, **values): an `infos` text of the aid's YAML, filled in


@dataclass(frozen=True)
class Extras:
    """What completes a verdict besides the criteria."""

    amount: Optional[Quantity] = None
    lead_time: Optional[Quantity] = None
    refining: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()    # texts that complete the verdict (a first step, a disagreement of sources)


def no_extras(context: Context, status: str, info: Info) -> Extras:
    return Extras()


@dataclass(frozen=True)
class AidRules:
    """The rules of one aid.

    `infos` maps each extra text the code fills (knowledge/eligibilite/<aid>.yml, `infos:`) to the
    placeholders it may use. `extras(context, status, info)` reads only `extra_facts` and
    `extra_parameters`.
    """

    aid: str
    tree: Node
    infos: Mapping[str, FrozenSet[str]] = field(default_factory=dict)
    extras: Callable[[Context, str, Info], Extras] = no_extras
    extra_facts: Tuple[str, ...] = ()
    extra_parameters: Tuple[str, ...] = ()

    def criteria(self) -> List[Criterion]:
        return criteria_of(self.tree)

    def facts(self) -> List[str]:
        """Every fact these rules may read."""
        names = [name for c in self.criteria() for name in c.facts]
        names += [name for c in conditions_of(self.tree) for name in c.facts]
        return list(dict.fromkeys(names + list(self.extra_facts)))

    def parameters(self) -> List[str]:
        """Every parameter these rules may read."""
        names = [name for c in self.criteria() for name in c.parameters]
        names += [name for c in conditions_of(self.tree) for name in c.parameters]
        return list(dict.fromkeys(names + list(self.extra_parameters)))

