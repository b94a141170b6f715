"""What an aid's rules are once its YAML is read: its criteria tree and, optionally, what completes a verdict."""

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
class AidExtras:
    """A registered `complements` function (bot/rules/functions/), with what it reads and the texts it fills.

    `infos` maps each text it fills (`infos:` of the aid's YAML) to the placeholders it may use;
    `compute(context, status, info)` reads only `facts` and `parameters`.
    """

    compute: Callable[[Context, str, Info], Extras]
    infos: Mapping[str, FrozenSet[str]] = field(default_factory=dict)
    facts: Tuple[str, ...] = ()
    parameters: Tuple[str, ...] = ()


@dataclass(frozen=True)
class AidRules:
    """The rules of one aid, built from knowledge/eligibilite/<aid>.yml (`regles`, `complements`)."""

    aid: str
    tree: Node
    infos: Mapping[str, FrozenSet[str]] = field(default_factory=dict)
    extras: Callable[[Context, str, Info], Extras] = no_extras
    extra_facts: Tuple[str, ...] = ()
    extra_parameters: Tuple[str, ...] = ()

    @classmethod
    def of(cls, aid: str, tree: Node, extras: Optional[AidExtras] = None) -> "AidRules":
        if extras is None:
            return cls(aid=aid, tree=tree)
        return cls(aid=aid, tree=tree, infos=dict(extras.infos), extras=extras.compute,
                   extra_facts=tuple(extras.facts), extra_parameters=tuple(extras.parameters))

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
