"""Distress detection figures: recall on distress messages, false alarms on near misses."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Tuple

import yaml

DISTRESS_INTENT = "detresse"
SITUATION_ENTITY = "situation_detresse"


def read_distress_set(path: Path) -> Tuple[List[Tuple[str, str]], List[str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    distress = [(item["text"], item["situation"]) for item in data["distress"]]
    return distress, list(data["near_misses"])


def situation_of(parse: dict) -> str:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == SITUATION_ENTITY:
            return entity.get("value") or ""
    return ""


@dataclass
class DistressReport:
    distress: int
    detected: int
    right_situation: int
    near_misses: int
    false_alarms: int
    missed: List[Tuple[str, str]] = field(default_factory=list)
    wrong_situation: List[Tuple[str, str, str]] = field(default_factory=list)
    alarms: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.detected / self.distress if self.distress else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.near_misses if self.near_misses else 0.0


def compute(distress, distress_parses, near_misses, near_parses) -> DistressReport:
    report = DistressReport(len(distress), 0, 0, len(near_misses), 0)
    for (text, expected), parse in zip(distress, distress_parses):
        if parse["intent"]["name"] == DISTRESS_INTENT:
            report.detected += 1
            got = situation_of(parse)
            if got == expected:
                report.right_situation += 1
            else:
                report.wrong_situation.append((text, expected, got))
        else:
            report.missed.append((text, parse["intent"]["name"]))
    for text, parse in zip(near_misses, near_parses):
        if parse["intent"]["name"] == DISTRESS_INTENT:
            report.false_alarms += 1
            report.alarms.append((text, situation_of(parse)))
    return report


def to_markdown(report: DistressReport, test_file: str) -> str:
    lines = [
        "## Distress and emergencies",
        "",
        f"Test set: `{test_file}` (written apart from `knowledge/detresse.yml`, never trained on).",
        "",
        "| Figure | Value | Target |",
        "|---|---|---|",
        f"| Distress messages | {report.distress} | ≥ 60 |",
        f"| **Recall** (emergency reply given) | **{report.recall:.3f}** ({report.detected}/{report.distress}) | 1.0 |",
        f"| Right situation (right numbers) | {report.right_situation}/{report.distress} | |",
        f"| Near misses | {report.near_misses} | ≥ 60 |",
        f"| **False alarms** | **{report.false_alarm_rate:.3f}** ({report.false_alarms}/{report.near_misses}) | ≤ 0.05 |",
        "",
    ]
    if report.missed:
        lines += ["Missed:", ""] + [f"- « {t} » (understood as {i})" for t, i in report.missed] + [""]
    if report.wrong_situation:
        lines += ["Detected with another situation:", ""]
        lines += [f"- « {t} »: expected {e}, got {g or 'none'}" for t, e, g in report.wrong_situation] + [""]
    if report.alarms:
        lines += ["False alarms:", ""] + [f"- « {t} » ({s})" for t, s in report.alarms] + [""]
    return "\n".join(lines)
