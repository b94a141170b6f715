"""SMS budget: what the bot's answers cost by SMS, in segments, against the targets of issue 17.

Targets: 90 % of the answers in at most SMS_BUDGET_SEGMENTS (3) segments, none over SMS_MAX_SEGMENTS (6).
The texts are worded as the Twilio channel sends them (bot/channels/sms.py `turn_text`), buttons included.
"""

import math
from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence

from bot.channels.sms import SMS_BUDGET_SEGMENTS, SMS_MAX_SEGMENTS, is_gsm, segments

BUDGET_SHARE = 0.9  # of the answers within SMS_BUDGET_SEGMENTS


@dataclass(frozen=True)
class Budget:
    name: str
    counts: Dict[str, int]  # segments by text id
    ucs2: List[str]  # ids of the texts that still need UCS-2

    def percentile(self, share: float) -> int:
        """Nearest-rank percentile of the segment counts."""
        ordered = sorted(self.counts.values())
        return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]

    @property
    def within_budget(self) -> float:
        return sum(c <= SMS_BUDGET_SEGMENTS for c in self.counts.values()) / len(self.counts)

    @property
    def worst(self) -> List[str]:
        top = max(self.counts.values())
        return sorted(i for i, c in self.counts.items() if c == top)

    @property
    def met(self) -> bool:
        return self.within_budget >= BUDGET_SHARE and max(self.counts.values()) <= SMS_MAX_SEGMENTS


def measure(name: str, texts: Mapping[str, str]) -> Budget:
    if not texts:
        raise ValueError(f"{name} : aucun texte à mesurer")
    return Budget(name, {i: segments(t) for i, t in texts.items()}, sorted(i for i, t in texts.items() if not is_gsm(t)))


def section(budgets: Sequence[Budget]) -> str:
    """The Markdown section of docs/quality.md."""
    lines = ["", "## SMS: segments per answer", "",
             "Every FAQ entry (applicant answer) and every verdict text reached by the applicant personas, worded as "
             "the Twilio channel sends them by SMS (bot/channels/sms.py: the entry's `sms` text, one short source "
             "link, GSM-7 characters, numbered choices). One segment: 160 GSM-7 characters, 153 in a longer message. "
             f"Targets: {BUDGET_SHARE:.0%} of the answers in ≤ {SMS_BUDGET_SEGMENTS} segments, none over "
             f"{SMS_MAX_SEGMENTS}. Run by `make quality` (`python -m tests.channels.sms_budget`).", "",
             f"| Texts | Count | p50 | p90 | max | ≤ {SMS_BUDGET_SEGMENTS} segments | Still UCS-2 | Longest | Target met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for budget in budgets:
        longest = ", ".join(f"`{i}`" for i in budget.worst[:3]) + (" …" if len(budget.worst) > 3 else "")
        lines.append(f"| {budget.name} | {len(budget.counts)} | {budget.percentile(0.5)} | {budget.percentile(0.9)} | "
                     f"{max(budget.counts.values())} | {budget.within_budget:.0%} | {len(budget.ucs2)} | {longest} | "
                     f"{'yes' if budget.met else '**no**'} |")
    return "\n".join(lines) + "\n"
