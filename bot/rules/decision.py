"""What an eligibility evaluation returns: plain dataclasses, no logic and no text of their own."""

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, List, Optional, Tuple

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "non_eligible"
UNDETERMINED = "indetermine"
STATUSES = (ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED)


@dataclass(frozen=True)
class Source:
    """A reference shown with a verdict: a web page (`url`) or an internal document (`seed`)."""

    title: str
    url: Optional[str] = None
    seed: Optional[str] = None


@dataclass(frozen=True)
class CriterionResult:
    """One rule of an aid, applied to the user's situation.

    `passed` is None while the facts it needs are missing. `value` is the user's raw value,
    `value_fr` how it is shown (None when it cannot be shown yet).
    """

    key: str
    rule_fr: str
    value: Any
    value_fr: Optional[str]
    passed: Optional[bool]
    parameters: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Quantity:
    """An amount or a lead time: a range, and the computed value when the facts allow it."""

    minimum: Optional[float]
    maximum: Optional[float]
    unit: str
    text_fr: str
    value: Optional[float] = None


@dataclass(frozen=True)
class EligibilityDecision:
    """The indicative verdict on one aid for one situation at one date.

    - `missing`: facts that can still change the verdict, in the order a conversation should ask
      them (the first one is the next question; answering it may reveal another one).
    - `refining`: facts that do not change the verdict but complete the answer (e.g. whether the
      situation is urgent, for the support service's lead time); asked after `missing`.
    - `failing`: keys of the criteria that make the verdict negative.
    - `deciding`: the failing criterion, or the one that made the verdict positive.
    """

    aid: str
    aid_name_fr: str
    on: dt.date
    status: str
    summary_fr: str
    disclaimer_fr: str
    criteria: List[CriterionResult] = field(default_factory=list)
    deciding: Optional[CriterionResult] = None
    failing: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    refining: List[str] = field(default_factory=list)
    next_steps_fr: List[str] = field(default_factory=list)
    notes_fr: List[str] = field(default_factory=list)
    not_met_fr: List[str] = field(default_factory=list)      # every condition that could have opened the aid, failed
    would_change_fr: List[str] = field(default_factory=list)  # « avec un revenu net de 1 710 € ou moins… »
    reviewed_fr: str = ""
    alternatives_fr: List[str] = field(default_factory=list)
    sources: List[Source] = field(default_factory=list)
    amount: Optional[Quantity] = None
    lead_time: Optional[Quantity] = None
    indicative: bool = True

    @property
    def decided(self) -> bool:
        return self.status != UNDETERMINED

    @property
    def next_fact(self) -> Optional[str]:
        """The fact to ask next: a missing one first, then one that refines the answer."""
        pending = self.missing or self.refining
        return pending[0] if pending else None

    def as_dict(self) -> dict:
        """JSON-friendly form (dates as ISO strings), e.g. for a tracker slot or a log."""
        data = asdict(self)
        data["on"] = self.on.isoformat()
        return data
