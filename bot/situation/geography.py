"""Communes, and the Visale zone of a dwelling (knowledge/donnees/communes.csv).

The file lists every commune with its département and its APL zone (from openfisca-france's
`assets/apl/20110914_zonage.csv`, tools/import_communes.py). Since 6 January 2026 Visale has three
zones: Île-de-France; « agglomérations de plus de 100 000 habitants, Corse, DROM, Saint-Martin »;
other communes. No official list of those agglomerations is published in a form the bot can ship, so,
like openfisca-france's pull request #2739, the APL zones 1 and 2 outside Île-de-France stand for the
agglomerations; Corse, the DROM and Saint-Martin are in the second zone whatever their size. The zone
found this way is marked `approximate` and verdicts say so when it decides.
"""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.situation.lexicon import plain

FILE = "donnees/communes.csv"
ILE_DE_FRANCE = ("75", "77", "78", "91", "92", "93", "94", "95")
ISLANDS = ("2A", "2B", "971", "972", "973", "974", "976")
SAINT_MARTIN = "97801"
IDF, AGGLOMERATION, OTHER = "ile_de_france", "grande_agglomeration", "autre_commune"


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    department: str
    apl_zone: str


def key(name: str) -> str:
    """A commune name as compared: folded, « saint »/« st » and separators unified."""
    folded = plain(name)
    folded = re.sub(r"\bste?\b\.?", lambda m: "sainte" if m.group(0).startswith("ste") else "saint", folded)
    folded = re.sub(r"[\s\-']+", " ", folded)
    return re.sub(r"^(le|la|les|l) ", "", folded).strip()


class Communes:
    def __init__(self, communes: List[Commune]):
        self.by_key: Dict[str, List[Commune]] = {}
        for commune in communes:
            self.by_key.setdefault(key(commune.name), []).append(commune)
        self.by_code = {c.code: c for c in communes}
        self.longest = max((len(k.split()) for k in self.by_key), default=1)

    @classmethod
    def load(cls, knowledge: Path) -> "Communes":
        with (Path(knowledge) / FILE).open(encoding="utf-8") as handle:
            rows = csv.DictReader(handle)
            return cls([Commune(r["code_insee"], r["nom"], r["departement"], r["zone_apl"]) for r in rows])

    def find(self, name: str) -> List[Commune]:
        return self.by_key.get(key(name), [])

    def zone(self, name: str) -> Tuple[Optional[str], bool]:
        """(Visale zone, approximate?) of a commune name; (None, False) if unknown or ambiguous."""
        zones = {visale_zone(c) for c in self.find(name)}
        if len(zones) != 1:
            return None, False
        zone = zones.pop()
        return zone, zone != IDF and not any(c.department in ISLANDS or c.code == SAINT_MARTIN
                                             for c in self.find(name))


def visale_zone(commune: Commune) -> str:
    if commune.department in ILE_DE_FRANCE:
        return IDF
    if commune.department in ISLANDS or commune.code == SAINT_MARTIN:
        return AGGLOMERATION
    return AGGLOMERATION if commune.apl_zone in ("1", "1bis", "2") else OTHER


@lru_cache(maxsize=4)
def load_communes(knowledge: str) -> Communes:
    return Communes.load(Path(knowledge))
