"""The benchmark's data: knowledge phrasings (as `make train` generates them), folds, and the training
files each system needs (project format with `metadata: {answer: id}`, or Rasa retrieval intents)."""

import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml
from sklearn.model_selection import StratifiedKFold

from bot.answering.answer_choice import RETRIEVAL_INTENTS
from bot.nlu.training_data import ANSWER_KEY, render_nlu

GENERATED_NAME = "generated_knowledge.yml"


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    answer: str = ""  # knowledge entry or distress situation; "" for other intents

    @property
    def label(self) -> str:
        """What a system must find: `faq/<id>` for retrieval intents, else the intent alone."""
        return f"{self.intent}/{self.answer}" if self.intent in RETRIEVAL_INTENTS and self.answer else self.intent

    @property
    def key(self) -> str:
        return f"{self.intent}/{self.answer}" if self.answer else self.intent


def family(label: str) -> str:
    return label.split("/", 1)[0]


def knowledge_examples(base) -> List[Example]:
    """Every knowledge phrasing, exactly as bot/cli/generate_nlu.py writes it for training."""
    data = yaml.safe_load(render_nlu(base)) or {}
    examples = []
    for block in data.get("nlu") or []:
        answer = str((block.get("metadata") or {}).get(ANSWER_KEY) or "")
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append(Example(line[2:].strip(), block["intent"], answer))
    return examples


def sample(examples: Sequence[Example], per_key: Optional[int], seed: int = 0) -> List[Example]:
    """At most `per_key` examples of each entry (for the smoke run), its first phrasing always among them
    (the edit-live measurement asks it); all of them when None."""
    if not per_key:
        return list(examples)
    by_key: Dict[str, List[Example]] = defaultdict(list)
    for example in examples:
        by_key[example.key].append(example)
    rng = random.Random(seed)
    kept = []
    for key in sorted(by_key):
        first, *others = by_key[key]
        kept += [first] + rng.sample(others, min(per_key - 1, len(others)))
    return kept


def folds(examples: Sequence[Example], k: int, seed: int = 0) -> List[Tuple[List[int], List[int]]]:
    """Stratified k-fold split (by entry), the same for every system."""
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    keys = [example.key for example in examples]
    return [(list(train), list(test)) for train, test in splitter.split(keys, keys)]


def _block(intent: str, texts: Iterable[str], answer: str = "") -> List[str]:
    lines = [f"  - intent: {intent}"]
    if answer:
        lines.append(f"    metadata: {{{ANSWER_KEY}: {answer}}}")
    lines.append("    examples: |")
    lines += [f"      - {' '.join(text.split())}" for text in texts]
    return lines


def _grouped(examples: Sequence[Example], key) -> Dict[str, List[str]]:
    groups: Dict[str, List[str]] = defaultdict(list)
    for example in examples:
        groups[key(example)].append(example.text)
    return dict(sorted(groups.items()))


def project_nlu(examples: Sequence[Example]) -> str:
    """The project's format (intent + `metadata: {answer: id}`), as in data/nlu/generated_knowledge.yml."""
    lines = ['version: "3.1"', "nlu:"]
    for key, texts in _grouped(examples, lambda e: e.key).items():
        intent, _, answer = key.partition("/")
        lines += _block(intent, texts, answer)
    return "\n".join(lines) + "\n"


def retrieval_nlu(examples: Sequence[Example]) -> str:
    """Rasa's own format for a ResponseSelector: `intent: faq/<id>` blocks (retrieval intents)."""
    lines = ['version: "3.1"', "nlu:"]
    for label, texts in _grouped(examples, lambda e: e.label).items():
        lines += _block(label, texts)
    return "\n".join(lines) + "\n"


def retrieval_domain(examples: Sequence[Example]) -> str:
    """A domain declaring the intents and one response per retrieval label (ResponseSelector needs them)."""
    labels = sorted({example.label for example in examples})
    intents = sorted({family(label) for label in labels})
    responses = {f"utter_{label}": [{"text": label}] for label in labels if "/" in label}
    return yaml.safe_dump({"version": "3.1", "intents": intents, "responses": responses}, allow_unicode=True,
                          sort_keys=True)


def extra_nlu_files(data_dir: Path) -> List[Path]:
    """NLU files of data/ other than the generated one (e.g. dialogue intents written by hand)."""
    files = []
    for path in sorted(Path(data_dir).rglob("*.yml")):
        if path.name == GENERATED_NAME:
            continue
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(content, dict) and content.get("nlu"):
            files.append(path)
    return files


def training_data_dir(data_dir: Path, examples: Sequence[Example], out: Path) -> Path:
    """A copy of data/ whose generated file holds `examples` (the whole of `make train`'s input)."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(data_dir, out)
    generated = out / "nlu" / GENERATED_NAME
    generated.parent.mkdir(parents=True, exist_ok=True)
    generated.write_text(project_nlu(examples), encoding="utf-8")
    return out
