"""French quantities in free text: amounts, ages, head counts, distances, durations, yes/no.

Numbers written in words are turned into digits by text2num ("trois mille" -> 3000); the patterns
here only recognise the units around the digits ("3 000 €", "3000e", "1,2 k€", "24 ans", "8 salariés",
"150 km", "1h15", "45 min").
"""

import re
from dataclasses import dataclass, field
from typing import List, Optional

from text_to_num import alpha2digit

_SPACES = "\u00a0\u202f\u2009 "
_NUMBER = r"\d+(?:[.,]\d+)?"


@dataclass
class Quantities:
    amounts: List[float] = field(default_factory=list)  # euros
    ages: List[int] = field(default_factory=list)
    headcounts: List[int] = field(default_factory=list)  # employees
    distances_km: List[float] = field(default_factory=list)
    durations_min: List[int] = field(default_factory=list)
    months: List[float] = field(default_factory=list)
    numbers: List[float] = field(default_factory=list)  # every number, in order, units or not
    yes_no: Optional[bool] = None


def _to_float(text: str) -> float:
    return float(text.replace(",", "."))


# « une quinzaine de salariés »: an approximate count, read as its round number.
APPROXIMATE = {"dizaine": "10", "douzaine": "12", "quinzaine": "15", "vingtaine": "20", "trentaine": "30",
               "quarantaine": "40", "cinquantaine": "50", "soixantaine": "60", "centaine": "100", "millier": "1000"}


def digits(text: str) -> str:
    """Words to digits, thousands separators removed ("3 000" -> "3000", "trois mille" -> "3000")."""
    text = text.replace("’", "'")
    text = re.sub(r"\b(une?)\s+heures?\b", r"1 heure", text, flags=re.I)
    text = re.sub(r"\b(?:un|1)\s+(an|mois|semaine)\b", r"1 \1", text, flags=re.I)
    text = re.sub(r"\bune\s+(semaine|ann[ée]e)\b", r"1 \1", text, flags=re.I)
    text = re.sub(r"\b(?:une|1)\s+demi[\s-]heure\b", "30 minutes", text, flags=re.I)
    text = re.sub(r"\b(?:un|1)\s+quart d'heure\b", "15 minutes", text, flags=re.I)
    text = re.sub(r"\btrois quarts? d'heure\b", "45 minutes", text, flags=re.I)
    text = re.sub(r"\bz[ée]ro\b", "0", text, flags=re.I)
    for word, number in APPROXIMATE.items():
        text = re.sub(rf"\b(?:une|1)\s+{word}\b", number, text, flags=re.I)
    try:
        text = alpha2digit(text, "fr", threshold=2)
    except Exception:  # text2num is robust, but never let a parser failure lose the message
        pass
    text = re.sub(rf"(?<=\d)[{_SPACES}](?=\d{{3}}\b)", "", text)
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text)
    return text


_AMOUNT = re.compile(
    rf"({_NUMBER})\s*(k\s*€|k\s*e\b|k\s*eur\w*|k\b)?\s*(€|e\b|eur\b|euros?\b|balles\b)?", re.I)
_AGE = re.compile(rf"(?<!depuis )(?<!il y a )(?<!dans )\b(\d{{1,3}})\s*ans\b(?!\s+d'anciennet)", re.I)
_HEADCOUNT = re.compile(r"\b(\d{1,6})\s*(?:salari[ée]s?|employ[ée]s?|personnes|pers\b|collaborateurs|gars)", re.I)
_COMPANY_OF = re.compile(r"\b(?:bo[iî]te|entreprise|soci[ée]t[ée]|structure|pme|employeur)\s+(?:de|d')\s*(\d{1,6})\b",
                         re.I)
_DISTANCE = re.compile(rf"({_NUMBER})\s*(?:km|kms|kilom[eè]tres?|bornes)\b", re.I)
_HOURS = re.compile(r"\b(\d{1,2})\s*(?:heures?|h)\s*(?:(\d{1,2})\b|et\s+(quart|demie?))?", re.I)
_MINUTES = re.compile(r"\b(\d{1,3})\s*(?:min|minutes?|mn)\b", re.I)
_MONTHS = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*mois\b", re.I)
_YES = re.compile(r"^\s*(oui+|ouais|ouai|wi|yes|yep|ok|okay|d'accord|exact|exactement|bien s[uû]r|tout à fait|affirmatif|"
                  r"c'est [çc]a|voil[aà]|absolument|oui oui|c'est fait|d[ée]j[aà]|carr[ée]ment|effectivement|"
                  r"en effet|tout [àa] fait|si)\b", re.I)
_NO = re.compile(r"^\s*(non+|nan|nn|no|nope|pas du tout|jamais|aucun|aucune|negatif|négatif|pas encore|toujours pas|"
                 r"pas (?:sign[ée]e?|fait|eu|encore|vraiment|de|d'|du|mut[ée]e?|boursi[eè]re?)|absolument pas|pas)\b", re.I)


def extract(text: str) -> Quantities:
    """Every quantity found in a message, in order of appearance."""
    found = Quantities()
    text = digits(text or "")
    for match in _AMOUNT.finditer(text):
        value, thousands, currency = _to_float(match.group(1)), match.group(2), match.group(3)
        found.numbers.append(value * 1000 if thousands else value)
        if thousands or currency:
            found.amounts.append(value * 1000 if thousands else value)
    found.ages = [int(m.group(1)) for m in _AGE.finditer(text)]
    found.headcounts = [int(m.group(1)) for m in _HEADCOUNT.finditer(text)]
    found.headcounts += [int(m.group(1)) for m in _COMPANY_OF.finditer(text) if int(m.group(1)) not in found.headcounts]
    found.distances_km = [_to_float(m.group(1)) for m in _DISTANCE.finditer(text)]
    for match in _HOURS.finditer(text):
        minutes = int(match.group(1)) * 60
        if match.group(2):
            minutes += int(match.group(2))
        elif match.group(3):
            minutes += 15 if match.group(3).lower() == "quart" else 30
        found.durations_min.append(minutes)
    hours_spans = [m.span() for m in _HOURS.finditer(text)]
    found.durations_min += [int(m.group(1)) for m in _MINUTES.finditer(text)
                            if not any(start <= m.start() < end for start, end in hours_spans)]
    found.months = [_to_float(m.group(1)) for m in _MONTHS.finditer(text)]
    if _YES.search(text):
        found.yes_no = True
    elif _NO.search(text):
        found.yes_no = False
    return found
