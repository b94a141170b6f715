"""Strong-cue detection of distress situations (knowledge/detresse.yml `cues`).

A cue is a word or phrase matched as whole words, case- and accent-insensitive ("dormir dehors"),
or several parts joined by " + " that must all appear in the message ("expulsion + demain").
The classifier trained on the situations' phrasings catches what the cues miss; both are combined
by the NLU component `DistressGuard`.
"""

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from bot.nlu.normalize import fold


@dataclass(frozen=True)
class DistressMatch:
    situation: str
    cue: str


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = [re.escape(w) for w in re.findall(r"[\w']+", fold(phrase).replace("’", "'"))]
    return re.compile(r"(?<![\w])" + r"[\s\-']*".join(words) + r"(?![\w])")


def _cue_patterns(cue: str) -> List[re.Pattern]:
    return [_phrase_pattern(part) for part in (p.strip() for p in cue.split("+")) if part]


class DistressDetector:
    """Finds the first situation (in file order) whose cue appears in a message.

    `not_if` phrases cancel a situation's cues when they appear too ("à la rue de la Paix" is an
    address, "me tuer à la tâche" an idiom); the trained classifier still sees such messages.
    """

    def __init__(self, cues_by_situation: Dict[str, Iterable[str]],
                 not_if_by_situation: Optional[Dict[str, Iterable[str]]] = None):
        not_if_by_situation = not_if_by_situation or {}
        self._rules: List[Tuple[str, str, List[re.Pattern]]] = []
        self._exceptions: Dict[str, List[List[re.Pattern]]] = {}
        for situation, cues in cues_by_situation.items():
            for cue in cues:
                patterns = _cue_patterns(cue)
                if patterns:
                    self._rules.append((situation, cue, patterns))
            self._exceptions[situation] = [p for p in map(_cue_patterns, not_if_by_situation.get(situation, ())) if p]

    @classmethod
    def from_situations(cls, situations) -> "DistressDetector":
        return cls({s.id: s.cues for s in situations}, {s.id: s.not_if for s in situations})

    def detect(self, text: str) -> Optional[DistressMatch]:
        folded = fold(text or "").replace("’", "'")
        for situation, cue, patterns in self._rules:
            if all(pattern.search(folded) for pattern in patterns) and not any(
                    all(p.search(folded) for p in exception) for exception in self._exceptions[situation]):
                return DistressMatch(situation, cue)
        return None
