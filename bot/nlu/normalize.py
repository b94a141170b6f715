"""Normalise user text before understanding: SMS abbreviations and spelling variants (from knowledge/lexique.yml).

Matching is whole-word, case- and accent-insensitive; only matched words are replaced, the rest of
the message is kept as typed. Longer variants win over shorter ones ("al in" before "al").
"""

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Iterable, List, Tuple

_WORD_CHARS = r"\w'’-"
_BEFORE_WORD = r"\w-"  # a word may follow an elided article: "l'alin" -> "l'AL'in"


def strip_accents(text: str) -> str:
    """`text` without its accents (« Éligibilité » -> « Eligibilite »), case and everything else kept."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lowered = (strip_accents(char) or char).lower()
    return lowered if len(lowered) == 1 else char


def fold(text: str) -> str:
    """Lower-case, accent-free copy of `text` with exactly the same length (the project's one way of
    comparing words whatever their case and accents). Each character is folded once per process."""
    return "".join(map(_fold_char, text))


class TextNormalizer:
    """Replace known abbreviations and variant spellings by their standard form."""

    def __init__(self, abbreviations: Dict[str, str], variants: Dict[str, Iterable[str]]):
        table: Dict[str, str] = {}
        for short, full in abbreviations.items():
            table[fold(short.strip())] = full
        for canonical, spellings in variants.items():
            for spelling in spellings:
                key = fold(str(spelling).strip())
                if key and key != fold(canonical):
                    table[key] = canonical
        self.table = table
        self._pattern = None
        if table:
            alternatives = sorted(table, key=len, reverse=True)
            body = "|".join(re.escape(alt).replace(r"\ ", r"\s+") for alt in alternatives)
            self._pattern = re.compile(rf"(?<![{_BEFORE_WORD}])(?:{body})(?![{_WORD_CHARS}])")

    @classmethod
    def from_lexicon(cls, lexicon) -> "TextNormalizer":
        return cls(lexicon.abreviations, lexicon.variantes)

    def replacements(self, text: str) -> List[Tuple[int, int, str]]:
        if self._pattern is None:
            return []
        folded = fold(text)
        result = []
        for match in self._pattern.finditer(folded):
            key = re.sub(r"\s+", " ", match.group(0))
            result.append((match.start(), match.end(), self.table[key]))
        return result

    def normalize(self, text: str) -> str:
        pieces, last = [], 0
        for start, end, replacement in self.replacements(text):
            pieces.append(text[last:start])
            pieces.append(replacement)
            last = end
        pieces.append(text[last:])
        return "".join(pieces)
