"""Fact-level precision and recall of the situation reader on annotated sets (tests/eligibility/ANNOTATION.md).

A fact read is right when its subject, name and value match an annotated one (numbers within 0.5 for
months and minutes, within 0.01 otherwise; texts compared as commune keys). Precision = right / read;
recall = right / annotated. Both are given overall and per fact, with the messages that fail.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.situation.geography import key as commune_key
from bot.situation.vocabulary import FACTS

TOLERANT = {"anciennete_emploi_mois", "mois_depuis_entree_logement", "duree_contrat_mois", "ecart_bail_contrat_mois",
            "duree_trajet_min"}


def same_value(name: str, expected, got) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got or expected == got and type(expected) is type(got)
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return abs(expected - got) <= (0.5 if name in TOLERANT else 0.01)
    if FACTS.get(name) is not None and FACTS[name].type == "text" and isinstance(got, str):
        return commune_key(str(expected)) == commune_key(got)
    return expected == got


@dataclass
class FactScore:
    read: int = 0
    right: int = 0
    annotated: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.read if self.read else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.annotated if self.annotated else 1.0


@dataclass
class ExtractionReport:
    name: str
    messages: int = 0
    overall: FactScore = field(default_factory=FactScore)
    per_fact: Dict[str, FactScore] = field(default_factory=lambda: defaultdict(FactScore))
    wrong: List[Tuple[str, str, object, object]] = field(default_factory=list)     # text, subject.fact, got, expected
    missed: List[Tuple[str, str, object]] = field(default_factory=list)


def flatten(facts: Dict[str, Dict[str, object]]) -> Dict[Tuple[str, str], object]:
    return {(subject, name): value for subject, values in (facts or {}).items() for name, value in (values or {}).items()}


def load_set(path: Path) -> Tuple[dt.date, List[dict]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    day = data.get("reference_date")
    day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    return day, data["messages"]


def score(name: str, messages: List[dict], read) -> ExtractionReport:
    """`read(text, channel) -> {subject: {fact: value}}` is the reader under test."""
    report = ExtractionReport(name, len(messages))
    for message in messages:
        expected = flatten(message.get("facts") or {})
        got = flatten(read(message["text"], message.get("channel", "public")))
        for key_, value in got.items():
            fact = key_[1]
            report.per_fact[fact].read += 1
            report.overall.read += 1
            if key_ in expected and same_value(fact, expected[key_], value):
                report.per_fact[fact].right += 1
                report.overall.right += 1
            else:
                report.wrong.append((message["text"], ".".join(key_), value, expected.get(key_)))
        for key_, value in expected.items():
            report.per_fact[key_[1]].annotated += 1
            report.overall.annotated += 1
            if key_ not in got:
                report.missed.append((message["text"], ".".join(key_), value))
    return report


def to_markdown(reports: List[ExtractionReport], with_failures: bool = False) -> str:
    lines = ["## Facts read from messages", "",
             "Fact-level precision and recall of the situation reader (`bot/situation/reader.py`) on sets "
             "annotated apart from the code (tests/eligibility/ANNOTATION.md). Targets: precision ≥ 0.98, "
             "recall ≥ 0.90.", "",
             "| Set | Messages | Facts annotated | Facts read | Precision | Recall |", "|---|---|---|---|---|---|"]
    for r in reports:
        lines.append(f"| `{r.name}` | {r.messages} | {r.overall.annotated} | {r.overall.read} | "
                     f"**{r.overall.precision:.3f}** | **{r.overall.recall:.3f}** |")
    lines += ["", "Per fact (" + ", ".join(f"`{r.name}`" for r in reports) + "): precision / recall (annotated).", "",
              "| Fact | " + " | ".join(r.name.split("/")[-1] for r in reports) + " |",
              "|---|" + "---|" * len(reports)]
    names = sorted({n for r in reports for n in r.per_fact})
    for n in names:
        cells = []
        for r in reports:
            s = r.per_fact.get(n)
            cells.append(f"{s.precision:.2f} / {s.recall:.2f} ({s.annotated})" if s else "")
        lines.append(f"| `{n}` | " + " | ".join(cells) + " |")
    lines.append("")
    if with_failures:
        for r in reports:
            if r.wrong:
                lines += [f"Wrong facts in `{r.name}`:", ""]
                lines += [f"- « {t} »: {k} = {g!r} (annotated {e!r})" for t, k, g, e in r.wrong] + [""]
    return "\n".join(lines)
