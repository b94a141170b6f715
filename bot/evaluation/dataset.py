"""Read a Rasa NLU test file (`intent: faq/<id>` blocks) into (text, label) pairs."""

import re
from pathlib import Path
from typing import List, Tuple

import yaml

_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def read_examples(path: Path) -> List[Tuple[str, str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    examples = []
    for block in data.get("nlu") or []:
        label = block.get("intent")
        if not label:
            continue
        for line in (block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:].strip())
                examples.append((text, label))
    return examples
