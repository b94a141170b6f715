"""A `Situation`: what the conversation knows about the person, kept for the whole conversation.

Facts are stored under the rules' names (`age`, `age_conjoint`, `loyer_charges_comprises`…), each
with its value, where it came from (`dit` in free text, `repondu` to a question, `corrige`,
`confirme`, `deduit` from another fact) and how sure the reading is. A fact read with low confidence
is not used by the rules until the person confirms it. A fact the person says they do not know is
kept as unknown, so it is not asked again.

The situation survives digressions and switching from one aid to another; « Nouvelle situation »
clears it. It is stored in one Rasa slot as plain JSON (`as_dict` / `from_dict`).
"""

from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.situation.vocabulary import UNKNOWN, rule_name, situated

STATED, ANSWERED, CORRECTED, CONFIRMED, DERIVED = "dit", "repondu", "corrige", "confirme", "deduit"
SURE = 1.0
TO_CONFIRM_BELOW = 0.9
# Facts of the situation that the rules do not read (they only lead to other facts or to wording).
NOT_FOR_RULES = frozenset({"en_couple", "commune_precedente", "ile_de_france", "zone_approximative"})


@dataclass(frozen=True)
class Fact:
    value: Any
    source: str = STATED
    confidence: float = SURE

    @property
    def unknown(self) -> bool:
        return self.value == UNKNOWN

    @property
    def usable(self) -> bool:
        return not self.unknown and self.confidence >= TO_CONFIRM_BELOW


@dataclass
class Situation:
    facts: Dict[str, Fact] = field(default_factory=dict)
    third_person: bool = False           # a CCAS agent describes someone else

    # -- reading -------------------------------------------------------------------------------------

    def rule_facts(self) -> Dict[str, Any]:
        """The facts the rules may use: known, and confirmed when they were read with low confidence."""
        return {name: fact.value for name, fact in self.facts.items() if fact.usable and name not in NOT_FOR_RULES}

    def unknown(self) -> List[str]:
        return [name for name, fact in self.facts.items() if fact.unknown]

    def to_confirm(self) -> List[str]:
        return [name for name, fact in self.facts.items() if not fact.unknown and not fact.usable]

    def knows(self, name: str) -> bool:
        """Known or declared unknown: in both cases the question is not asked again."""
        return name in self.facts and (self.facts[name].usable or self.facts[name].unknown)

    def get(self, name: str) -> Optional[Any]:
        fact = self.facts.get(name)
        return fact.value if fact is not None and fact.usable else None

    # -- changing -----------------------------------------------------------------------------------

    def with_fact(self, name: str, value: Any, source: str = STATED, confidence: float = SURE) -> "Situation":
        """A copy with one fact set. A weak reading never replaces what the person said or confirmed."""
        current = self.facts.get(name)
        if current is not None and confidence < current.confidence and current.source != DERIVED:
            return self
        facts = dict(self.facts)
        facts[name] = Fact(value, source, confidence)
        return replace(self, facts=facts)

    def with_facts(self, items: Iterable[tuple], source: str = STATED) -> "Situation":
        situation = self
        for name, value, confidence in items:
            situation = situation.with_fact(name, value, source, confidence)
        return situation

    def confirmed(self, name: str) -> "Situation":
        fact = self.facts.get(name)
        if fact is None:
            return self
        return self.with_fact(name, fact.value, CONFIRMED, SURE)

    def without(self, *names: str) -> "Situation":
        return replace(self, facts={k: v for k, v in self.facts.items() if k not in names})

    # -- storage ------------------------------------------------------------------------------------

    def as_dict(self) -> dict:
        return {"faits": {name: {"valeur": f.value, "origine": f.source, "confiance": f.confidence}
                          for name, f in sorted(self.facts.items())},
                "tiers": self.third_person}

    @classmethod
    def from_dict(cls, data: Optional[Mapping]) -> "Situation":
        if not isinstance(data, Mapping):
            return cls()
        facts = {}
        for name, item in (data.get("faits") or {}).items():
            if isinstance(item, Mapping) and "valeur" in item:
                facts[name] = Fact(item["valeur"], item.get("origine", STATED), float(item.get("confiance", SURE)))
        return cls(facts, bool(data.get("tiers")))


def from_reading(situation: Situation, reading, catalogue, derive) -> Situation:
    """Merge the facts a message states (bot.situation.reader.Reading) into the situation.

    `catalogue.validate(name, raw)` checks each value; `derive(situation)` adds what other facts
    imply (the zone from the commune). A fact the catalogue refuses is dropped: a wrong fact is
    worse than a missing one.
    """
    for read in reading.facts:
        name = rule_name(read.subject, read.name)
        if name is None:
            continue
        if read.value == UNKNOWN:
            situation = situation.with_fact(name, UNKNOWN, STATED, SURE)
            continue
        if name not in catalogue:
            situation = situation.with_fact(name, read.value, STATED, read.confidence)
            continue
        value, error = catalogue.validate(name, read.value)
        if error is None:
            situation = situation.with_fact(name, value, STATED, read.confidence)
    if reading.third_person:
        situation = replace(situation, third_person=True)
    return derive(situation)


__all__ = ["Fact", "Situation", "from_reading", "situated", "STATED", "ANSWERED", "CORRECTED", "CONFIRMED",
           "DERIVED"]
