"""Distress detection measured at the decision the user sees: is the message answered as distress?

Two kinds of sets:
- **distress sets** (`distress:` items with a `situation`): recall, and whether the right situation
  (the right numbers) was chosen;
- **ordinary sets** (texts that are not distress): false alarms. They include every in-scope
  phrasing a user may send (the knowledge entries' questions, the eligibility examples, the held-out
  and follow-up sets, the extraction sets, the personas' openings) and the near-miss sets written
  to share words with distress.

A parse counts as distress when its intent is `detresse`: that is what sends the message to
`action_distress` (data/rules/distress.yml).
"""

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

from bot.evaluation.dataset import read_examples
from bot.safety.classifier import urgent

DISTRESS_INTENT = "detresse"
SITUATION_ENTITY = "situation_detresse"


def situation_of(parse: dict) -> str:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == SITUATION_ENTITY:
            return entity.get("value") or ""
    return ""


def is_distress(parse: dict) -> bool:
    return (parse.get("intent") or {}).get("name") == DISTRESS_INTENT


@dataclass
class SetScore:
    """One set's figures; `kind` is "distress" (recall) or "ordinaire" (false alarms)."""

    name: str
    kind: str
    role: str
    total: int = 0
    hits: int = 0                    # distress: detected; ordinary: false alarms
    right_situation: int = 0
    failures: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else (1.0 if self.kind == "distress" else 0.0)


# --- reading the sets --------------------------------------------------------------------------------

def read_distress_items(path: Path) -> Tuple[List[Tuple[str, str]], List[str]]:
    """(distress (text, situation) pairs, near-miss texts) of a file with `distress:` / `near_misses:`."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    distress = [(item["text"], item["situation"]) for item in data.get("distress") or []]
    near = [item if isinstance(item, str) else item["text"] for item in data.get("near_misses") or []]
    return distress, near


def knowledge_phrasings(base) -> List[str]:
    return [question for entry in base.entries.values() for question in entry.questions]


def nlu_examples(pattern: str, intents: Sequence[str]) -> List[str]:
    texts = []
    for path in sorted(glob.glob(pattern)):
        texts += [text for text, label in read_examples(Path(path)) if label.split("/")[0] in intents]
    return texts


def texts_of(path: Path, extract: Callable[[dict], List[str]]) -> List[str]:
    path = Path(path)
    return extract(yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else []


def _messages(data: dict) -> List[str]:
    return [m["text"] for m in data.get("messages") or [] if not urgent(m)]


def _turns(data: dict) -> List[str]:
    return [turn for c in data.get("conversations") or [] for turn in c.get("turns") or []]


def _openings(data: dict) -> List[str]:
    return [p["opening"] for p in data.get("personas") or [] if p.get("opening")]


def ordinary_sets(base, root: Path = Path(".")) -> Dict[str, Tuple[str, List[str]]]:
    """name -> (role, texts) of every set of ordinary messages the project has."""
    tests = root / "tests"
    sets = {
        "knowledge/ (questions des fiches)": ("en périmètre", knowledge_phrasings(base)),
        "data/nlu/eligibilite.yml": ("en périmètre", nlu_examples(str(root / "data/nlu/eligibilite.yml"),
                                                                   ("eligibilite", "informer"))),
        "tests/nlu/heldout.yml": ("en périmètre, jamais entraîné", [t for t, _ in read_examples(tests / "nlu/heldout.yml")]),
        "tests/nlu/followups.yml": ("en périmètre, jamais entraîné", texts_of(tests / "nlu/followups.yml", _turns)),
        "tests/eligibility/extraction_heldout.yml": ("en périmètre, jamais entraîné",
                                                     texts_of(tests / "eligibility/extraction_heldout.yml", _messages)),
        "tests/personas (ouvertures)": ("en périmètre, jamais entraîné",
                                        texts_of(tests / "personas/personas.yml", _openings)
                                        + texts_of(tests / "personas/screening.yml", _openings)),
        "tests/safety/near_miss.yml": ("quasi-détresse, mise au point", read_distress_items(tests / "safety/near_miss.yml")[1]
                                       if (tests / "safety/near_miss.yml").is_file() else []),
    }
    return {name: value for name, value in sets.items() if value[1]}


# --- scoring ---------------------------------------------------------------------------------------------

def score_distress(name: str, role: str, items: Sequence[Tuple[str, str]], parses: Sequence[dict]) -> SetScore:
    score = SetScore(name, "distress", role, total=len(items))
    for (text, expected), parse in zip(items, parses):
        if is_distress(parse):
            score.hits += 1
            if situation_of(parse) == expected:
                score.right_situation += 1
        else:
            score.failures.append((text, (parse.get("intent") or {}).get("name") or ""))
    return score


def score_ordinary(name: str, role: str, texts: Sequence[str], parses: Sequence[dict]) -> SetScore:
    score = SetScore(name, "ordinaire", role, total=len(texts))
    for text, parse in zip(texts, parses):
        if is_distress(parse):
            score.hits += 1
            score.failures.append((text, situation_of(parse)))
    return score


def to_markdown(scores: Sequence[SetScore]) -> str:
    lines = ["## Distress and emergencies", "",
             "Measured at the decision the user sees (the message is answered by `action_distress` or not).", "",
             "| Set | Role | Messages | Recall / false alarms | Right situation |", "|---|---|---|---|---|"]
    for s in scores:
        figure = (f"recall **{s.rate:.3f}** ({s.hits}/{s.total})" if s.kind == "distress"
                  else f"false alarms **{s.rate:.3f}** ({s.hits}/{s.total})")
        right = f"{s.right_situation}/{s.total}" if s.kind == "distress" else ""
        lines.append(f"| `{s.name}` | {s.role} | {s.total} | {figure} | {right} |")
    lines.append("")
    for s in scores:
        if s.failures:
            label = "Missed" if s.kind == "distress" else "False alarms"
            lines += [f"{label} in `{s.name}`:", ""]
            lines += [f"- « {text} » ({what or '—'})" for text, what in s.failures] + [""]
    return "\n".join(lines)
