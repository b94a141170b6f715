"""The trained half of distress detection: is this message one of the distress situations, or ordinary?

A linear model (TF-IDF of characters and words, logistic regression, like the entry selector) with
one class per situation and one class for everything else. "Everything else" is every phrasing the
bot is trained on that is not distress (FAQ, eligibility answers, chitchat, out of scope) plus the
`ordinaires` of knowledge/detresse.yml: ordinary messages that share words with distress. Trained
against what users actually send, the model learns that « je veux vérifier si je suis éligible » is
a request, not a cry for help.
"""

from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.selector import LinearSelector

ORDINARY = "__ordinaire__"


def urgent(message: dict) -> bool:
    """Annotated as urgent now (eviction date, cut-off, nowhere to sleep): not an ordinary message."""
    return any((facts or {}).get("urgence") is True for facts in (message.get("facts") or {}).values()
               if isinstance(facts, dict))


def ordinary_situations(path: Path) -> List[str]:
    """The annotated situation descriptions of a file (`messages: - text: … facts: …`), urgent ones left out."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [m["text"] for m in data.get("messages") or [] if m.get("text") and not urgent(m)]


class DistressClassifier:
    def __init__(self, c: float = 30.0):
        self._model = LinearSelector(c=c, class_weight="balanced")

    def fit(self, distress: Iterable[Tuple[str, str]], ordinary: Iterable[str]) -> "DistressClassifier":
        """`distress`: (text, situation id) pairs; `ordinary`: texts that are not distress."""
        pairs: List[Tuple[str, str]] = [(text, situation) for text, situation in distress]
        pairs += [(text, ORDINARY) for text in ordinary]
        if not any(label != ORDINARY for _, label in pairs) or not any(label == ORDINARY for _, label in pairs):
            raise ValueError("the distress classifier needs distress phrasings and ordinary ones")
        self._model.fit([text for text, _ in pairs], [label for _, label in pairs])
        return self

    def score(self, text: str) -> Tuple[float, Optional[str]]:
        """(probability that the message is a distress situation, the likeliest situation)."""
        ranking = self._model.rank(text, top=len(self._model.labels))
        situations = [(label, p) for label, p in ranking if label != ORDINARY]
        if not situations:
            return 0.0, None
        return sum(p for _, p in situations), situations[0][0]

    @property
    def situations(self) -> Sequence[str]:
        return [label for label in self._model.labels if label != ORDINARY]
