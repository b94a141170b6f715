"""Compare our dated parameters with openfisca-france's, read as YAML from its wheel (no install).

The mapping file (tools/openfisca_correspondances.yml) pairs each of our parameters with one of
theirs and explains every known difference; `compare` returns every difference found, each with
both references and its explanation (None when unexplained), plus the explanations that no
longer match a difference (the released package caught up: the mapping must be updated).
"""

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from bot.rules.parameters import Parameters

PARAMETERS_ROOT = "openfisca_france/parameters/"
NOT_YET = object()  # before a parameter's first value

History = Tuple[Tuple[dt.date, Any], ...]


class MappingError(ValueError):
    """The mapping file names a parameter we do not have, or is malformed."""


@dataclass(frozen=True)
class TheirParameter:
    """One openfisca-france parameter: path (without .yaml), dated values and references by date."""

    path: str
    history: History
    references: Mapping[dt.date, str]
    documentation: str = ""

    def reference_on(self, since: Optional[dt.date]) -> str:
        """The reference of the value applying from `since`: its own, else the last earlier one, else the doc."""
        if since is None:
            return "—"
        earlier = [day for day in self.references if day <= since]
        return self.references[max(earlier)] if earlier else (self.documentation or "sans référence")


@dataclass(frozen=True)
class Difference:
    """One difference: `kind` is valeur, debut, absent or non_rapproche; `explanation` None if unexplained."""

    kind: str
    ours: Optional[str]
    theirs: Optional[str]
    on: Optional[dt.date]
    our_value: Any
    their_value: Any
    our_reference: str
    their_reference: str
    explanation: Optional[str]

    def describe(self, version: str) -> str:
        """A French line with both values and both references."""
        when = f" au {self.on.isoformat()}" if self.on else ""
        label = {"valeur": "valeur différente", "debut": "dates de départ différentes",
                 "absent": "paramètre absent de la version publiée",
                 "non_rapproche": "paramètre d'openfisca-france sans correspondance"}[self.kind]
        line = (f"{self.ours or '—'} ↔ {self.theirs or '—'}{when} : {label}\n"
                f"    projet : {_shown(self.our_value)} ({self.our_reference})\n"
                f"    openfisca-france {version} : {_shown(self.their_value)} ({self.their_reference})")
        verdict = f"expliqué : {self.explanation}" if self.explanation else "NON EXPLIQUÉ : ajoutez la raison à la correspondance ou corrigez la valeur"
        return line + "\n    " + verdict


@dataclass(frozen=True)
class Comparison:
    version: str
    differences: Tuple[Difference, ...]
    stale: Tuple[str, ...]  # explanations that match no difference any more

    @property
    def unexplained(self) -> Tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.explanation is None)

    @property
    def clean(self) -> bool:
        return not self.unexplained and not self.stale


def wheel_version(wheel: Path) -> str:
    """The version in a wheel's file name (openfisca_france-176.1.8-py3-none-any.whl → 176.1.8)."""
    return Path(wheel).name.split("-")[1]


def read_wheel(wheel: Path, folders: List[str]) -> Dict[str, TheirParameter]:
    """Every parameter file (one with `values`) under `folders` of the wheel, by path without .yaml."""
    found: Dict[str, TheirParameter] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if not name.endswith(".yaml") or not any(name.startswith(f.rstrip("/") + "/") for f in folders):
                continue
            data = yaml.safe_load(archive.read(name)) or {}
            if not isinstance(data, dict) or "values" not in data:
                continue
            path = name[len(PARAMETERS_ROOT):-len(".yaml")]
            found[path] = _their_parameter(path, data)
    return found


def _their_parameter(path: str, data: dict) -> TheirParameter:
    history = []
    for day, entry in (data.get("values") or {}).items():
        value = entry.get("value") if isinstance(entry, dict) else entry
        history.append((_date(day), value))
    raw_refs = (data.get("metadata") or {}).get("reference") or {}
    references = {}
    if isinstance(raw_refs, dict) and not {"title", "href"} & set(raw_refs):
        references = {_date(day): _reference_text(refs) for day, refs in raw_refs.items()}
    elif raw_refs:
        references = {day: _reference_text(raw_refs) for day, _ in history}
    return TheirParameter(path=path, history=tuple(sorted(history, key=lambda item: item[0])), references=references,
                          documentation=str(data.get("documentation") or "").strip())


