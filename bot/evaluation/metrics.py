"""Figures of answer quality from (gold label, decision) pairs, and their Markdown report."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from bot.answering.answer_choice import AnswerChoice

OUT_OF_SCOPE = "hors_sujet"
KNOWLEDGE_INTENTS = ("faq", "chitchat", "hors_sujet", "nlu_fallback")


@dataclass
class ScoredMessage:
    """One test message: its expected entry and what the bot chose for it."""

    text: str
    gold: str  # "faq/<id>", "chitchat/<id>" or "hors_sujet/<id>"
    decision: AnswerChoice
    predicted_intent: str = ""
    top_entry: str = ""  # the selector's first choice, before any threshold
    check_aid: str = ""  # the aid whose personal check the gold entry offers (knowledge `check`)

    @property
    def check_started(self) -> bool:
        """A personal eligibility check started for the aid the expected entry is about."""
        return bool(self.check_aid) and self.predicted_intent == "eligibilite"

    @property
    def gold_intent(self) -> str:
        return self.gold.split("/", 1)[0]

    @property
    def gold_id(self) -> str:
        return self.gold.split("/", 1)[-1]

    @property
    def answered_right(self) -> bool:
        return self.decision.kind == "answer" and self.decision.entry_id == self.gold_id

    @property
    def served_right(self) -> bool:
        """The expected entry answered, or the personal check of its aid started."""
        return self.answered_right or self.check_started

    @property
    def offered_right(self) -> bool:
        return self.decision.kind == "clarify" and self.gold_id in self.decision.entry_ids

    def predicted_out_of_scope(self, intents: Dict[str, str]) -> bool:
        if self.decision.kind == "fallback":
            # A fallback on a knowledge intent is the "I cover X, Y, Z" message; other intents
            # (an eligibility check, an answer to its questions) are not out-of-scope replies.
            return self.predicted_intent in KNOWLEDGE_INTENTS
        return self.decision.kind == "answer" and intents.get(self.decision.entry_id) == OUT_OF_SCOPE


@dataclass
class AnswerQuality:
    """The figures of a test set (`compute`), written out by `to_markdown`."""

    total: int
    in_scope: int
    top1_accuracy: float  # in scope: the selector's first choice is the right entry (NLU accuracy)
    served_accuracy: float  # in scope: right entry answered, or the personal check of its aid started
    answer_accuracy: float  # in-scope examples answered with the right entry
    answer_or_offer: float  # right entry answered or proposed in « Vouliez-vous dire… ? »
    wrong_answers: int  # in-scope examples answered with another entry
    checks_started: int  # in-scope examples that started the personal check of the entry's aid
    oos_precision: float
    oos_recall: float
    per_entry: Dict[str, Tuple[int, int, int]] = field(default_factory=dict)  # id -> (n, right, offered)
    confusions: List[Tuple[str, str, int]] = field(default_factory=list)
    errors: List[Tuple[str, str, str]] = field(default_factory=list)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def compute(outcomes: List[ScoredMessage], intents: Dict[str, str]) -> AnswerQuality:
    """`intents` maps entry id to its intent (faq / chitchat / hors_sujet)."""
    in_scope = [o for o in outcomes if o.gold_intent != OUT_OF_SCOPE]
    oos = [o for o in outcomes if o.gold_intent == OUT_OF_SCOPE]
    per_entry: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0])
    confusions: Counter = Counter()
    errors = []
    for outcome in outcomes:
        row = per_entry[outcome.gold_id]
        row[0] += 1
        row[1] += outcome.served_right
        row[2] += outcome.offered_right
        if outcome.decision.kind == "answer" and not outcome.answered_right:
            confusions[(outcome.gold_id, outcome.decision.entry_id)] += 1
        if not outcome.served_right:
            got = outcome.decision.kind + ":" + ",".join(outcome.decision.entry_ids)
            errors.append((outcome.gold_id, got, outcome.text))
    predicted_oos = [o for o in outcomes if o.predicted_out_of_scope(intents)]
    true_positive = sum(1 for o in predicted_oos if o.gold_intent == OUT_OF_SCOPE)
    oos_hits = sum(1 for o in oos if o.predicted_out_of_scope(intents))
    return AnswerQuality(
        total=len(outcomes),
        in_scope=len(in_scope),
        top1_accuracy=_ratio(sum(o.top_entry == o.gold_id for o in in_scope), len(in_scope)),
        served_accuracy=_ratio(sum(o.served_right for o in in_scope), len(in_scope)),
        answer_accuracy=_ratio(sum(o.answered_right for o in in_scope), len(in_scope)),
        answer_or_offer=_ratio(sum(o.served_right or o.offered_right for o in in_scope), len(in_scope)),
        wrong_answers=sum(1 for o in in_scope if o.decision.kind == "answer" and not o.answered_right),
        checks_started=sum(1 for o in in_scope if o.check_started),
        oos_precision=_ratio(true_positive, len(predicted_oos)),
        oos_recall=_ratio(oos_hits, len(oos)),
        per_entry={k: tuple(v) for k, v in sorted(per_entry.items())},
        confusions=[(a, b, n) for (a, b), n in confusions.most_common()],
        errors=sorted(errors),
    )


def to_markdown(report: AnswerQuality, title: str, command: str, notes: Optional[str] = None) -> str:
    lines = [
        f"# {title}",
        "",
        f"Produced by `{command}`. Test set: `tests/nlu/heldout.yml`, written apart from the training",
        "phrasings of `knowledge/` and never trained on. A message counts as **right** when the bot replies",
        "directly with the expected entry, or, for a personal question about an aid (\"j'ai 24 ans, je peux",
        "avoir Visale ?\"), starts the guided eligibility check of that aid (the entry's `check`); a",
        "« Vouliez-vous dire… ? » does not count.",
        "",
        "| Figure | Value |",
        "|---|---|",
        f"| Test messages | {report.total} ({report.in_scope} in scope, {report.total - report.in_scope} out of scope) |",
        f"| NLU top-1 entry accuracy (in scope, before thresholds) | {report.top1_accuracy:.3f} |",
        f"| **Held-out accuracy** (in scope: right entry answered, or the personal eligibility check of that "
        f"entry's aid started) | **{report.served_accuracy:.3f}** |",
        f"| of which personal checks started | {report.checks_started} |",
        f"| Right FAQ entry answered directly | {report.answer_accuracy:.3f} |",
        f"| Right entry answered or proposed in « Vouliez-vous dire… ? » | {report.answer_or_offer:.3f} |",
        f"| In-scope messages answered with a wrong entry | {report.wrong_answers} |",
        f"| Out-of-scope precision | {report.oos_precision:.3f} |",
        f"| **Out-of-scope recall** | **{report.oos_recall:.3f}** |",
        "",
    ]
    if notes:
        lines += [notes, ""]
    lines += ["## Per entry", "", "| Entry | Messages | Answered right | Accuracy | Right entry proposed |",
              "|---|---|---|---|---|"]
    for entry_id, (n, right, offered) in report.per_entry.items():
        lines.append(f"| {entry_id} | {n} | {right} | {right / n:.2f} | {offered} |")
    lines += ["", "## Confusions (expected → answered)", ""]
    if report.confusions:
        lines += ["| Expected | Answered | Count |", "|---|---|---|"]
        lines += [f"| {a} | {b} | {n} |" for a, b, n in report.confusions]
    else:
        lines.append("None.")
    lines += ["", "## Messages not answered right", "", "| Expected | Bot did | Message |", "|---|---|---|"]
    for gold, got, text in report.errors:
        lines.append(f"| {gold} | {got} | {text.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