def _reference_text(refs: Any) -> str:
    items = refs if isinstance(refs, list) else [refs]
    texts = []
    for ref in items:
        if isinstance(ref, dict):
            texts.append(" — ".join(str(ref[key]) for key in ("title", "href") if ref.get(key)))
        elif ref:
            texts.append(str(ref))
    return " ; ".join(texts) or "sans référence"


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _at(history: History, day: dt.date) -> Tuple[Optional[dt.date], Any]:
    current: Tuple[Optional[dt.date], Any] = (None, NOT_YET)
    for since, value in history:
        if since <= day:
            current = (since, value)
    return current


def _same(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool) or ours is None or theirs is None:
        return ours == theirs
    try:
        return abs(float(ours) - float(theirs)) < 1e-9
    except (TypeError, ValueError):
        return ours == theirs


def _shown(value: Any) -> str:
    return "pas de valeur" if value is NOT_YET else ("fin (null)" if value is None else str(value))


def compare(mapping: dict, parameters: Parameters, theirs: Mapping[str, TheirParameter], version: str) -> Comparison:
    """Every difference between our parameters and theirs through `mapping`, explained or not."""
    differences: List[Difference] = []
    stale: List[str] = []
    mapped = set()
    for our_name, entry in (mapping.get("correspondances") or {}).items():
        if our_name not in parameters:
            raise MappingError(f"correspondance « {our_name} » : ce paramètre n'existe pas dans knowledge/parametres/")
        if not isinstance(entry, dict) or "openfisca" not in entry:
            raise MappingError(f"correspondance « {our_name} » : le chemin « openfisca » manque")
        mapped.add(entry["openfisca"])
        found = _compare_one(our_name, parameters.get(our_name), entry, theirs.get(entry["openfisca"]))
        differences += found
        stale += _stale(our_name, entry, found)
    ignored = mapping.get("non_repris") or {}
    for path in sorted(set(theirs) - mapped - set(ignored)):
        their = theirs[path]
        since, value = their.history[-1]
        differences.append(Difference("non_rapproche", None, path, None, NOT_YET, value, "—",
                                      their.reference_on(since), None))
    stale += [f"non_repris « {path} » : ce paramètre n'est plus dans la version publiée"
              for path in sorted(set(ignored) - set(theirs))]
    return Comparison(version=version, differences=tuple(differences), stale=tuple(stale))


def _compare_one(our_name: str, ours, entry: dict, their: Optional[TheirParameter]) -> List[Difference]:
    their_path = entry["openfisca"]
    if their is None:
        since, value = ours.history[-1]
        return [Difference("absent", our_name, their_path, None, value, NOT_YET, _our_reference(ours, since),
                           "—", entry.get("absent"))]
    shift = entry.get("decalage", 0)
    their_history = tuple((since, value + shift if isinstance(value, (int, float)) and not isinstance(value, bool)
                           else value) for since, value in their.history)
    explained = {_date(day): text for day, text in (entry.get("ecarts") or {}).items()}
    found: List[Difference] = []
    both_started = max(ours.history[0][0], their_history[0][0])
    for day in sorted({since for since, _ in ours.history} | {since for since, _ in their_history}):
        our_since, our_value = _at(ours.history, day)
        their_since, their_value = _at(their_history, day)
        if _same(our_value, their_value):
            continue
        kind = "debut" if day < both_started else "valeur"
        if kind == "debut" and any(d.kind == "debut" for d in found):
            continue
        found.append(Difference(kind, our_name, their_path, day, our_value, their_value,
                                _our_reference(ours, our_since), their.reference_on(their_since),
                                entry.get("debut") if kind == "debut" else explained.get(day)))
    return found


def _stale(our_name: str, entry: dict, found: List[Difference]) -> List[str]:
    kinds = {d.kind for d in found}
    days = {d.on for d in found if d.kind == "valeur"}
    stale = [f"« {our_name} » : l'écart expliqué au {_date(day).isoformat()} n'existe plus"
             for day in entry.get("ecarts") or {} if _date(day) not in days]
    stale += [f"« {our_name} » : « {key} » n'explique plus aucun écart" for key in ("debut", "absent")
              if entry.get(key) and key not in kinds]
    return stale


def _our_reference(ours, since: Optional[dt.date]) -> str:
    if since is None:
        return "—"
    sources = ours.references.get(since, ())
    return " ; ".join(" — ".join(part for part in (s.title, s.url or s.seed) if part) for s in sources) or "sans référence"
